// Statistics and then a histogram of the same values, as the inspector and `stats --histogram` show them:
// one pass over float16 and bfloat16 values (bit-pattern counts give both), a statistics pass then a
// histogram pass for every other dtype.
#pragma once

#include "model/kernels/histogram.h"
#include "model/kernels/tensor_stats.h"

#include <functional>
#include <optional>

namespace tscope::model {

struct StatsAndHistogram {
    TensorStats stats;
    HistogramData histogram; // empty when no layout was chosen (non-numeric values, or the chooser said no)
    io::Status histogramStatus; // why the histogram is missing although the statistics are there
};

// Chooses the histogram's bins and range from the statistics; nullopt: no histogram.
using HistogramChooser = std::function<std::optional<HistogramLayout>(const TensorStats&)>;

// The statistics fail as computeStats fails (read error, cancel); a histogram failure after them leaves
// the statistics and says why in histogramStatus. options.progress counts the statistics pass.
io::Result<StatsAndHistogram> computeStatsAndHistogram(
    const io::Tensor& tensor, const StatsOptions& options, const HistogramChooser& choose);

} // namespace tscope::model
