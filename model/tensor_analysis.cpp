#include "model/tensor_analysis.h"

namespace tscope::model {

TensorAnalysis analyzeTensor(const io::Artifact& artifact, int entry, int bins, const io::CancelToken& cancel)
{
    TensorAnalysis a;
    a.entry = entry;
    if (!artifact.bundle || entry < 0 || entry >= static_cast<int>(artifact.bundle->entries().size())) {
        a.status = io::Status(io::ErrorCode::NotFound, "no such variable");
        return a;
    }
    io::ReadOptions options;
    options.cancel = &cancel;
    auto tensor = artifact.bundle->read(artifact.bundle->entries()[static_cast<size_t>(entry)], options);
    if (!tensor) {
        a.status = tensor.status();
        return a;
    }
    a.tensor = std::make_shared<const io::Tensor>(std::move(tensor.value()));
    StatsOptions so;
    so.cancel = &cancel;
    auto stats = computeStats(*a.tensor, so);
    if (!stats) {
        a.status = stats.status();
        return a;
    }
    a.stats = *stats;
    auto hist = rebin(*a.tensor, a.stats, bins, cancel);
    if (!hist)
        a.status = hist.status();
    else
        a.histogram = std::move(hist.value());
    return a;
}

io::Result<HistogramData> rebin(
    const io::Tensor& tensor, const TensorStats& stats, int bins, const io::CancelToken& cancel)
{
    if (!stats.numeric) return HistogramData {};
    return computeHistogram(tensor, bins, stats.min, stats.max, &cancel);
}

} // namespace tscope::model
