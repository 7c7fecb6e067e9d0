#include "model/kernels/tensor_stats.h"

#include "io/crc32c.h"
#include "io/dtype.h"
#include "io/element.h"
#include "model/kernels/compute_pool.h"

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TSCOPE_STATS_AVX2 1
#endif

namespace tscope::model {
namespace {

using io::DType;

#if TSCOPE_STATS_AVX2
// Fused single pass over float32 (AVX2 + FMA): every element is loaded once and feeds min, max, the zero
// count and three double-precision sums (of x - shift, of its square, and of x^2). Nothing is summed in
// float. Returns false when the block holds NaN/Inf (detected through sumSq, which stays finite for any
// finite float: |x|^2 <= 1.2e77 in double); the caller then takes the element-by-element path.
struct FusedFloatSums {
    double s1 = 0, s2 = 0, sumSq = 0;
    float min = 0, max = 0;
    uint64_t zeros = 0;
};

__attribute__((target("avx2,fma"))) bool fusedFloatStatsAvx2(
    const float* p, int64_t n, double shift, FusedFloatSums& out)
{
    const __m256d vshift = _mm256_set1_pd(shift);
    const __m256 zero = _mm256_setzero_ps();
    // Eight floats per step, widened to two double vectors: two independent chains per sum. (Unrolling
    // further needs more than the 16 ymm registers and measured slower.)
    __m256d s1a = _mm256_setzero_pd(), s1b = s1a, s2a = s1a, s2b = s1a, qa = s1a, qb = s1a;
    __m256 vmin = _mm256_set1_ps(INFINITY), vmax = _mm256_set1_ps(-INFINITY);
    __m256i zeros = _mm256_setzero_si256(); // per-lane counts (as negated compare masks); < 2^31 per call
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(p + i);
        vmin = _mm256_min_ps(vmin, x);
        vmax = _mm256_max_ps(vmax, x);
        zeros = _mm256_sub_epi32(zeros, _mm256_castps_si256(_mm256_cmp_ps(x, zero, _CMP_EQ_OQ)));
        const __m256d xa = _mm256_cvtps_pd(_mm256_castps256_ps128(x));
        const __m256d xb = _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1));
        const __m256d da = _mm256_sub_pd(xa, vshift), db = _mm256_sub_pd(xb, vshift);
        s1a = _mm256_add_pd(s1a, da);
        s1b = _mm256_add_pd(s1b, db);
        s2a = _mm256_fmadd_pd(da, da, s2a);
        s2b = _mm256_fmadd_pd(db, db, s2b);
        qa = _mm256_fmadd_pd(xa, xa, qa);
        qb = _mm256_fmadd_pd(xb, xb, qb);
    }
    alignas(32) double l1[4], l2[4], lq[4];
    alignas(32) float lmn[8], lmx[8];
    alignas(32) int32_t lz[8];
    _mm256_store_pd(l1, _mm256_add_pd(s1a, s1b));
    _mm256_store_pd(l2, _mm256_add_pd(s2a, s2b));
    _mm256_store_pd(lq, _mm256_add_pd(qa, qb));
    _mm256_store_ps(lmn, vmin);
    _mm256_store_ps(lmx, vmax);
    _mm256_store_si256(reinterpret_cast<__m256i*>(lz), zeros);
    double s1 = (l1[0] + l1[1]) + (l1[2] + l1[3]);
    double s2 = (l2[0] + l2[1]) + (l2[2] + l2[3]);
    double sq = (lq[0] + lq[1]) + (lq[2] + lq[3]);
    float mn = INFINITY, mx = -INFINITY;
    uint64_t z = 0;
    for (int k = 0; k < 8; ++k) {
        mn = std::min(mn, lmn[k]);
        mx = std::max(mx, lmx[k]);
        z += static_cast<uint64_t>(lz[k]);
    }
    for (; i < n; ++i) {
        const float v = p[i];
        const double x = static_cast<double>(v), d = x - shift;
        mn = std::min(mn, v);
        mx = std::max(mx, v);
        z += v == 0.0f;
        s1 += d;
        s2 += d * d;
        sq += x * x;
    }
    if (!std::isfinite(sq)) return false;
    out.s1 = s1;
    out.s2 = s2;
    out.sumSq = sq;
    out.min = mn;
    out.max = mx;
    out.zeros = z;
    return true;
}

bool cpuHasAvx2Fma()
{
    static const bool yes = [] {
        __builtin_cpu_init(); // may run before libgcc's own constructor (static initialisers)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }();
    return yes;
}
#endif

// Statistics of a block of float values already converted to float32 (or float64).
template <typename Scalar> PartialStats blockStats(const Scalar* data, int64_t n)
{
    PartialStats s;
    s.count = static_cast<uint64_t>(n);
#if TSCOPE_STATS_AVX2
    if constexpr (std::is_same_v<Scalar, float>) {
        FusedFloatSums f;
        if (n > 0 && n < (int64_t { 1 } << 31) && cpuHasAvx2Fma()
            && fusedFloatStatsAvx2(data, n, static_cast<double>(data[0]), f)) {
            const double fn = static_cast<double>(n);
            s.finite = s.count;
            s.zeros = f.zeros;
            s.min = static_cast<double>(f.min);
            s.max = static_cast<double>(f.max);
            s.mean = static_cast<double>(data[0]) + f.s1 / fn;
            s.m2 = std::max(0.0, f.s2 - f.s1 * f.s1 / fn);
            s.sumSquares = f.sumSq;
            return s;
        }
    }
#endif
    using Array = Eigen::Array<Scalar, Eigen::Dynamic, 1>;
    Eigen::Map<const Array> a(data, n);
    s.zeros = static_cast<uint64_t>((a == Scalar(0)).count());
    if (a.isFinite().all()) {
        s.finite = s.count;
        s.min = static_cast<double>(a.minCoeff());
        s.max = static_cast<double>(a.maxCoeff());
        // Shifted sums keep precision when |mean| >> std.
        const double shift = static_cast<double>(a[0]);
        auto d = a.template cast<double>() - shift;
        const double s1 = d.sum();
        const double s2 = d.square().sum();
        const double fn = static_cast<double>(n);
        s.mean = shift + s1 / fn;
        s.m2 = std::max(0.0, s2 - s1 * s1 / fn);
        s.sumSquares = s2 + 2.0 * shift * s1 + fn * shift * shift;
        return s;
    }
    // Slow path for blocks holding NaN/Inf: element by element.
    double mean = 0, m2 = 0, sq = 0;
    double mn = INFINITY, mx = -INFINITY;
    for (int64_t i = 0; i < n; ++i) {
        double v = static_cast<double>(a[i]);
        if (std::isnan(v)) {
            s.nans++;
            continue;
        }
        if (std::isinf(v)) {
            s.infs++;
            continue;
        }
        s.finite++;
        double delta = v - mean;
        mean += delta / static_cast<double>(s.finite);
        m2 += delta * (v - mean);
        sq += v * v;
        mn = std::min(mn, v);
        mx = std::max(mx, v);
    }
    s.mean = mean;
    s.m2 = m2;
    s.sumSquares = sq;
    s.min = mn;
    s.max = mx;
    return s;
}

// Copies elements [begin, begin+n) of `t` into `raw` (guarded: the mapped file may shrink under us) and
// converts them into `buffer` as float (or double for 64-bit types); null with `error` set on a fault.
template <typename Scalar>
const Scalar* convertBlock(const io::Tensor& t, uint64_t begin, uint64_t n, std::vector<std::byte>& raw,
    std::vector<Scalar>& buffer, io::Status& error)
{
    const io::DType dtype = t.dtype();
    const size_t esize = io::dtypeInfo(dtype).elementSize;
    raw.resize(n * esize);
    error = t.copyTo(begin * esize, raw);
    if (!error.isOk()) return nullptr;
    const std::byte* p = raw.data(); // operator new's alignment suits float and double
    if constexpr (std::is_same_v<Scalar, float>)
        if (dtype == DType::Float) return reinterpret_cast<const float*>(p);
    if constexpr (std::is_same_v<Scalar, double>)
        if (dtype == DType::Double) return reinterpret_cast<const double*>(p);
    buffer.resize(n);
    switch (dtype) {
    case DType::Half:
        for (uint64_t i = 0; i < n; ++i) {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            buffer[i] = static_cast<Scalar>(io::halfToFloat(h));
        }
        break;
    case DType::BFloat16:
        for (uint64_t i = 0; i < n; ++i) {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            buffer[i] = static_cast<Scalar>(io::bfloat16ToFloat(h));
        }
        break;
    case DType::Complex64:
    case DType::Complex128:
        for (uint64_t i = 0; i < n; ++i)
            buffer[i] = static_cast<Scalar>(std::abs(io::elementAsComplex(dtype, p + esize * i)));
        break;
    default:
        for (uint64_t i = 0; i < n; ++i)
            buffer[i] = static_cast<Scalar>(io::elementAsDouble(dtype, p + esize * i));
        break;
    }
    return buffer.data();
}

template <typename Scalar> io::Result<TensorStats> run(const io::Tensor& t, const StatsOptions& options)
{
    const uint64_t total = t.elementCount();
    const uint64_t chunks = (total + kStatsChunkElements - 1) / kStatsChunkElements;
    io::Executor& executor = options.executor ? *options.executor : sharedExecutor();
    // One partial result and conversion buffer per worker: no locks while chunks run.
    std::vector<PartialStats> partial(executor.maxWorkers());
    std::vector<std::vector<Scalar>> buffers(executor.maxWorkers());
    std::vector<std::vector<std::byte>> raw(executor.maxWorkers());
    std::vector<io::Status> errors(executor.maxWorkers());
    std::vector<uint32_t> chunkCrc(options.computeCrc ? chunks : 0); // combined in order at the end
    const size_t esize = io::dtypeInfo(t.dtype()).elementSize;
    std::atomic<uint64_t> done { 0 };
    const bool complete = executor.parallelFor(
        chunks,
        [&](uint64_t c, unsigned worker) {
            const uint64_t begin = c * kStatsChunkElements;
            const uint64_t n = std::min(kStatsChunkElements, total - begin);
            const Scalar* block
                = convertBlock<Scalar>(t, begin, n, raw[worker], buffers[worker], errors[worker]);
            if (!block) return false;
            if (options.computeCrc) chunkCrc[c] = io::crc32c::value(raw[worker].data(), n * esize);
            partial[worker].merge(blockStats(block, static_cast<int64_t>(n)));
            const uint64_t sofar = done += n;
            // Worker 0 is the calling thread: the one that may report progress.
            return worker != 0 || !io::shouldStop(options.cancel, options.progress, sofar, total);
        },
        options.cancel, options.threads > 0 ? static_cast<unsigned>(options.threads) : 0);
    for (const auto& e : errors)
        if (!e.isOk()) return e;
    if (!complete || (options.cancel && options.cancel->isCancelled()))
        return io::Status(io::ErrorCode::Cancelled, "statistics cancelled");
    if (options.progress) options.progress(total, total); // the last chunk may have been a helper's
    PartialStats all;
    for (const auto& p : partial)
        all.merge(p);
    TensorStats result = all.finish();
    if (options.computeCrc) {
        uint32_t crc = 0;
        for (uint64_t c = 0; c < chunks; ++c)
            crc = io::crc32c::combine(
                crc, chunkCrc[c], std::min(kStatsChunkElements, total - c * kStatsChunkElements) * esize);
        result.crc32c = crc;
    }
    return result;
}

} // namespace

void PartialStats::merge(const PartialStats& o)
{
    if (o.finite > 0) {
        if (finite == 0) {
            min = o.min;
            max = o.max;
            mean = o.mean;
            m2 = o.m2;
        } else {
            const double na = static_cast<double>(finite), nb = static_cast<double>(o.finite);
            const double delta = o.mean - mean;
            mean += delta * nb / (na + nb);
            m2 += o.m2 + delta * delta * na * nb / (na + nb);
            min = std::min(min, o.min);
            max = std::max(max, o.max);
        }
        sumSquares += o.sumSquares;
    }
    count += o.count;
    finite += o.finite;
    zeros += o.zeros;
    nans += o.nans;
    infs += o.infs;
}

TensorStats PartialStats::finish() const
{
    TensorStats s;
    s.count = count;
    s.finite = finite;
    s.zeros = zeros;
    s.nans = nans;
    s.infs = infs;
    if (finite > 0) {
        s.min = min;
        s.max = max;
        s.mean = mean;
        s.std = std::sqrt(m2 / static_cast<double>(finite));
        s.l2 = std::sqrt(sumSquares);
    }
    return s;
}

io::Result<TensorStats> computeStats(const io::Tensor& tensor, const StatsOptions& options)
{
    if (tensor.isString() || !io::dtypeIsNumeric(tensor.dtype())) {
        TensorStats s;
        s.numeric = false;
        s.count = tensor.elementCount();
        return s;
    }
    switch (tensor.dtype()) {
    case DType::Double:
    case DType::Int64:
    case DType::UInt64:
    case DType::Int32:
    case DType::UInt32:
    case DType::QInt32:
    case DType::Complex128:
        return run<double>(tensor, options);
    default:
        return run<float>(tensor, options);
    }
}

} // namespace tscope::model
