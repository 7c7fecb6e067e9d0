// Histogram of a tensor's finite values (complex: magnitude), computed in chunks on the shared compute
// pool and cancellable. Output is plain vectors so the plot widget only draws.
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
    uint64_t infs = 0;
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

// `lo`/`hi` is the value range (usually stats min/max); a degenerate range gets a unit-wide bin.
// `threads` caps the threads used (0 = as many as the compute budget has free); `executor` nullptr
// means the shared compute pool.
io::Result<HistogramData> computeHistogram(const io::Tensor& tensor, int bins, double lo, double hi,
    const io::CancelToken* cancel = nullptr, int threads = 0, io::Executor* executor = nullptr);

} // namespace tscope::model
