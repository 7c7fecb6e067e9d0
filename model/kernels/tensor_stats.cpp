#include "model/kernels/tensor_stats.h"

#include "io/crc32c.h"
#include "io/dtype.h"
#include "io/element.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/convert_to_float.h"
#include "model/kernels/float_block_stats.h"

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

namespace tscope::model {
namespace {

using io::DType;

// Statistics of a block of float values already converted to float32 (or float64).
template <typename Scalar> PartialStats blockStats(const Scalar* data, int64_t n)
{
    PartialStats s;
    s.count = static_cast<uint64_t>(n);
    if constexpr (std::is_same_v<Scalar, float>) {
        FloatBlockSums f;
        if (n > 0 && n < (int64_t { 1 } << 31) && floatBlockSums(data, n, static_cast<double>(data[0]), f)) {
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
    if constexpr (std::is_same_v<Scalar, float>)
        if (convertsToFloatBlock(dtype)) { // float16, bfloat16, float8: exact, vectorised
            toFloatBlock(dtype, p, buffer.data(), n);
            return buffer.data();
        }
    switch (dtype) {
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

// Elements copied and summarised at a time within a chunk (128 KiB of float32).
constexpr uint64_t kStatsPieceElements = 32 * 1024;

template <typename Scalar> io::Result<TensorStats> run(const io::Tensor& t, const StatsOptions& options)
{
    const uint64_t total = t.elementCount();
    const uint64_t chunks = (total + kStatsChunkElements - 1) / kStatsChunkElements;
    io::Executor& executor = options.executor ? *options.executor : sharedExecutor();
    // One partial result per chunk, merged in chunk order: the same sums on any number of threads. One
    // conversion buffer per worker: no locks while chunks run.
    std::vector<PartialStats> partial(chunks);
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
            // Copied, checksummed and summarised in pieces that stay in the L2 cache between the three
            // steps; the pieces merge in order, so the chunk's result is the same on every thread.
            PartialStats chunk;
            uint32_t crc = 0;
            for (uint64_t b = begin; b < begin + n; b += kStatsPieceElements) {
                const uint64_t m = std::min(begin + n - b, kStatsPieceElements);
                const Scalar* block
                    = convertBlock<Scalar>(t, b, m, raw[worker], buffers[worker], errors[worker]);
                if (!block) return false;
                if (options.computeCrc) crc = io::crc32c::extend(crc, raw[worker].data(), m * esize);
                chunk.merge(blockStats(block, static_cast<int64_t>(m)));
            }
            partial[c] = chunk;
            if (options.computeCrc) chunkCrc[c] = crc;
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
