#include "model/session/artifact_session.h"

#include <QFileInfo>

namespace tscope::model {

namespace {
const QString kOpenJob = QStringLiteral("open");
using OpenResult = io::Result<std::shared_ptr<io::Artifact>>;
} // namespace

QString statusToText(const io::Status& status)
{
    return QString::fromStdString(status.toString());
}

ArtifactSession::ArtifactSession(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<io::Status>();
    connect(
        &m_jobs, &JobRunner::activityProgress, this, [this](const QString& key, qint64 done, qint64 total) {
            if (key == kOpenJob) emit progressChanged(total > 0 ? static_cast<int>(100 * done / total) : -1);
        });
    // The open can also be cancelled from outside (the status bar's Cancel cancels the job's key).
    // Checked once the event loop has delivered any result: still Opening with no open job running
    // means it was cancelled.
    connect(&m_jobs, &JobRunner::activityFinished, this, [this](const QString& key) {
        if (key != kOpenJob) return;
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (m_state == State::Opening && !m_jobs.isRunning(kOpenJob)) endCancelledOpen();
            },
            Qt::QueuedConnection);
    });
}

ArtifactSession::~ArtifactSession()
{
    m_jobs.cancelAll();
}

void ArtifactSession::setState(State state)
{
    if (m_state == state) return;
    m_state = state;
    emit stateChanged(state);
}

void ArtifactSession::open(const QString& path)
{
    m_path = path;
    m_error = {};
    setState(State::Opening);
    emit progressChanged(-1);
    const std::string native = QFileInfo(path).filePath().toStdString();
    m_jobs.runWithProgress<std::shared_ptr<OpenResult>>(
        kOpenJob, tr("Opening %1").arg(QFileInfo(path).fileName()), this,
        [native](const io::CancelToken& token, const io::ProgressFn& progress) {
            io::OpenOptions options;
            options.cancel = &token;
            options.progress = progress;
            return std::make_shared<OpenResult>(io::openArtifact(native, options));
        },
        [this](std::shared_ptr<OpenResult> result) {
            if (!*result) {
                m_error = result->status();
                m_artifact.reset();
                m_artifactId = 0;
                setState(State::Failed);
                emit failed(m_error);
                return;
            }
            m_artifact = result->value();
            m_artifactId = newArtifactId();
            setState(State::Open);
            emit opened();
        });
}

void ArtifactSession::cancelOpen()
{
    if (m_state != State::Opening) return;
    m_jobs.cancel(kOpenJob);
    endCancelledOpen();
}

void ArtifactSession::endCancelledOpen()
{
    m_error = io::Status(io::ErrorCode::Cancelled, "opening was cancelled");
    setState(m_artifact ? State::Open : State::Empty);
}

void ArtifactSession::close()
{
    m_jobs.cancelAll();
    m_artifact.reset();
    m_artifactId = 0;
    m_path.clear();
    setState(State::Empty);
    emit closed();
}

TensorRef ArtifactSession::ref(const std::string& key) const
{
    if (!m_artifact) return {};
    return TensorRef { m_artifactId, key };
}

int ArtifactSession::entryIndex(const TensorRef& ref) const
{
    if (!m_artifact || !m_artifact->bundle || ref.artifact != m_artifactId) return -1;
    return m_artifact->bundle->indexOf(ref.key);
}

const io::TensorEntry* ArtifactSession::resolve(const TensorRef& ref) const
{
    const int i = entryIndex(ref);
    return i < 0 ? nullptr : &m_artifact->bundle->entries()[static_cast<size_t>(i)];
}

QString ArtifactSession::displayName() const
{
    if (!m_artifact) return QFileInfo(m_path).fileName();
    const auto& loc = m_artifact->location;
    if (loc.kind == io::ArtifactKind::SavedModel)
        return QString::fromStdString(loc.savedModelDir.filename().string());
    return QString::fromStdString(loc.checkpointPrefix.filename().string());
}

} // namespace tscope::model
