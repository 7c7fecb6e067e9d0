#include "model/kernels/histogram.h"

#include "io/dtype.h"
#include "io/element.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/convert_to_float.h"
#include "model/kernels/float_binning.h"
#include "model/kernels/tensor_stats.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tscope::model {
namespace {

// Elements copied and binned at a time (128 KiB of float32).
constexpr uint64_t kPieceElements = 32 * 1024;

struct Partial {
    std::vector<uint64_t> counts;
    uint64_t nans = 0, infs = 0;
};

template <typename Get>
void binRange(uint64_t begin, uint64_t end, Get get, double lo, double scale, int bins, Partial& p)
{
    for (uint64_t i = begin; i < end; ++i) {
        const double v = get(i);
        if (std::isnan(v)) {
            p.nans++;
            continue;
        }
        if (std::isinf(v)) {
            p.infs++;
            continue;
        }
        auto b = static_cast<int64_t>((v - lo) * scale);
        b = std::clamp<int64_t>(b, 0, bins - 1);
        p.counts[static_cast<size_t>(b)]++;
    }
}

} // namespace

HistogramLayout histogramLayout(
    uint64_t finite, double min, double max, double std, int requestedBins, bool integer)
{
    HistogramLayout l;
    if (finite == 0 || !(max >= min)) return l;
    int bins = requestedBins;
    if (bins <= 0) {
        const double width = 3.49 * std / std::cbrt(static_cast<double>(finite));
        const double range = integer ? max - min + 1 : max - min;
        bins = width > 0 && range > 0
            ? static_cast<int>(std::min<double>(std::ceil(range / width), kMaxAutoBins))
            : 1;
        bins = static_cast<int>(std::clamp<uint64_t>(static_cast<uint64_t>(std::max(bins, 1)), 1, finite));
    }
    if (integer) {
        // Whole-number widths: as many bins as asked at most, each covering the same count of integers.
        const double values = max - min + 1;
        const double width = std::max(1.0, std::ceil(values / bins));
        l.bins = static_cast<int>(std::ceil(values / width));
        l.lo = min - 0.5;
        l.hi = l.lo + l.bins * width;
        return l;
    }
    l.bins = bins;
    l.lo = min;
    l.hi = max;
    return l;
}

io::Result<HistogramData> computeHistogram(const io::Tensor& t, int bins, double lo, double hi,
    const io::CancelToken* cancel, int threads, io::Executor* executor)
{
    HistogramData h;
    h.total = t.elementCount();
    if (t.isString() || !io::dtypeIsNumeric(t.dtype()) || bins <= 0) return h;
    if (!(hi > lo)) { // one value (or none): a single unit-wide bin around it
        lo -= 0.5;
        hi = lo + 1.0;
        bins = 1;
    }
    h.lo = lo;
    h.hi = hi;
    h.edges.resize(static_cast<size_t>(bins) + 1);
    for (int i = 0; i <= bins; ++i)
        h.edges[static_cast<size_t>(i)] = lo + (hi - lo) * i / bins;
    const double scale = bins / (hi - lo);

    const io::DType dtype = t.dtype();
    const size_t esize = io::dtypeInfo(dtype).elementSize;
    const bool isFloat = dtype == io::DType::Float;
    const bool widens = convertsToFloatBlock(dtype); // float16, bfloat16, float8: binned as float32
    const bool isComplex = io::dtypeInfo(dtype).kind == io::DTypeKind::Complex;

    const uint64_t total = h.total;
    const uint64_t chunks = (total + kStatsChunkElements - 1) / kStatsChunkElements;
    io::Executor& pool = executor ? *executor : sharedExecutor();
    // One partial histogram and chunk buffer per worker: no locks while chunks run. Chunks are copied
    // through the guard, since the mapped file may shrink under us.
    std::vector<Partial> partial(pool.maxWorkers());
    std::vector<std::vector<std::byte>> raw(pool.maxWorkers());
    std::vector<std::vector<float>> widened(widens ? pool.maxWorkers() : 0);
    std::vector<io::Status> errors(pool.maxWorkers());
    for (auto& p : partial)
        p.counts.assign(static_cast<size_t>(bins), 0);
    const bool complete = pool.parallelFor(
        chunks,
        [&](uint64_t c, unsigned worker) {
            const uint64_t begin = c * kStatsChunkElements;
            const uint64_t end = std::min(total, begin + kStatsChunkElements);
            auto& buffer = raw[worker];
            Partial& out = partial[worker];
            if (isFloat || widens) {
                // Copied and binned in pieces that stay in the L2 cache between the copy and the binning.
                for (uint64_t b = begin; b < end; b += kPieceElements) {
                    const uint64_t n = std::min(end - b, kPieceElements);
                    buffer.resize(n * esize);
                    errors[worker] = t.copyTo(b * esize, buffer);
                    if (!errors[worker].isOk()) return false;
                    const float* values = reinterpret_cast<const float*>(buffer.data()); // new's alignment
                    if (widens) { // exact widening: the same bins as binRange would give, faster
                        auto& floats = widened[worker];
                        floats.resize(n);
                        toFloatBlock(dtype, buffer.data(), floats.data(), n);
                        values = floats.data();
                    }
                    binFloatBlock(values, n, lo, scale, bins, out.counts.data(), out.nans, out.infs);
                }
                return true;
            }
            buffer.resize((end - begin) * esize);
            errors[worker] = t.copyTo(begin * esize, buffer);
            if (!errors[worker].isOk()) return false;
            const std::byte* base = buffer.data();
            auto get = [&](uint64_t i) -> double {
                if (isComplex) return std::abs(io::elementAsComplex(dtype, base + esize * i));
                return io::elementAsDouble(dtype, base + esize * i);
            };
            binRange(0, end - begin, get, lo, scale, bins, partial[worker]);
            return true;
        },
        cancel, threads > 0 ? static_cast<unsigned>(threads) : 0);
    for (const auto& e : errors)
        if (!e.isOk()) return e;
    if (!complete || (cancel && cancel->isCancelled()))
        return io::Status(io::ErrorCode::Cancelled, "histogram cancelled");
    Partial result;
    result.counts.assign(static_cast<size_t>(bins), 0);
    for (const auto& p : partial) {
        for (size_t b = 0; b < p.counts.size(); ++b)
            result.counts[b] += p.counts[b];
        result.nans += p.nans;
        result.infs += p.infs;
    }
    h.counts = std::move(result.counts);
    h.nans = result.nans;
    h.infs = result.infs;
    return h;
}

} // namespace tscope::model
