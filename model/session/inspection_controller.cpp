#include "model/session/inspection_controller.h"

#include "model/items/variable_title.h"
#include "model/session/artifact_session.h"

namespace tscope::model {

namespace {
const QString kAnalysis = QStringLiteral("analysis");
const QString kRebin = QStringLiteral("rebin");
const QString kPlane = QStringLiteral("plane");
} // namespace

InspectionController::InspectionController(ArtifactSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
{
    qRegisterMetaType<TensorRef>();
    connect(session, &ArtifactSession::opened, this, &InspectionController::follow);
    connect(session, &ArtifactSession::failed, this, &InspectionController::follow);
    connect(session, &ArtifactSession::closed, this, &InspectionController::follow);
    // Once any result has been delivered: a selected tensor with neither a result nor a running
    // analysis was cancelled by someone else than inspect() (which always starts a new one).
    connect(&m_jobs, &JobRunner::activityFinished, this, [this](const QString& key) {
        if (key != kAnalysis) return;
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (m_ref.isValid() && !m_current && !m_jobs.isRunning(kAnalysis))
                    emit analysisCancelled(m_ref);
            },
            Qt::QueuedConnection);
    });
    follow();
}

void InspectionController::follow()
{
    m_jobs.cancelAll();
    m_artifact = m_session->artifact();
    m_artifactId = m_session->artifactId();
    m_current.reset();
    m_ref = {};
}

int InspectionController::entryIndex(const TensorRef& ref) const
{
    if (!m_artifact || !m_artifact->bundle || !ref.isValid() || ref.artifact != m_artifactId) return -1;
    return m_artifact->bundle->indexOf(ref.key);
}

const io::TensorEntry* InspectionController::entry(const TensorRef& ref) const
{
    const int i = entryIndex(ref);
    return i < 0 ? nullptr : &m_artifact->bundle->entries()[static_cast<size_t>(i)];
}

void InspectionController::cancel()
{
    m_jobs.cancelAll();
}

void InspectionController::inspect(const TensorRef& ref, int bins)
{
    m_jobs.cancelAll(); // stale histogram or plane work for the previous tensor
    m_ref = ref;
    m_bins = bins;
    m_current.reset();
    emit analysisStarted(ref);
    if (!ref.isValid()) return;
    const io::TensorEntry* e = entry(ref);
    if (!e) {
        auto refused = std::make_shared<TensorAnalysis>();
        refused->ref = ref;
        refused->status = io::Status(io::ErrorCode::NotFound, "the tensor is not in this artifact");
        emit analysisReady(refused);
        return;
    }
    auto artifact = m_artifact;
    m_jobs.runWithProgress<std::shared_ptr<const TensorAnalysis>>(
        kAnalysis, tr("Statistics of %1").arg(model::variableTitle(*m_artifact, entryIndex(ref)).title), this,
        [artifact, ref, bins](const io::CancelToken& token, const io::ProgressFn& progress) {
            return std::make_shared<const TensorAnalysis>(
                analyzeTensor(*artifact, ref, bins, token, progress));
        },
        [this, ref](std::shared_ptr<const TensorAnalysis> result) {
            if (ref != m_ref) return;
            m_current = result;
            emit analysisReady(result);
            if (result->tensor && !result->tensor->integrity().isOk())
                emit tensorDamaged(ref, result->tensor->integrity());
            if (result->status.code() == io::ErrorCode::Truncated) emit fileChangedOnDisk(result->status);
        });
}

void InspectionController::setBins(int bins)
{
    m_bins = bins;
    if (!m_current || !m_current->tensor) return;
    auto analysis = m_current;
    const TensorRef ref = m_ref;
    m_jobs.run<io::Result<HistogramData>>(
        kRebin, this,
        [analysis, bins](
            const io::CancelToken& token) { return rebin(*analysis->tensor, analysis->stats, bins, token); },
        [this, ref](io::Result<HistogramData> result) {
            if (ref != m_ref || !result) return;
            emit histogramReady(result.value());
        });
}

void InspectionController::requestPlane(const PlaneSelection& selection, int maxRows, int maxCols)
{
    if (!m_current || !m_current->tensor) return;
    auto tensor = m_current->tensor;
    const TensorRef ref = m_ref;
    m_jobs.run<std::shared_ptr<const PlaneData>>(
        kPlane, this,
        [tensor, selection, maxRows, maxCols](const io::CancelToken& token) {
            return std::make_shared<const PlaneData>(
                extractPlane(*tensor, selection, maxRows, maxCols, &token));
        },
        [this, ref](std::shared_ptr<const PlaneData> plane) {
            if (ref != m_ref) return;
            emit planeReady(plane);
        });
}

} // namespace tscope::model
