#include "model/kernels/tensor_analysis.h"

#include "io/dtype.h"
#include "io/integrity.h"
#include "model/kernels/stats_and_histogram.h"

namespace tscope::model {
namespace {

// The inspector's bins: integer-aligned for integer dtypes, `bins` = 0 chooses from the statistics.
HistogramLayout inspectorLayout(io::DType dtype, const TensorStats& stats, int bins)
{
    const auto kind = io::dtypeInfo(dtype).kind;
    const bool integer = kind == io::DTypeKind::SignedInt || kind == io::DTypeKind::UnsignedInt
        || kind == io::DTypeKind::Bool;
    return histogramLayout(stats.finite, stats.min, stats.max, stats.std, bins, integer);
}

} // namespace

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
    // One pass for float16 and bfloat16 (bit-pattern counts), statistics then histogram otherwise.
    auto result = computeStatsAndHistogram(*values, so,
        [&](const TensorStats& s) { return std::optional(inspectorLayout(values->dtype(), s, bins)); });
    if (!result) {
        a.status = result.status();
        return a;
    }
    a.stats = result->stats;
    if (crcInStats && a.stats.crc32c)
        values->setIntegrity(io::checkConsumerCrc(*artifact.bundle, e, *a.stats.crc32c));
    a.histogram = std::move(result->histogram);
    if (!result->histogramStatus.isOk()) a.status = result->histogramStatus;
    return a;
}

io::Result<HistogramData> rebin(
    const io::Tensor& tensor, const TensorStats& stats, int bins, const io::CancelToken& cancel)
{
    if (!stats.numeric) return HistogramData {};
    const auto layout = inspectorLayout(tensor.dtype(), stats, bins);
    return computeHistogram(tensor, layout.bins, layout.lo, layout.hi, &cancel);
}

} // namespace tscope::model
