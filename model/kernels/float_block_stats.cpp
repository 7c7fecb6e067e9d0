#include "model/kernels/float_block_stats.h"

#include "model/kernels/kernel_dispatch.h"

#include <cmath>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TSCOPE_STATS_AVX2 1
#endif

namespace tscope::model {
namespace {

// Lane-wise min/max exactly as the AVX2 instructions compute them (the second operand wins ties and
// unordered pairs), so the sign of a zero minimum does not depend on the path.
inline float laneMin(float acc, float x)
{
    return acc < x ? acc : x;
}
inline float laneMax(float acc, float x)
{
    return acc > x ? acc : x;
}

// The order every path shares after its lanes: the tail one by one, then the checks. `s` holds the
// combined lane sums on entry.
inline bool finishBlock(const float* p, int64_t i, int64_t n, double shift, double s1, double s2, double sq,
    float mn, float mx, uint64_t z, FloatBlockSums& out)
{
    for (; i < n; ++i) {
        const float v = p[i];
        const double x = static_cast<double>(v), d = x - shift;
        mn = laneMin(mn, v);
        mx = laneMax(mx, v);
        z += v == 0.0f;
        s1 += d;
        s2 += d * d;
        sq += x * x;
    }
    // sumSq stays finite for any finite float (|x|^2 <= 1.2e77 in double): only NaN/Inf break it.
    if (!std::isfinite(sq)) return false;
    out.s1 = s1;
    out.s2 = s2;
    out.sumSq = sq;
    out.min = mn;
    out.max = mx;
    out.zeros = z;
    return true;
}

#if TSCOPE_STATS_AVX2
// Per-lane min, max and zero count (as negated compare masks; n < 2^31), the same in every vector path.
__attribute__((target("avx2"), always_inline)) inline void trackLanes(
    __m256 x, __m256& vmin, __m256& vmax, __m256i& zeros)
{
    vmin = _mm256_min_ps(vmin, x);
    vmax = _mm256_max_ps(vmax, x);
    zeros = _mm256_sub_epi32(zeros, _mm256_castps_si256(_mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_EQ_OQ)));
}

// What the vector paths share after their loop: the eight min/max/zero lanes folded in lane order, the four
// float64 lane sums paired as (0 + 1) + (2 + 3), then finishBlock.
__attribute__((target("avx2"), always_inline)) inline bool finishLanes(const float* p, int64_t i, int64_t n,
    double shift, const double* l1, const double* l2, const double* lq, __m256 vmin, __m256 vmax,
    __m256i zeros, FloatBlockSums& out)
{
    alignas(32) float lmn[8], lmx[8];
    alignas(32) int32_t lz[8];
    _mm256_store_ps(lmn, vmin);
    _mm256_store_ps(lmx, vmax);
    _mm256_store_si256(reinterpret_cast<__m256i*>(lz), zeros);
    float mn = INFINITY, mx = -INFINITY;
    uint64_t z = 0;
    for (int k = 0; k < 8; ++k) {
        mn = laneMin(mn, lmn[k]);
        mx = laneMax(mx, lmx[k]);
        z += static_cast<uint32_t>(lz[k]);
    }
    return finishBlock(p, i, n, shift, (l1[0] + l1[1]) + (l1[2] + l1[3]), (l2[0] + l2[1]) + (l2[2] + l2[3]),
        (lq[0] + lq[1]) + (lq[2] + lq[3]), mn, mx, z, out);
}

__attribute__((target("avx2"))) bool floatBlockSumsAvx2(
    const float* p, int64_t n, double shift, FloatBlockSums& out)
{
    const __m256d vshift = _mm256_set1_pd(shift);
    // Lanes 0-3 in the "a" vectors, 4-7 in the "b" vectors. (Unrolling further needs more than the 16
    // ymm registers and measured slower.)
    __m256d s1a = _mm256_setzero_pd(), s1b = s1a, s2a = s1a, s2b = s1a, qa = s1a, qb = s1a;
    __m256 vmin = _mm256_set1_ps(INFINITY), vmax = _mm256_set1_ps(-INFINITY);
    __m256i zeros = _mm256_setzero_si256(); // per-lane counts (as negated compare masks); n < 2^31
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(p + i);
        trackLanes(x, vmin, vmax, zeros);
        const __m256d xa = _mm256_cvtps_pd(_mm256_castps256_ps128(x));
        const __m256d xb = _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1));
        const __m256d da = _mm256_sub_pd(xa, vshift), db = _mm256_sub_pd(xb, vshift);
        s1a = _mm256_add_pd(s1a, da);
        s1b = _mm256_add_pd(s1b, db);
        s2a = _mm256_add_pd(s2a, _mm256_mul_pd(da, da));
        s2b = _mm256_add_pd(s2b, _mm256_mul_pd(db, db));
        qa = _mm256_add_pd(qa, _mm256_mul_pd(xa, xa));
        qb = _mm256_add_pd(qb, _mm256_mul_pd(xb, xb));
    }
    alignas(32) double l1[4], l2[4], lq[4];
    _mm256_store_pd(l1, _mm256_add_pd(s1a, s1b));
    _mm256_store_pd(l2, _mm256_add_pd(s2a, s2b));
    _mm256_store_pd(lq, _mm256_add_pd(qa, qb));
    return finishLanes(p, i, n, shift, l1, l2, lq, vmin, vmax, zeros, out);
}

// The AVX2 path's lanes with the float64 sums in one 512-bit vector (lanes 0-7) instead of two 256-bit
// ones: one conversion and half the float64 adds and multiplies per eight values. min, max and the zero
// count stay 256-bit, so every lane sees the same values in the same order, and l[k] = lane[k] +
// lane[k + 4] is the low half plus the high half: the AVX2 (and portable) results bit for bit.
__attribute__((target("avx512f,avx2"))) bool floatBlockSumsAvx512(
    const float* p, int64_t n, double shift, FloatBlockSums& out)
{
    const __m512d vshift = _mm512_set1_pd(shift);
    __m512d s1 = _mm512_setzero_pd(), s2 = s1, q = s1;
    __m256 vmin = _mm256_set1_ps(INFINITY), vmax = _mm256_set1_ps(-INFINITY);
    __m256i zeros = _mm256_setzero_si256(); // per-lane counts (as negated compare masks); n < 2^31
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(p + i);
        trackLanes(x, vmin, vmax, zeros);
        const __m512d xd = _mm512_maskz_cvtps_pd(0xff, x); // maskz: GCC 12 warns on the plain form
        const __m512d d = _mm512_sub_pd(xd, vshift);
        s1 = _mm512_add_pd(s1, d);
        s2 = _mm512_add_pd(s2, _mm512_mul_pd(d, d));
        q = _mm512_add_pd(q, _mm512_mul_pd(xd, xd));
    }
    // l[k] = lane[k] + lane[k + 4], in scalar float64 adds (the same IEEE adds as the AVX2 path's vector
    // ones; GCC 12's 512-bit extract intrinsics trip its uninitialised-value warnings).
    alignas(64) double w1[8], w2[8], wq[8];
    _mm512_store_pd(w1, s1);
    _mm512_store_pd(w2, s2);
    _mm512_store_pd(wq, q);
    double l1[4], l2[4], lq[4];
    for (int k = 0; k < 4; ++k) {
        l1[k] = w1[k] + w1[k + 4];
        l2[k] = w2[k] + w2[k + 4];
        lq[k] = wq[k] + wq[k + 4];
    }
    return finishLanes(p, i, n, shift, l1, l2, lq, vmin, vmax, zeros, out);
}
#endif

} // namespace

bool floatBlockSumsPortable(const float* p, int64_t n, double shift, FloatBlockSums& out)
{
    double s1[8] = {}, s2[8] = {}, q[8] = {};
    float lmn[8], lmx[8];
    uint64_t lz[8] = {};
    for (int k = 0; k < 8; ++k) {
        lmn[k] = INFINITY;
        lmx[k] = -INFINITY;
    }
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) {
            const float v = p[i + k];
            const double x = static_cast<double>(v), d = x - shift;
            lmn[k] = laneMin(lmn[k], v);
            lmx[k] = laneMax(lmx[k], v);
            lz[k] += v == 0.0f;
            s1[k] += d;
            s2[k] += d * d;
            q[k] += x * x;
        }
    double l1[4], l2[4], lq[4];
    for (int k = 0; k < 4; ++k) {
        l1[k] = s1[k] + s1[k + 4];
        l2[k] = s2[k] + s2[k + 4];
        lq[k] = q[k] + q[k + 4];
    }
    float mn = INFINITY, mx = -INFINITY;
    uint64_t z = 0;
    for (int k = 0; k < 8; ++k) {
        mn = laneMin(mn, lmn[k]);
        mx = laneMax(mx, lmx[k]);
        z += lz[k];
    }
    return finishBlock(p, i, n, shift, (l1[0] + l1[1]) + (l1[2] + l1[3]), (l2[0] + l2[1]) + (l2[2] + l2[3]),
        (lq[0] + lq[1]) + (lq[2] + lq[3]), mn, mx, z, out);
}

bool floatBlockSums(const float* p, int64_t n, double shift, FloatBlockSums& out)
{
#if TSCOPE_STATS_AVX2
    if (kernelsUseAvx512()) return floatBlockSumsAvx512(p, n, shift, out);
    if (kernelsUseAvx2()) return floatBlockSumsAvx2(p, n, shift, out);
#endif
    return floatBlockSumsPortable(p, n, shift, out);
}

} // namespace tscope::model
