#include "model/tensor_stats.h"

#include "io/dtype.h"
#include "io/element.h"

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace tscope::model {
namespace {

using io::DType;

// Statistics of a block of float values already converted to float32 (or float64).
template <typename Scalar>
TensorStats blockStats(const Scalar* data, int64_t n)
{
    using Array = Eigen::Array<Scalar, Eigen::Dynamic, 1>;
    Eigen::Map<const Array> a(data, n);
    TensorStats s;
    s.count = static_cast<uint64_t>(n);
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
        s.std = std::max(0.0, s2 - s1 * s1 / fn); // M2 until finished
        s.l2 = s2 + 2.0 * shift * s1 + fn * shift * shift; // sum of squares until finished
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
    s.std = m2;
    s.l2 = sq;
    s.min = mn;
    s.max = mx;
    return s;
}

// Converts elements [begin, end) of `tensor` into `buffer` as float (or double for 64-bit types).
template <typename Scalar>
const Scalar* convertBlock(const io::Tensor& t, uint64_t begin, uint64_t n, std::vector<Scalar>& buffer)
{
    const int dtype = t.dtype();
    const size_t esize = io::dtypeInfo(dtype).elementSize;
    const std::byte* p = t.bytes().data() + begin * esize;
    if constexpr (std::is_same_v<Scalar, float>)
        if (dtype == static_cast<int>(DType::Float) && reinterpret_cast<uintptr_t>(p) % alignof(float) == 0)
            return reinterpret_cast<const float*>(p);
    if constexpr (std::is_same_v<Scalar, double>)
        if (dtype == static_cast<int>(DType::Double) && reinterpret_cast<uintptr_t>(p) % alignof(double) == 0)
            return reinterpret_cast<const double*>(p);
    buffer.resize(n);
    switch (static_cast<DType>(dtype)) {
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
        for (uint64_t i = 0; i < n; ++i) buffer[i] = static_cast<Scalar>(std::abs(io::elementAsComplex(dtype, p + esize * i)));
        break;
    default:
        for (uint64_t i = 0; i < n; ++i) buffer[i] = static_cast<Scalar>(io::elementAsDouble(dtype, p + esize * i));
        break;
    }
    return buffer.data();
}

template <typename Scalar>
io::Result<TensorStats> run(const io::Tensor& t, const StatsOptions& options)
{
    const uint64_t total = t.elementCount();
    const uint64_t chunks = (total + kStatsChunkElements - 1) / kStatsChunkElements;
    unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads) : std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<uint64_t>(threads, std::max<uint64_t>(chunks, 1)));

    std::atomic<uint64_t> next { 0 }, done { 0 };
    std::atomic<bool> stop { false };
    std::mutex mergeMutex;
    TensorStats result;
    // The calling thread works too and is the one that reports progress.
    auto worker = [&](bool reportProgress) {
        std::vector<Scalar> buffer;
        TensorStats local;
        for (uint64_t c = next++; c < chunks && !stop; c = next++) {
            const uint64_t begin = c * kStatsChunkElements;
            const uint64_t n = std::min(kStatsChunkElements, total - begin);
            local.merge(blockStats(convertBlock<Scalar>(t, begin, n, buffer), static_cast<int64_t>(n)));
            done += n;
            if (reportProgress ? io::shouldStop(options.cancel, options.progress, done.load(), total)
                               : (options.cancel && options.cancel->isCancelled()))
                stop = true;
        }
        std::lock_guard lock(mergeMutex);
        result.merge(local);
    };
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back(worker, false);
    worker(true);
    for (auto& th : pool) th.join();
    if (stop || (options.cancel && options.cancel->isCancelled())) return io::Status(io::ErrorCode::Cancelled, "statistics cancelled");
    if (result.finite > 0) {
        result.std = std::sqrt(result.std / static_cast<double>(result.finite));
        result.l2 = std::sqrt(result.l2);
    } else {
        result.std = result.l2 = result.min = result.max = result.mean = 0;
    }
    return result;
}

} // namespace

void TensorStats::merge(const TensorStats& o)
{
    // While accumulating, `std` holds M2 and `l2` the sum of squares.
    if (o.finite > 0) {
        if (finite == 0) {
            min = o.min;
            max = o.max;
            mean = o.mean;
            std = o.std;
        } else {
            const double na = static_cast<double>(finite), nb = static_cast<double>(o.finite);
            const double delta = o.mean - mean;
            mean += delta * nb / (na + nb);
            std += o.std + delta * delta * na * nb / (na + nb);
            min = std::min(min, o.min);
            max = std::max(max, o.max);
        }
        l2 += o.l2;
    }
    count += o.count;
    finite += o.finite;
    zeros += o.zeros;
    nans += o.nans;
    infs += o.infs;
}

io::Result<TensorStats> computeStats(const io::Tensor& tensor, const StatsOptions& options)
{
    if (tensor.isString() || !io::dtypeIsNumeric(tensor.dtype())) {
        TensorStats s;
        s.numeric = false;
        s.count = tensor.elementCount();
        return s;
    }
    switch (static_cast<DType>(tensor.dtype())) {
    case DType::Double:
    case DType::Int64:
    case DType::UInt64:
    case DType::Int32:
    case DType::UInt32:
    case DType::QInt32:
    case DType::Complex128: return run<double>(tensor, options);
    default: return run<float>(tensor, options);
    }
}

} // namespace tscope::model
