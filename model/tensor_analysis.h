// Everything the inspector shows about one tensor, computed together on a worker thread:
// the values (memory-mapped), statistics and a histogram.
#pragma once

#include "io/artifact.h"
#include "model/histogram.h"
#include "model/tensor_stats.h"

#include <memory>

namespace tscope::model {

struct TensorAnalysis {
    int entry = -1;
    std::shared_ptr<const io::Tensor> tensor; // keeps the mapping alive for the value grid
    TensorStats stats;
    HistogramData histogram;
    io::Status status; // why any part is missing (read error, cancelled)
};

// runs on worker thread
TensorAnalysis analyzeTensor(
    const io::Artifact& artifact, int entry, int bins, const io::CancelToken& cancel);

// runs on worker thread: only the histogram, reusing known stats (bin count or scale changed)
io::Result<HistogramData> rebin(
    const io::Tensor& tensor, const TensorStats& stats, int bins, const io::CancelToken& cancel);

} // namespace tscope::model
