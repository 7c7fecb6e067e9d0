#include "model/inspection_controller.h"

namespace tscope::model {

namespace {
const QString kAnalysis = QStringLiteral("analysis");
const QString kRebin = QStringLiteral("rebin");
const QString kPlane = QStringLiteral("plane");
} // namespace

InspectionController::InspectionController(QObject* parent)
    : QObject(parent)
{ }

void InspectionController::setArtifact(std::shared_ptr<const io::Artifact> artifact)
{
    m_jobs.cancelAll();
    m_artifact = std::move(artifact);
    m_current.reset();
    m_entry = -1;
}

void InspectionController::cancel()
{
    m_jobs.cancelAll();
}

void InspectionController::inspect(int entry, int bins)
{
    m_jobs.cancelAll(); // stale histogram or plane work for the previous variable
    m_entry = entry;
    m_bins = bins;
    m_current.reset();
    emit analysisStarted(entry);
    if (entry < 0 || !m_artifact) return;
    auto artifact = m_artifact;
    m_jobs.run<std::shared_ptr<const TensorAnalysis>>(
        kAnalysis, this,
        [artifact, entry, bins](const io::CancelToken& token) {
            return std::make_shared<const TensorAnalysis>(analyzeTensor(*artifact, entry, bins, token));
        },
        [this, entry](std::shared_ptr<const TensorAnalysis> result) {
            if (entry != m_entry) return;
            m_current = result;
            emit analysisReady(result);
        });
}

void InspectionController::setBins(int bins)
{
    m_bins = bins;
    if (!m_current || !m_current->tensor) return;
    auto analysis = m_current;
    const int entry = m_entry;
    m_jobs.run<io::Result<HistogramData>>(
        kRebin, this,
        [analysis, bins](
            const io::CancelToken& token) { return rebin(*analysis->tensor, analysis->stats, bins, token); },
        [this, entry](io::Result<HistogramData> result) {
            if (entry != m_entry || !result) return;
            emit histogramReady(result.value());
        });
}

void InspectionController::requestPlane(const PlaneSelection& selection, int maxRows, int maxCols)
{
    if (!m_current || !m_current->tensor) return;
    auto tensor = m_current->tensor;
    const int entry = m_entry;
    m_jobs.run<std::shared_ptr<const PlaneData>>(
        kPlane, this,
        [tensor, selection, maxRows, maxCols](const io::CancelToken&) {
            return std::make_shared<const PlaneData>(extractPlane(*tensor, selection, maxRows, maxCols));
        },
        [this, entry](std::shared_ptr<const PlaneData> plane) {
            if (entry != m_entry) return;
            emit planeReady(plane);
        });
}

} // namespace tscope::model
