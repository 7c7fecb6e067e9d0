#include "model/kernels/float_binning.h"

#include "model/kernels/convert_to_float.h"
#include "model/kernels/kernel_dispatch.h"

#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TSCOPE_BINNING_AVX2 1
#endif

namespace tscope::model {

// Why the estimate may be trusted away from whole numbers: the float32 edges differ from the exact edges
// lo + i (hi - lo) / bins by at most half a float32 ulp of max(|lo|, |hi|) (plus float64 rounding in
// linspace, far smaller), and the float64 estimate (v - lo) * scale by about (bins + 1) 2^-51 bins. With
// `margin` four times the sum of both (in bins), an estimate whose fractional part lies in (margin,
// 1 - margin) is inside its bin for the float32 edges too; anything else is compared against the edges.
FloatBins::FloatBins(double lo_, double hi_, int bins)
    : lo(lo_)
    , m_bins(bins)
{
    m_edges.resize(static_cast<size_t>(bins) + 1);
    // numpy.linspace in float64, then rounded to float32: i * step + lo, the last edge exactly hi.
    const double delta = hi_ - lo_;
    const double step = delta / bins;
    for (int i = 0; i < bins; ++i) {
        const double offset = step == 0 ? i / static_cast<double>(bins) * delta : i * step;
        m_edges[static_cast<size_t>(i)] = static_cast<float>(offset + lo_);
    }
    m_edges.back() = static_cast<float>(hi_);
    scale = bins / delta;
    const double largest = std::max(std::fabs(lo_), std::fabs(hi_));
    margin = (largest * 0x1p-22 + 0x1p-148) * scale + (bins + 2.0) * 0x1p-40;
    // Bins as narrow as float32's spacing (or ends beyond float32's range): always compare with the edges.
    if (!(margin < 0.25) || !(largest < static_cast<double>(std::numeric_limits<float>::max())))
        margin = std::numeric_limits<double>::infinity();
    // The float32 estimate t32 = fl32(fl32(v - lo32) * scale32), lo32 = fl32(lo), scale32 = fl32(scale),
    // against the exact t = (v - lo) * scale: lo32 is off by at most |lo| 2^-24, i.e. |lo| 2^-24 scale
    // bins; the subtraction, scale32 and the product add a relative error of at most 3 * 2^-24 (with
    // (1 + 2^-24)^3 < 1 + 3.01 * 2^-24), i.e. (bins + 1) 3.01 * 2^-24 bins where it matters (|t| <= bins + 1;
    // beyond, the estimate stays clearly outside and is clamped to the right side), and a subnormal
    // difference 2^-150 scale absolutely. Four times that bound on top of `margin`'s edge term (which
    // already holds four times the edge error; the float64 term of `margin` is not needed but kept):
    // largest 2^-22 scale + (bins + 1) 2^-20 + 2^-147 scale. scale32 must be a normal float32 (a subnormal
    // scale would lose relative precision), so scale is kept within 2^±100.
    lo32 = static_cast<float>(lo_);
    scale32 = static_cast<float>(scale);
    margin32 = margin + largest * 0x1p-22 * scale + (bins + 1.0) * 0x1p-20 + 0x1p-147 * scale;
    if (!(margin32 < 0.25) || !(scale < 0x1p100) || !(scale > 0x1p-100))
        margin32 = std::numeric_limits<double>::infinity();
}

int FloatBins::binOf(float v) const
{
    return binByEdges(v, m_edges, lo, scale, m_bins);
}

namespace {

// Above this many bins the interleaved tables are not worth clearing per block: one table of 64-bit counts.
constexpr int kMaxTableBins = 4096;

// Counters per block: several interleaved tables of 32-bit counts break the store-to-load chain when
// neighbouring values fall into the same bin (the common case for weights). A table holds bins + 2 slots:
// 0 counts values below the first edge, 1..bins the bins, bins + 1 values above the last edge.
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

// The slot (0 below, 1 + bin, bins + 1 above) of a finite value, numpy's way: the float64 estimate, then
// one step down when v is below its bin's lower edge, or up when v reaches the next edge (not past the
// last bin). One step is enough while the estimate is within a bin of the truth, which `margin` < 0.25
// guarantees (see FloatBins); narrower bins walk the edges (binOf).
// FloatBins' fields as locals: the counters are uint32_t, which may alias FloatBins' int, so reading the
// fields through the object after every increment would reload them.
struct Binning {
    const FloatBins& owner;
    const float* e = owner.edges().data();
    size_t bins = static_cast<size_t>(owner.bins());
    double lo = owner.lo, scale = owner.scale;
    bool oneStep = owner.margin < 0.25; // else one step may not be enough
};

inline size_t slotOf(float v, const Binning& b)
{
    if (!b.oneStep) [[unlikely]]
        return static_cast<size_t>(b.owner.binOf(v) + 1);
    double t = (static_cast<double>(v) - b.lo) * b.scale;
    t = t > 0.0 ? t : 0.0;
    t = t < static_cast<double>(b.bins - 1) ? t : static_cast<double>(b.bins - 1);
    const auto g = static_cast<size_t>(t);
    // Without branches (the data decide them); down and up never both hold, since edges ascend. Below the
    // first edge the estimate is bin 0 and steps down to slot 0; past the last edge it is the last bin and
    // steps up to slot bins + 1 (the last bin keeps v == its upper edge).
    const bool down = v < b.e[g];
    const bool up = (v >= b.e[g + 1]) & ((g + 1 != b.bins) | (v > b.e[b.bins]));
    return g + 1 - down + up;
}

// Counts NaN and Inf in the tally; true when v is finite.
inline bool finiteOrTally(float v, BinTally& tally)
{
    if (std::isnan(v)) {
        ++tally.nans;
        return false;
    }
    if (std::isinf(v)) {
        ++(v > 0 ? tally.posinf : tally.neginf);
        return false;
    }
    return true;
}

inline void binOne(float v, const Binning& b, uint32_t* table, BinTally& tally)
{
    if (finiteOrTally(v, tally)) table[slotOf(v, b)]++;
}

void addTables(const uint32_t* t, int tables, int bins, BinTally& tally)
{
    const size_t stride = static_cast<size_t>(bins) + 2;
    for (size_t s = 0; s < stride; ++s) {
        uint64_t sum = 0;
        for (int k = 0; k < tables; ++k)
            sum += t[static_cast<size_t>(k) * stride + s];
        if (s == 0)
            tally.below += sum;
        else if (s == stride - 1)
            tally.above += sum;
        else
            tally.counts[s - 1] += sum;
    }
}

#if TSCOPE_BINNING_AVX2
// Eight values per step, without loading edges: the estimates in two float64 vectors, clamped to
// [-0.5, bins + 0.5] (so clearly-below values land half-way into slot 0 and clearly-above ones into slot
// bins + 1), floored; a floor is trusted when the estimate's fractional part lies in (margin, 1 - margin),
// which FloatBins proves puts the value between the same float32 edges. Then one increment per value into
// eight tables. A step with a NaN, an Inf or an untrusted lane goes value by value through slotOf.
// Counts eight table slots given as 32-bit indices in two 128-bit registers, taken out through general
// registers (two per 64-bit move), not a store and eight loads: the loads would compete with the
// counters' for the load ports.
__attribute__((target("avx2"), always_inline)) inline void countEight(uint32_t* t, __m128i ia, __m128i ib)
{
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

__attribute__((target("avx2,fma"))) void binAvx2(
    const float* p, uint64_t n, const FloatBins& bins, BinTally& tally)
{
    const Binning q { bins };
    const int nb = bins.bins();
    const int stride = nb + 2;
    uint32_t* t = threadTables().reset(static_cast<size_t>(stride) * 8);
    const __m256d vlo = _mm256_set1_pd(bins.lo), vscale = _mm256_set1_pd(bins.scale);
    const __m256d vmin = _mm256_set1_pd(-0.5), vmax = _mm256_set1_pd(nb + 0.5), half = _mm256_set1_pd(0.5);
    const __m256d halfInside = _mm256_set1_pd(0.5 - bins.margin), signBit = _mm256_set1_pd(-0.0);

    const __m256i expMask = _mm256_set1_epi32(0x7f800000);
    // Table offsets per lane plus one (slot = bin + 1), added to the truncated estimate.
    const __m128i offLo = _mm_setr_epi32(1, stride + 1, 2 * stride + 1, 3 * stride + 1);
    const __m128i offHi = _mm_add_epi32(offLo, _mm_set1_epi32(4 * stride));
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(p + i);
        const __m256i e = _mm256_and_si256(_mm256_castps_si256(x), expMask);
        const __m256i special = _mm256_cmpeq_epi32(e, expMask);
        const __m256d a
            = _mm256_mul_pd(_mm256_sub_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(x)), vlo), vscale);
        const __m256d b
            = _mm256_mul_pd(_mm256_sub_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)), vlo), vscale);
        // slotOf's clamp, floor and test: may the floor be trusted?
        const __m256d ca = _mm256_min_pd(_mm256_max_pd(a, vmin), vmax);
        const __m256d cb = _mm256_min_pd(_mm256_max_pd(b, vmin), vmax);
        const __m256d fa = _mm256_floor_pd(ca), fb = _mm256_floor_pd(cb);
        const __m256d da = _mm256_andnot_pd(signBit, _mm256_sub_pd(_mm256_sub_pd(ca, fa), half));
        const __m256d db = _mm256_andnot_pd(signBit, _mm256_sub_pd(_mm256_sub_pd(cb, fb), half));
        const int ok = _mm256_movemask_pd(_mm256_and_pd(
            _mm256_cmp_pd(da, halfInside, _CMP_LT_OQ), _mm256_cmp_pd(db, halfInside, _CMP_LT_OQ)));
        if (!_mm256_testz_si256(special, special) || ok != 0xf) [[unlikely]] {
            for (uint64_t k = i; k < i + 8; ++k)
                binOne(p[k], q, t, tally);
            continue;
        }
        // Floors: -1 below (slot 0), bins above (slot bins + 1), else the bin.
        const __m128i ia = _mm_add_epi32(_mm256_cvttpd_epi32(fa), offLo);
        const __m128i ib = _mm_add_epi32(_mm256_cvttpd_epi32(fb), offHi);
        countEight(t, ia, ib);
    }
    for (; i < n; ++i)
        binOne(p[i], q, t, tally);
    addTables(t, 8, nb, tally);
}

// The histogram pass reads a large tensor from memory, not the cache, and the hardware prefetcher stops at
// every 4 KiB page: the loop prefetches this far ahead (never faults, even past the end). bench_histogram
// float32, 1 thread: 1.88 -> 1.97 G elements/s (1 KiB the same, 4 KiB no better).
constexpr size_t kBinPrefetchBytes = 2048;

// The stored element types the float32-estimate loop reads directly.
enum class Source { Float32, BFloat16, Float16 };

// Eight elements widened exactly to float32 (bfloat16: the top half of a float32; float16: F16C's
// conversion, exact like io's), the same values toFloatBlock gives.
template <Source S>
__attribute__((target("avx2,fma,f16c"), always_inline)) inline __m256 load8(const std::byte* p)
{
    if constexpr (S == Source::Float32) {
        return _mm256_loadu_ps(reinterpret_cast<const float*>(p));
    } else if constexpr (S == Source::BFloat16) {
        const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
    } else {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
}

// Eight values per step as binAvx2, with the estimate in float32 (eight lanes in one vector instead of two
// float64 vectors and no conversions): usable when FloatBins::margin32 < 0.25, which bounds the float32
// estimate's error the way `margin` bounds the float64 one. Same clamp, floor and trust test; a lane
// whose fractional part is within margin32 of a whole number, a NaN or an Inf sends the step value by value
// through slotOf (numpy's rule against the edges). float16 and bfloat16 are widened in registers, so they
// need no widened copy. (Needs F16C only for float16; kernelsUseF16c() is checked for all three.)
template <Source S>
__attribute__((target("avx2,fma,f16c"))) void binAvx2Float32(
    const std::byte* src, uint64_t n, const FloatBins& bins, BinTally& tally)
{
    constexpr size_t esize = S == Source::Float32 ? 4 : 2;
    const Binning q { bins };
    const int nb = bins.bins();
    const int stride = nb + 2;
    uint32_t* t = threadTables().reset(static_cast<size_t>(stride) * 8);
    const __m256 vlo = _mm256_set1_ps(bins.lo32), vscale = _mm256_set1_ps(bins.scale32);
    // -0.5 and bins + 0.5 are exact in float32 (bins <= kMaxTableBins).
    const __m256 vmin = _mm256_set1_ps(-0.5f), vmax = _mm256_set1_ps(static_cast<float>(nb) + 0.5f);
    const __m256 half = _mm256_set1_ps(0.5f), signBit = _mm256_set1_ps(-0.0f);
    // 0.5 - margin32 rounded down, so the test never trusts more than the bound allows. (frac - 0.5 may
    // round, but rounding is monotonic: a lane within margin32 of a whole number still fails the test.)
    float inside = static_cast<float>(0.5 - bins.margin32);
    if (static_cast<double>(inside) > 0.5 - bins.margin32) inside = std::nextafter(inside, 0.0f);
    const __m256 halfInside = _mm256_set1_ps(inside);
    const __m256i expMask = _mm256_set1_epi32(0x7f800000);
    // Table offsets per lane plus one (slot = bin + 1), added to the truncated estimate.
    const __m256i offsets = _mm256_setr_epi32(1, stride + 1, 2 * stride + 1, 3 * stride + 1, 4 * stride + 1,
        5 * stride + 1, 6 * stride + 1, 7 * stride + 1);
    alignas(32) float lanes[8];
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const std::byte* p = src + i * esize;
        // An address, not a pointer into the array (it may lie past the end, where pointers may not point).
        _mm_prefetch(
            reinterpret_cast<const char*>(reinterpret_cast<uintptr_t>(p) + kBinPrefetchBytes), _MM_HINT_T0);
        const __m256 x = load8<S>(p);
        const __m256i e = _mm256_and_si256(_mm256_castps_si256(x), expMask);
        const __m256i special = _mm256_cmpeq_epi32(e, expMask);
        const __m256 est = _mm256_mul_ps(_mm256_sub_ps(x, vlo), vscale);
        const __m256 c = _mm256_min_ps(_mm256_max_ps(est, vmin), vmax);
        const __m256 f = _mm256_floor_ps(c);
        const __m256 d = _mm256_andnot_ps(signBit, _mm256_sub_ps(_mm256_sub_ps(c, f), half));
        const int ok = _mm256_movemask_ps(_mm256_cmp_ps(d, halfInside, _CMP_LT_OQ));
        if (!_mm256_testz_si256(special, special) || ok != 0xff) [[unlikely]] {
            _mm256_store_ps(lanes, x);
            for (float v : lanes)
                binOne(v, q, t, tally);
            continue;
        }
        // Floors: -1 below (slot 0), bins above (slot bins + 1), else the bin.
        const __m256i idx = _mm256_add_epi32(_mm256_cvttps_epi32(f), offsets);
        const __m128i ia = _mm256_castsi256_si128(idx);
        const __m128i ib = _mm256_extracti128_si256(idx, 1);
        countEight(t, ia, ib);
    }
    if (i < n) { // the last few, widened by the reference conversion
        const io::DType dtype = S == Source::Float32 ? io::DType::Float
            : S == Source::BFloat16                  ? io::DType::BFloat16
                                                     : io::DType::Half;
        if constexpr (S == Source::Float32)
            std::memcpy(lanes, src + i * esize, (n - i) * esize);
        else
            toFloatBlock(dtype, src + i * esize, lanes, n - i);
        for (uint64_t k = 0; k < n - i; ++k)
            binOne(lanes[k], q, t, tally);
    }
    addTables(t, 8, nb, tally);
}
#endif

} // namespace

void binFloatBlockPortable(const float* p, uint64_t n, const FloatBins& bins, BinTally& tally)
{
    const Binning q { bins };
    const size_t stride = static_cast<size_t>(bins.bins()) + 2;
    uint32_t* t = threadTables().reset(stride * 4);
    uint64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float a = p[i], b = p[i + 1], c = p[i + 2], d = p[i + 3];
        if (std::isfinite(a) && std::isfinite(b) && std::isfinite(c) && std::isfinite(d)) [[likely]] {
            t[slotOf(a, q)]++;
            t[stride + slotOf(b, q)]++;
            t[2 * stride + slotOf(c, q)]++;
            t[3 * stride + slotOf(d, q)]++;
        } else {
            for (uint64_t k = i; k < i + 4; ++k)
                binOne(p[k], q, t, tally);
        }
    }
    for (; i < n; ++i)
        binOne(p[i], q, t, tally);
    addTables(t, 4, bins.bins(), tally);
}

void binFloatBlock(const float* p, uint64_t n, const FloatBins& bins, BinTally& tally)
{
    const Binning q { bins };
    if (bins.bins() > kMaxTableBins) { // clearing and adding up the tables would cost more than they save
        const size_t above = static_cast<size_t>(bins.bins()) + 1;
        for (uint64_t i = 0; i < n; ++i) {
            const float v = p[i];
            if (!finiteOrTally(v, tally)) continue;
            const size_t s = slotOf(v, q);
            if (s == 0)
                ++tally.below;
            else if (s == above)
                ++tally.above;
            else
                tally.counts[s - 1]++;
        }
        return;
    }
#if TSCOPE_BINNING_AVX2
    if (kernelsUseF16c() && bins.margin32 < 0.25)
        return binAvx2Float32<Source::Float32>(reinterpret_cast<const std::byte*>(p), n, bins, tally);
    if (kernelsUseAvx2()) return binAvx2(p, n, bins, tally);
#endif
    binFloatBlockPortable(p, n, bins, tally);
}

bool binWidenedBlock(
    io::DType dtype, const std::byte* src, uint64_t n, const FloatBins& bins, BinTally& tally)
{
#if TSCOPE_BINNING_AVX2
    if (n == 0 || bins.bins() > kMaxTableBins || !(bins.margin32 < 0.25) || !kernelsUseF16c()) return false;
    if (dtype == io::DType::BFloat16) {
        binAvx2Float32<Source::BFloat16>(src, n, bins, tally);
        return true;
    }
    if (dtype == io::DType::Half) {
        binAvx2Float32<Source::Float16>(src, n, bins, tally);
        return true;
    }
#else
    (void)dtype, (void)src, (void)n, (void)bins, (void)tally;
#endif
    return false;
}

} // namespace tscope::model
