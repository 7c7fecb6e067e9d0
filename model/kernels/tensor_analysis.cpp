#include "model/kernels/tensor_analysis.h"

namespace tscope::model {

TensorAnalysis analyzeTensor(const io::Artifact& artifact, const TensorRef& ref, int bins,
    const io::CancelToken& cancel, const io::ProgressFn& progress)
{
    TensorAnalysis a;
    a.ref = ref;
    const int entry = artifact.bundle && ref.isValid() ? artifact.bundle->indexOf(ref.key) : -1;
    if (entry < 0) {
        a.status = io::Status(io::ErrorCode::NotFound, "no such variable");
        return a;
    }
    io::ReadOptions options;
    options.cancel = &cancel;
    // Integrity: the whole tensor is read, so its CRC32C is checked too; damaged values are still
    // analysed and shown, marked by tensor->integrity().
    options.verifyCrc = true;
    options.keepDamaged = true;
    auto tensor = artifact.bundle->read(artifact.bundle->entries()[static_cast<size_t>(entry)], options);
    if (!tensor) {
        a.status = tensor.status();
        return a;
    }
    a.tensor = std::make_shared<const io::Tensor>(std::move(tensor.value()));
    StatsOptions so;
    so.cancel = &cancel;
    so.progress = progress;
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
