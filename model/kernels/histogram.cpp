#include "model/kernels/histogram.h"

#include "io/dtype.h"
#include "io/element.h"
#include "io/guarded_read.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/convert_to_float.h"
#include "model/kernels/float_binning.h"
#include "model/kernels/tensor_stats.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

namespace tscope::model {
namespace {

// Elements copied and binned at a time (128 KiB of float32).
constexpr uint64_t kPieceElements = 32 * 1024;

struct Partial {
    std::vector<uint64_t> counts;
    BinTally tally;
};

// Bins of [lo, hi] in float64 (every dtype numpy bins in float64: float64, integers, bool, and our complex
// magnitudes): numpy's linspace edges and its rule, the estimate corrected against the edges.
struct DoubleBins {
    std::vector<double> edges;
    double lo, scale;
    int bins;
    DoubleBins(double lo_, double hi, int n)
        : edges(static_cast<size_t>(n) + 1)
        , lo(lo_)
        , scale(n / (hi - lo_))
        , bins(n)
    {
        const double delta = hi - lo_, step = delta / n;
        for (int i = 0; i < n; ++i)
            edges[static_cast<size_t>(i)] = (step == 0 ? i / static_cast<double>(n) * delta : i * step) + lo_;
        edges.back() = hi;
    }
    // -1 below the first edge, bins above the last.
    int binOf(double v) const { return binByEdges(v, edges, lo, scale, bins); }
};

template <typename Get>
void binRange(uint64_t begin, uint64_t end, Get get, const DoubleBins& bins, Partial& p)
{
    for (uint64_t i = begin; i < end; ++i) {
        const double v = get(i);
        if (std::isnan(v)) {
            p.tally.nans++;
            continue;
        }
        if (std::isinf(v)) {
            ++(v > 0 ? p.tally.posinf : p.tally.neginf);
            continue;
        }
        const int b = bins.binOf(v);
        if (b < 0)
            p.tally.below++;
        else if (b >= bins.bins)
            p.tally.above++;
        else
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

bool histogramBinsInFloat32(io::DType dtype)
{
    return dtype == io::DType::Float || convertsToFloatBlock(dtype);
}

io::Result<HistogramData> computeHistogram(const io::Tensor& t, int bins, double lo, double hi,
    const io::CancelToken* cancel, int threads, io::Executor* executor)
{
    HistogramData h;
    h.total = t.elementCount();
    if (t.isString() || !io::dtypeIsNumeric(t.dtype()) || bins <= 0) return h;
    if (lo == hi) { // one value: numpy widens the range by half a unit each way
        lo -= 0.5;
        hi += 0.5;
    } else if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) { // no finite values: numpy's 0..1
        lo = 0;
        hi = 1;
    }
    h.lo = lo;
    h.hi = hi;

    const io::DType dtype = t.dtype();
    const size_t esize = io::dtypeInfo(dtype).elementSize;
    const bool isFloat = dtype == io::DType::Float;
    const bool widens = convertsToFloatBlock(dtype); // float16, bfloat16, float8: binned as float32
    const bool isComplex = io::dtypeInfo(dtype).kind == io::DTypeKind::Complex;
    // float32 (aligned) and the narrower floats are binned in place; see the chunk loop.
    const bool inPlace
        = widens || (isFloat && reinterpret_cast<uintptr_t>(t.bytes().data()) % alignof(float) == 0);
    std::optional<FloatBins> floatBins;
    std::optional<DoubleBins> doubleBins;
    if (isFloat || widens) {
        floatBins.emplace(lo, hi, bins);
        h.edges.assign(floatBins->edges().begin(), floatBins->edges().end());
    } else {
        doubleBins.emplace(lo, hi, bins);
        h.edges = doubleBins->edges;
    }

    const uint64_t total = h.total;
    const uint64_t chunks = (total + kStatsChunkElements - 1) / kStatsChunkElements;
    io::Executor& pool = executor ? *executor : sharedExecutor();
    // One partial histogram and chunk buffer per worker: no locks while chunks run. Chunks are copied
    // through the guard, since the mapped file may shrink under us.
    std::vector<Partial> partial(pool.maxWorkers());
    std::vector<std::vector<std::byte>> raw(pool.maxWorkers());
    std::vector<std::vector<float>> widened(widens ? pool.maxWorkers() : 0);
    std::vector<io::Status> errors(pool.maxWorkers());
    for (auto& p : partial) {
        p.counts.assign(static_cast<size_t>(bins), 0);
        p.tally.counts = p.counts.data();
    }
    const bool complete = pool.parallelFor(
        chunks,
        [&](uint64_t c, unsigned worker) {
            const uint64_t begin = c * kStatsChunkElements;
            const uint64_t end = std::min(total, begin + kStatsChunkElements);
            auto& buffer = raw[worker];
            Partial& out = partial[worker];
            if (floatBins && inPlace) {
                // Binned from the tensor's own bytes (a mapping of the file included) under the SIGBUS
                // guard, no copy of the stored bytes: float32, bfloat16 and float16 directly (widened in
                // registers), float8 (or without the vector path) widened piece by piece into an L2-sized
                // buffer.
                const std::byte* src = t.bytes().data() + begin * esize;
                float* floats = nullptr;
                if (widens) {
                    widened[worker].resize(kPieceElements);
                    floats = widened[worker].data();
                }
                const uint64_t n = end - begin;
                errors[worker] = io::guardedRun([&] {
                    for (uint64_t b = 0; b < n; b += kPieceElements) {
                        const uint64_t m = std::min(n - b, kPieceElements);
                        const float* values = reinterpret_cast<const float*>(src + b * esize);
                        if (widens && binWidenedBlock(dtype, src + b * esize, m, *floatBins, out.tally))
                            continue;
                        if (widens) {
                            toFloatBlock(dtype, src + b * esize, floats, m);
                            values = floats;
                        }
                        binFloatBlock(values, m, *floatBins, out.tally);
                    }
                });
                if (!errors[worker].isOk()) {
                    // A guarded copy of the chunk names the file and offset (it faults too, unless the
                    // file was written back in the meantime).
                    buffer.resize((end - begin) * esize);
                    if (io::Status named = t.copyTo(begin * esize, buffer); !named.isOk())
                        errors[worker] = named;
                    return false;
                }
                return true;
            }
            if (floatBins) {
                // Copied and binned in pieces that stay in the L2 cache between the copy and the binning.
                for (uint64_t b = begin; b < end; b += kPieceElements) {
                    const uint64_t n = std::min(end - b, kPieceElements);
                    buffer.resize(n * esize);
                    errors[worker] = t.copyTo(b * esize, buffer);
                    if (!errors[worker].isOk()) return false;
                    const float* values = reinterpret_cast<const float*>(buffer.data()); // new's alignment
                    if (widens) { // exact widening: numpy's astype(float32)
                        auto& floats = widened[worker];
                        floats.resize(n);
                        toFloatBlock(dtype, buffer.data(), floats.data(), n);
                        values = floats.data();
                    }
                    binFloatBlock(values, n, *floatBins, out.tally);
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
            binRange(0, end - begin, get, *doubleBins, out);
            return true;
        },
        cancel, threads > 0 ? static_cast<unsigned>(threads) : 0);
    for (const auto& e : errors)
        if (!e.isOk()) return e;
    if (!complete || (cancel && cancel->isCancelled()))
        return io::Status(io::ErrorCode::Cancelled, "histogram cancelled");
    h.counts.assign(static_cast<size_t>(bins), 0);
    for (const auto& p : partial) {
        for (size_t b = 0; b < p.counts.size(); ++b)
            h.counts[b] += p.counts[b];
        h.nans += p.tally.nans;
        h.posinfs += p.tally.posinf;
        h.neginfs += p.tally.neginf;
        h.below += p.tally.below;
        h.above += p.tally.above;
    }
    h.infs = h.posinfs + h.neginfs;
    return h;
}

} // namespace tscope::model
