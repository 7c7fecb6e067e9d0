#include "model/kernels/tensor_analysis.h"

#include "io/dtype.h"
#include "io/integrity.h"

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
    const io::TensorEntry& e = artifact.bundle->entries()[static_cast<size_t>(entry)];
    // Integrity: the whole tensor is read, so its CRC32C is checked; damaged values are still analysed
    // and shown, marked by tensor->integrity(). Borrowed bytes get their CRC in the statistics pass.
    const bool crcInStats = io::crcCheckedByConsumer(*artifact.bundle, e);
    io::ReadOptions options;
    options.cancel = &cancel;
    options.verifyCrc = !crcInStats;
    options.keepDamaged = true;
    auto tensor = artifact.bundle->read(e, options);
    if (!tensor) {
        a.status = tensor.status();
        return a;
    }
    auto values = std::make_shared<io::Tensor>(std::move(tensor.value()));
    a.tensor = values;
    StatsOptions so;
    so.cancel = &cancel;
    so.progress = progress;
    so.computeCrc = crcInStats;
    auto stats = computeStats(*values, so);
    if (!stats) {
        a.status = stats.status();
        return a;
    }
    a.stats = *stats;
    if (crcInStats && stats->crc32c)
        values->setIntegrity(io::checkConsumerCrc(*artifact.bundle, e, *stats->crc32c));
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
    const auto kind = io::dtypeInfo(tensor.dtype()).kind;
    const bool integer = kind == io::DTypeKind::SignedInt || kind == io::DTypeKind::UnsignedInt
        || kind == io::DTypeKind::Bool;
    const auto layout = histogramLayout(stats.finite, stats.min, stats.max, stats.std, bins, integer);
    return computeHistogram(tensor, layout.bins, layout.lo, layout.hi, &cancel);
}

} // namespace tscope::model
