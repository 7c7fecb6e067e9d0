// Histogram of a tensor's finite values (complex: magnitude), computed in chunks on the shared compute
// pool and cancellable. Output is plain vectors so the plot widget only draws.
//
// The counts are np.histogram(values, bins, range=(lo, hi)) exactly, for the values as numpy sees them:
// float32 (and float16, bfloat16, float8 widened to float32, as after astype(float32)) is binned against
// float32 edges, every other dtype against float64 edges (integers, bool, float64; complex: magnitude, which
// numpy does not bin). The edges are numpy's linspace(lo, hi, bins + 1); a value v is in bin i when
// edge[i] <= v < edge[i + 1], and the last bin also holds v == edge[bins]. NaN and +/-Inf are counted apart,
// never binned; finite values outside [edge[0], edge[bins]] are counted as `below`/`above` (numpy drops
// them).
#pragma once

#include "io/cancel.h"
#include "io/executor.h"
#include "io/status.h"
#include "io/tensor.h"

#include <vector>

namespace tscope::model {

struct HistogramData {
    std::vector<double> edges; // bins + 1 edges, ascending
    std::vector<uint64_t> counts; // per bin
    uint64_t nans = 0;
    uint64_t infs = 0; // posinfs + neginfs
    uint64_t posinfs = 0, neginfs = 0;
    uint64_t below = 0, above = 0; // finite values outside [edges.front(), edges.back()]
    uint64_t total = 0; // all elements
    double lo = 0, hi = 0;
    bool empty() const { return counts.empty(); }
};

// How to bin `finite` values in [min, max] with standard deviation `std`. `requestedBins` > 0 is used
// as asked; 0 chooses from the data without another pass: Scott's rule (width 3.49 std n^(-1/3)),
// capped at kMaxAutoBins and at the number of values. Integer data (`integer`) gets integer-aligned bins:
// whole-number widths with edges at k - 0.5, so no bin splits or straddles a value.
struct HistogramLayout {
    int bins = 1;
    double lo = 0, hi = 1;
};
inline constexpr int kMaxAutoBins = 200;
HistogramLayout histogramLayout(
    uint64_t finite, double min, double max, double std, int requestedBins, bool integer);

// True when values of `dtype` are binned in float32 (see above).
bool histogramBinsInFloat32(io::DType dtype);

// `lo`/`hi` is the value range (usually stats min/max). As in numpy, lo == hi becomes [lo - 0.5, hi + 0.5]
// (still `bins` bins); a range that is not finite or not ascending (no finite values) becomes [0, 1].
// `threads` caps the threads used (0 = as many as the compute budget has free); `executor` nullptr
// means the shared compute pool.
io::Result<HistogramData> computeHistogram(const io::Tensor& tensor, int bins, double lo, double hi,
    const io::CancelToken* cancel = nullptr, int threads = 0, io::Executor* executor = nullptr);

} // namespace tscope::model
