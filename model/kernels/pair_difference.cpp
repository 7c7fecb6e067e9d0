#include "model/kernels/pair_difference.h"

#include "io/element.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tscope::model {
namespace {

constexpr uint64_t kChunkElements = 1 << 16;
__extension__ using Int128 = __int128; // exact b−a of any two 64-bit integers

// b−a of one element pair; integers exactly in 128 bits, then to double.
double difference(io::DType dtype, io::DTypeKind kind, const std::byte* a, const std::byte* b)
{
    if (kind == io::DTypeKind::SignedInt) {
        int64_t x = 0, y = 0;
        io::elementAsInt64(dtype, a, x);
        io::elementAsInt64(dtype, b, y);
        return static_cast<double>(static_cast<Int128>(y) - static_cast<Int128>(x));
    }
    if (kind == io::DTypeKind::UnsignedInt) {
        uint64_t x = 0, y = 0;
        io::elementAsUInt64(dtype, a, x);
        io::elementAsUInt64(dtype, b, y);
        return static_cast<double>(static_cast<Int128>(y) - static_cast<Int128>(x));
    }
    return io::elementAsDouble(dtype, b) - io::elementAsDouble(dtype, a);
}

// Visits the elements of both tensors chunk by chunk: fn(index, ptrA, ptrB).
template <typename Fn>
io::Status forEachPair(
    const io::Tensor& a, const io::Tensor& b, size_t elementSize, const io::CancelToken* cancel, Fn&& fn)
{
    std::vector<std::byte> bufA(kChunkElements * elementSize), bufB(kChunkElements * elementSize);
    const uint64_t n = a.elementCount();
    for (uint64_t start = 0; start < n; start += kChunkElements) {
        if (cancel && cancel->isCancelled())
            return io::Status(io::ErrorCode::Cancelled, "pair difference cancelled");
        const uint64_t count = std::min<uint64_t>(kChunkElements, n - start);
        const auto bytes = static_cast<size_t>(count * elementSize);
        if (auto s = a.copyTo(start * elementSize, std::span(bufA.data(), bytes)); !s.isOk()) return s;
        if (auto s = b.copyTo(start * elementSize, std::span(bufB.data(), bytes)); !s.isOk()) return s;
        for (uint64_t i = 0; i < count; ++i)
            fn(start + i, bufA.data() + i * elementSize, bufB.data() + i * elementSize);
    }
    return {};
}

} // namespace

io::Result<PairDifference> computePairDifference(const io::Tensor& a, const io::Tensor& b, int bins,
    int gridRows, int gridCols, const io::CancelToken* cancel, int heatmapSide)
{
    const io::DType dtype = a.dtype();
    const io::DTypeKind kind = io::dtypeInfo(dtype).kind;
    if (b.dtype() != dtype || !(a.shape() == b.shape()))
        return io::Status(io::ErrorCode::InvalidArgument, "the pair differs in dtype or shape");
    if (kind != io::DTypeKind::Float && kind != io::DTypeKind::SignedInt && kind != io::DTypeKind::UnsignedInt
        && kind != io::DTypeKind::Bool)
        return io::Status(io::ErrorCode::InvalidArgument, "b−a needs a real numeric dtype");
    const size_t elementSize = io::dtypeInfo(dtype).elementSize;

    PairDifference out;
    auto& g = out.grid;
    const auto& dims = a.shape();
    g.totalCols = dims.empty() ? 1 : std::max<int64_t>(dims.back(), 1);
    g.totalRows = g.totalCols > 0 ? static_cast<int64_t>(a.elementCount()) / g.totalCols : 0;
    g.rows = std::min<int64_t>(g.totalRows, gridRows);
    g.cols = std::min<int64_t>(g.totalCols, gridCols);
    auto& p = out.heatmap;
    const int64_t side = std::max(heatmapSide, 1);
    p.rowStep = std::max<int64_t>(1, (g.totalRows + side - 1) / side);
    p.colStep = std::max<int64_t>(1, (g.totalCols + side - 1) / side);
    p.rows = (g.totalRows + p.rowStep - 1) / p.rowStep;
    p.cols = (g.totalCols + p.colStep - 1) / p.colStep;
    p.values.assign(static_cast<size_t>(p.rows * p.cols), 0.0);

    // Pass 1: the range of the finite differences and the grid cells.
    double lo = 0, hi = 0;
    uint64_t finite = 0;
    auto status
        = forEachPair(a, b, elementSize, cancel, [&](uint64_t i, const std::byte* pa, const std::byte* pb) {
              const double d = difference(dtype, kind, pa, pb);
              if (std::isfinite(d)) {
                  lo = finite ? std::min(lo, d) : d;
                  hi = finite ? std::max(hi, d) : d;
                  ++finite;
              }
              const auto r = static_cast<int64_t>(i) / g.totalCols, c = static_cast<int64_t>(i) % g.totalCols;
              if (r % p.rowStep == 0 && c % p.colStep == 0)
                  p.values[static_cast<size_t>(r / p.rowStep * p.cols + c / p.colStep)] = d;
              if (r < g.rows && c < g.cols) {
                  g.a.push_back(io::formatElement(dtype, pa));
                  g.b.push_back(io::formatElement(dtype, pb));
                  g.diff.push_back(io::formatDouble(d));
                  g.changed.push_back(std::memcmp(pa, pb, elementSize) != 0);
              }
          });
    if (!status.isOk()) return status;
    bool anyFinite = false;
    for (double v : p.values)
        if (std::isfinite(v)) {
            p.min = anyFinite ? std::min(p.min, v) : v;
            p.max = anyFinite ? std::max(p.max, v) : v;
            anyFinite = true;
        }

    // Pass 2: the histogram on `bins` equal bins over [lo, hi] (a unit-wide bin around a single value).
    auto& h = out.histogram;
    if (lo == hi) lo -= 0.5, hi += 0.5;
    h.lo = lo;
    h.hi = hi;
    h.total = a.elementCount();
    h.counts.assign(static_cast<size_t>(bins), 0);
    for (int i = 0; i <= bins; ++i)
        h.edges.push_back(lo + (hi - lo) * i / bins);
    status = forEachPair(a, b, elementSize, cancel, [&](uint64_t, const std::byte* pa, const std::byte* pb) {
        const double d = difference(dtype, kind, pa, pb);
        if (std::isnan(d)) return void(++h.nans);
        if (std::isinf(d)) return void(++h.infs);
        const auto bin = std::clamp(static_cast<int>((d - lo) / (hi - lo) * bins), 0, bins - 1);
        ++h.counts[static_cast<size_t>(bin)];
    });
    if (!status.isOk()) return status;
    return out;
}

} // namespace tscope::model
