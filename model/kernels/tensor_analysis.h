// Everything the inspector shows about one tensor, computed together on a worker thread:
// the values (memory-mapped), statistics and a histogram.
#pragma once

#include "io/artifact.h"
#include "model/kernels/histogram.h"
#include "model/kernels/tensor_stats.h"
#include "model/tensor_ref.h"

#include <memory>

namespace tscope::model {

struct TensorAnalysis {
    TensorRef ref; // which tensor this is about
    std::shared_ptr<const io::Tensor> tensor; // keeps the mapping alive for the value grid
    TensorStats stats;
    HistogramData histogram;
    io::Status status; // why any part is missing (read error, cancelled)
};

// runs on worker thread. `artifact` must be the one `ref.artifact` names (the caller checks the
// identity; this looks the key up). `progress` counts elements of the statistics pass.
TensorAnalysis analyzeTensor(const io::Artifact& artifact, const TensorRef& ref, int bins,
    const io::CancelToken& cancel, const io::ProgressFn& progress = {});

// runs on worker thread: only the histogram, reusing known stats (bin count or scale changed)
io::Result<HistogramData> rebin(
    const io::Tensor& tensor, const TensorStats& stats, int bins, const io::CancelToken& cancel);

} // namespace tscope::model
