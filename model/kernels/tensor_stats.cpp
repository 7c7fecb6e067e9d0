#include "model/kernels/tensor_stats.h"

#include "io/crc32c.h"
#include "io/dtype.h"
#include "io/element.h"
#include "io/guarded_read.h"
#include "model/kernels/bit_pattern_counts.h"
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

// The vectorised statistics of a block of float32 values that are all finite; false (s untouched) when
// the block holds NaN or Inf. A plain pointer loop: safe to run on mapped bytes under guardedRun.
bool finiteFloatBlockStats(const float* data, int64_t n, PartialStats& s)
{
    FloatBlockSums f;
    if (n <= 0 || n >= (int64_t { 1 } << 31)) return false;
    const float shift = data[0];
    if (!floatBlockSums(data, n, static_cast<double>(shift), f)) return false;
    const double fn = static_cast<double>(n);
    s.count = static_cast<uint64_t>(n);
    s.finite = s.count;
    s.zeros = f.zeros;
    s.min = static_cast<double>(f.min);
    s.max = static_cast<double>(f.max);
    s.mean = static_cast<double>(shift) + f.s1 / fn;
    s.m2 = std::max(0.0, f.s2 - f.s1 * f.s1 / fn);
    s.sumSquares = f.sumSq;
    return true;
}

// Statistics of a block of float values already converted to float32 (or float64).
template <typename Scalar> PartialStats blockStats(const Scalar* data, int64_t n)
{
    PartialStats s;
    s.count = static_cast<uint64_t>(n);
    if constexpr (std::is_same_v<Scalar, float>) {
        if (finiteFloatBlockStats(data, n, s)) return s;
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

// float32 (4-byte aligned) and the dtypes that widen to it exactly are summarised from the tensor's own
// bytes, a mapping of the file included, without a copy: the CRC, the conversion and the vectorised
// statistics read them in place under the SIGBUS guard while the piece is in the L2 cache.
bool readsInPlace(const io::Tensor& t)
{
    const io::DType dtype = t.dtype();
    if (convertsToFloatBlock(dtype)) return true;
    return dtype == DType::Float && reinterpret_cast<uintptr_t>(t.bytes().data()) % alignof(float) == 0;
}

// One piece of float32 or widened values read in place: its CRC extended into `crc`, its statistics in
// `out`. A block holding NaN or Inf is summarised by blockStats from the widened buffer, or from a copy
// for float32 (blockStats' slow path is Eigen, which must not run on mapped bytes under the guard).
io::Status inPlacePiece(const io::Tensor& t, uint64_t begin, uint64_t n, bool computeCrc, uint32_t& crc,
    std::vector<float>& widened, std::vector<std::byte>& raw, PartialStats& out)
{
    const io::DType dtype = t.dtype();
    const size_t esize = io::dtypeInfo(dtype).elementSize;
    const std::byte* src = t.bytes().data() + begin * esize;
    const bool widens = dtype != DType::Float;
    if (widens) widened.resize(n);
    float* buffer = widened.data();
    bool finite = false;
    io::Status s = io::guardedRun([&] {
        if (computeCrc) crc = io::crc32c::extend(crc, src, n * esize);
        const float* values = reinterpret_cast<const float*>(src);
        if (widens) {
            toFloatBlock(dtype, src, buffer, n);
            values = buffer;
        }
        finite = finiteFloatBlockStats(values, static_cast<int64_t>(n), out);
    });
    if (!s.isOk()) {
        // The file shrank under the mapping. A guarded copy of the piece names the file and offset (it
        // faults too, unless the file was written back in the meantime).
        raw.resize(n * esize);
        io::Status named = t.copyTo(begin * esize, raw);
        return named.isOk() ? s : named;
    }
    if (finite) return {};
    if (widens) {
        out = blockStats(buffer, static_cast<int64_t>(n));
        return {};
    }
    raw.resize(n * esize);
    TSCOPE_RETURN_IF_ERROR(t.copyTo(begin * esize, raw));
    out = blockStats(reinterpret_cast<const float*>(raw.data()), static_cast<int64_t>(n));
    return {};
}

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
    std::vector<std::vector<float>> widened(executor.maxWorkers());
    const bool inPlace = std::is_same_v<Scalar, float> && readsInPlace(t);
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
                if constexpr (std::is_same_v<Scalar, float>) {
                    if (inPlace) {
                        PartialStats piece;
                        errors[worker] = inPlacePiece(
                            t, b, m, options.computeCrc, crc, widened[worker], raw[worker], piece);
                        if (!errors[worker].isOk()) return false;
                        chunk.merge(piece);
                        continue;
                    }
                }
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
    if (countsBitPatterns(tensor.dtype())) { // float16, bfloat16: one table increment per element
        auto counts = countBitPatterns(tensor, options);
        if (!counts) return counts.status();
        return statsFromBitPatterns(*counts);
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
