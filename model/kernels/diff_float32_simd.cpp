#include "model/kernels/diff_float32_simd.h"

#include "model/kernels/kernel_dispatch.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TSCOPE_DIFF_AVX2 1
#endif

namespace tscope::model {
namespace {

// The order both paths share after their lanes: the tail pair by pair, then the finiteness check.
inline bool finishBlock(
    const float* a, const float* b, uint64_t i, uint64_t n, PartialDiff& p, PartialDiff& out)
{
    for (; i < n; ++i) {
        uint32_t ux, uy;
        std::memcpy(&ux, a + i, 4);
        std::memcpy(&uy, b + i, 4);
        p.changed += ux != uy;
        const double x = a[i], y = b[i], d = y - x;
        p.maxAbs = std::max(p.maxAbs, std::fabs(d));
        p.sumAbs += std::fabs(d);
        p.sumSq += d * d;
        p.sumA2 += x * x;
        p.sumB2 += y * y;
        p.sumAB += x * y;
        ++p.compared;
    }
    // Squares of finite floats stay finite in double (|x|^2 < 1.2e77), so only a NaN or Inf makes these
    // sums non-finite: then the block is redone element by element, which counts them.
    if (!std::isfinite(p.sumA2) || !std::isfinite(p.sumB2)) return false;
    out.merge(p);
    return true;
}

#if TSCOPE_DIFF_AVX2

struct Sums {
    __m256d maxAbs, sumAbs, sumSq, a2, b2, ab;
};

__attribute__((target("avx2"))) inline void addHalf(Sums& s, __m256d x, __m256d y, __m256d signMask)
{
    const __m256d d = _mm256_sub_pd(y, x);
    const __m256d ad = _mm256_andnot_pd(signMask, d);
    s.maxAbs = _mm256_max_pd(s.maxAbs, ad);
    s.sumAbs = _mm256_add_pd(s.sumAbs, ad);
    s.sumSq = _mm256_add_pd(s.sumSq, _mm256_mul_pd(d, d));
    s.a2 = _mm256_add_pd(s.a2, _mm256_mul_pd(x, x));
    s.b2 = _mm256_add_pd(s.b2, _mm256_mul_pd(y, y));
    s.ab = _mm256_add_pd(s.ab, _mm256_mul_pd(x, y));
}

__attribute__((target("avx2"))) double horizontalSum(__m256d v)
{
    alignas(32) double l[4];
    _mm256_store_pd(l, v);
    return (l[0] + l[1]) + (l[2] + l[3]);
}

__attribute__((target("avx2"))) double horizontalMax(__m256d v)
{
    alignas(32) double l[4];
    _mm256_store_pd(l, v);
    return std::max(std::max(l[0], l[1]), std::max(l[2], l[3]));
}

__attribute__((target("avx2"))) bool diffAvx2(
    const std::byte* pa, const std::byte* pb, uint64_t n, PartialDiff& out)
{
    const float* a = reinterpret_cast<const float*>(pa);
    const float* b = reinterpret_cast<const float*>(pb);
    const __m256d zero = _mm256_setzero_pd(), signMask = _mm256_set1_pd(-0.0);
    Sums s { zero, zero, zero, zero, zero, zero };
    __m256i equal = _mm256_setzero_si256(); // per-lane counts of equal bit patterns (negated masks)
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(a + i), y = _mm256_loadu_ps(b + i);
        equal = _mm256_sub_epi32(equal, _mm256_cmpeq_epi32(_mm256_castps_si256(x), _mm256_castps_si256(y)));
        addHalf(s, _mm256_cvtps_pd(_mm256_castps256_ps128(x)), _mm256_cvtps_pd(_mm256_castps256_ps128(y)),
            signMask);
        addHalf(s, _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)), _mm256_cvtps_pd(_mm256_extractf128_ps(y, 1)),
            signMask);
    }
    alignas(32) int32_t lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), equal);
    uint64_t same = 0;
    for (int k = 0; k < 8; ++k)
        same += static_cast<uint32_t>(lanes[k]);
    PartialDiff p;
    p.changed = i - same;
    p.compared = i;
    p.maxAbs = horizontalMax(s.maxAbs);
    p.sumAbs = horizontalSum(s.sumAbs);
    p.sumSq = horizontalSum(s.sumSq);
    p.sumA2 = horizontalSum(s.a2);
    p.sumB2 = horizontalSum(s.b2);
    p.sumAB = horizontalSum(s.ab);
    return finishBlock(a, b, i, n, p, out);
}
#endif

} // namespace

bool diffFloat32Portable(const std::byte* pa, const std::byte* pb, uint64_t n, PartialDiff& out)
{
    const float* a = reinterpret_cast<const float*>(pa);
    const float* b = reinterpret_cast<const float*>(pb);
    double maxAbs[4] = {}, sumAbs[4] = {}, sumSq[4] = {}, a2[4] = {}, b2[4] = {}, ab[4] = {};
    uint64_t same = 0;
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (uint64_t k = 0; k < 8; ++k) {
            const uint64_t l = k & 3;
            uint32_t ux, uy;
            std::memcpy(&ux, a + i + k, 4);
            std::memcpy(&uy, b + i + k, 4);
            same += ux == uy;
            const double x = a[i + k], y = b[i + k], d = y - x, ad = std::fabs(d);
            maxAbs[l] = maxAbs[l] > ad ? maxAbs[l] : ad;
            sumAbs[l] += ad;
            sumSq[l] += d * d;
            a2[l] += x * x;
            b2[l] += y * y;
            ab[l] += x * y;
        }
    auto sum = [](const double* l) { return (l[0] + l[1]) + (l[2] + l[3]); };
    PartialDiff p;
    p.changed = i - same;
    p.compared = i;
    p.maxAbs = std::max(std::max(maxAbs[0], maxAbs[1]), std::max(maxAbs[2], maxAbs[3]));
    p.sumAbs = sum(sumAbs);
    p.sumSq = sum(sumSq);
    p.sumA2 = sum(a2);
    p.sumB2 = sum(b2);
    p.sumAB = sum(ab);
    return finishBlock(a, b, i, n, p, out);
}

bool diffFloat32SimdAvailable()
{
#if TSCOPE_DIFF_AVX2
    return kernelsUseAvx2();
#else
    return false;
#endif
}

bool diffFloat32Simd(const std::byte* a, const std::byte* b, uint64_t n, PartialDiff& out)
{
#if TSCOPE_DIFF_AVX2
    if (kernelsUseAvx2()) return diffAvx2(a, b, n, out);
#endif
    return diffFloat32Portable(a, b, n, out);
}

} // namespace tscope::model
