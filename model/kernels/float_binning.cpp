#include "model/kernels/float_binning.h"

#include "model/kernels/kernel_dispatch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TSCOPE_BINNING_AVX2 1
#endif

namespace tscope::model {
namespace {

// Above this many bins the interleaved tables are not worth clearing per block: one table of 64-bit counts.
constexpr int kMaxTableBins = 4096;

// Counters per block: several interleaved tables of 32-bit counts break the store-to-load chain when
// neighbouring values fall into the same bin (the common case for weights). One per thread, reused.
struct Tables {
    std::vector<uint32_t> counts;
    uint32_t* reset(size_t entries)
    {
        counts.assign(entries, 0);
        return counts.data();
    }
};

Tables& threadTables()
{
    thread_local Tables t;
    return t;
}

// The clamps are written as the AVX2 max/min compute them (a NaN from an overflowing scale becomes 0).
inline size_t binOf(float v, double lo, double scale, double maxBin)
{
    double t = (static_cast<double>(v) - lo) * scale;
    t = t > 0.0 ? t : 0.0;
    t = t < maxBin ? t : maxBin;
    return static_cast<size_t>(t);
}

inline void binOne(
    float v, double lo, double scale, double maxBin, uint32_t* c, uint64_t& nans, uint64_t& infs)
{
    if (std::isnan(v))
        ++nans;
    else if (std::isinf(v))
        ++infs;
    else
        c[binOf(v, lo, scale, maxBin)]++;
}

void addTables(const uint32_t* t, int tables, int bins, uint64_t* counts)
{
    for (size_t b = 0; b < static_cast<size_t>(bins); ++b) {
        uint64_t sum = 0;
        for (int k = 0; k < tables; ++k)
            sum += t[static_cast<size_t>(k) * static_cast<size_t>(bins) + b];
        counts[b] += sum;
    }
}

#if TSCOPE_BINNING_AVX2
// Eight values per step: the bin indices in two float64 vectors (the same arithmetic as binOf), then one
// increment per value into eight tables. A step with a NaN or Inf goes value by value.
__attribute__((target("avx2,fma"))) void binAvx2(const float* p, uint64_t n, double lo, double scale,
    int bins, uint64_t* counts, uint64_t& nans, uint64_t& infs)
{
    const size_t stride = static_cast<size_t>(bins);
    uint32_t* t = threadTables().reset(stride * 8);
    const double maxBin = bins - 1;
    const __m256d vlo = _mm256_set1_pd(lo), vscale = _mm256_set1_pd(scale), vzero = _mm256_setzero_pd(),
                  vmax = _mm256_set1_pd(maxBin);
    const __m256i expMask = _mm256_set1_epi32(0x7f800000);
    // Table offsets per lane, added to the bin index.
    const __m128i offLo = _mm_setr_epi32(0, bins, 2 * bins, 3 * bins);
    const __m128i offHi = _mm_add_epi32(offLo, _mm_set1_epi32(4 * bins));
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(p + i);
        const __m256i e = _mm256_and_si256(_mm256_castps_si256(x), expMask);
        if (!_mm256_testz_si256(_mm256_cmpeq_epi32(e, expMask), _mm256_cmpeq_epi32(e, expMask)))
            [[unlikely]] {
            for (uint64_t k = i; k < i + 8; ++k)
                binOne(p[k], lo, scale, maxBin, t, nans, infs);
            continue;
        }
        __m256d a = _mm256_mul_pd(_mm256_sub_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(x)), vlo), vscale);
        __m256d b = _mm256_mul_pd(_mm256_sub_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)), vlo), vscale);
        a = _mm256_min_pd(_mm256_max_pd(a, vzero), vmax);
        b = _mm256_min_pd(_mm256_max_pd(b, vzero), vmax);
        // Indices out through general registers (two per 64-bit move), not a store and eight loads: the
        // loads compete with the counters' for the load ports.
        const __m128i ia = _mm_add_epi32(_mm256_cvttpd_epi32(a), offLo);
        const __m128i ib = _mm_add_epi32(_mm256_cvttpd_epi32(b), offHi);
        const uint64_t i01 = static_cast<uint64_t>(_mm_cvtsi128_si64(ia));
        const uint64_t i23 = static_cast<uint64_t>(_mm_extract_epi64(ia, 1));
        const uint64_t i45 = static_cast<uint64_t>(_mm_cvtsi128_si64(ib));
        const uint64_t i67 = static_cast<uint64_t>(_mm_extract_epi64(ib, 1));
        t[static_cast<uint32_t>(i01)]++;
        t[i01 >> 32]++;
        t[static_cast<uint32_t>(i23)]++;
        t[i23 >> 32]++;
        t[static_cast<uint32_t>(i45)]++;
        t[i45 >> 32]++;
        t[static_cast<uint32_t>(i67)]++;
        t[i67 >> 32]++;
    }
    for (; i < n; ++i)
        binOne(p[i], lo, scale, maxBin, t, nans, infs);
    addTables(t, 8, bins, counts);
}
#endif

} // namespace

void binFloatBlockPortable(const float* p, uint64_t n, double lo, double scale, int bins, uint64_t* counts,
    uint64_t& nans, uint64_t& infs)
{
    const size_t stride = static_cast<size_t>(bins);
    uint32_t* t = threadTables().reset(stride * 4);
    const double maxBin = bins - 1;
    uint64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float a = p[i], b = p[i + 1], c = p[i + 2], d = p[i + 3];
        if (std::isfinite(a) && std::isfinite(b) && std::isfinite(c) && std::isfinite(d)) [[likely]] {
            t[binOf(a, lo, scale, maxBin)]++;
            t[stride + binOf(b, lo, scale, maxBin)]++;
            t[2 * stride + binOf(c, lo, scale, maxBin)]++;
            t[3 * stride + binOf(d, lo, scale, maxBin)]++;
        } else {
            for (uint64_t k = i; k < i + 4; ++k)
                binOne(p[k], lo, scale, maxBin, t, nans, infs);
        }
    }
    for (; i < n; ++i)
        binOne(p[i], lo, scale, maxBin, t, nans, infs);
    addTables(t, 4, bins, counts);
}

void binFloatBlock(const float* p, uint64_t n, double lo, double scale, int bins, uint64_t* counts,
    uint64_t& nans, uint64_t& infs)
{
    if (bins > kMaxTableBins) { // clearing and adding up the tables would cost more than they save
        const double maxBin = bins - 1;
        for (uint64_t i = 0; i < n; ++i) {
            const float v = p[i];
            if (std::isnan(v))
                ++nans;
            else if (std::isinf(v))
                ++infs;
            else
                counts[binOf(v, lo, scale, maxBin)]++;
        }
        return;
    }
#if TSCOPE_BINNING_AVX2
    if (kernelsUseAvx2()) return binAvx2(p, n, lo, scale, bins, counts, nans, infs);
#endif
    binFloatBlockPortable(p, n, lo, scale, bins, counts, nans, infs);
}

} // namespace tscope::model
