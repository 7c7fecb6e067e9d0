#include "model/session/artifact_session.h"

#include <QFileInfo>

namespace tscope::model {

namespace {
const QString kOpenJob = QStringLiteral("open");
using OpenResult = io::Result<std::shared_ptr<io::Artifact>>;
} // namespace

namespace {
QString codeHeading(io::ErrorCode code)
{
    switch (code) {
    case io::ErrorCode::Ok:
        return {};
    case io::ErrorCode::NotFound:
        return QObject::tr("Not found");
    case io::ErrorCode::PermissionDenied:
        return QObject::tr("Permission denied");
    case io::ErrorCode::Corrupt:
        return QObject::tr("Damaged");
    case io::ErrorCode::ChecksumMismatch:
        return QObject::tr("Checksum mismatch");
    case io::ErrorCode::Truncated:
        return QObject::tr("Truncated");
    case io::ErrorCode::Unsupported:
        return QObject::tr("Not supported");
    case io::ErrorCode::InvalidArgument:
        return QObject::tr("Invalid");
    case io::ErrorCode::Cancelled:
        return QObject::tr("Cancelled");
    case io::ErrorCode::Io:
        return QObject::tr("Read error");
    case io::ErrorCode::OutOfMemory:
        return QObject::tr("Out of memory");
    case io::ErrorCode::Note:
        return QObject::tr("Note");
    }
    return {};
}
} // namespace

QString statusToText(const io::Status& status)
{
    if (status.isOk()) return QObject::tr("OK");
    QString message = QString::fromStdString(status.message()).trimmed();
    const QString heading = codeHeading(status.code());
    if (message.startsWith(heading, Qt::CaseInsensitive))
        message = heading + message.mid(heading.size()); // "not supported: x" -> "Not supported: x"
    else if (!heading.isEmpty())
        message = heading + QStringLiteral(": ") + message;
    QStringList where;
    if (!status.tensor().empty())
        where << QObject::tr("tensor '%1'").arg(QString::fromStdString(status.tensor()));
    if (!status.path().empty()) where << QObject::tr("file '%1'").arg(QString::fromStdString(status.path()));
    if (status.offset()) where << QObject::tr("offset %1").arg(*status.offset());
    if (!where.isEmpty()) message += QStringLiteral(" (%1)").arg(where.join(QStringLiteral(", ")));
    return message;
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
    if (m_artifact && m_state == State::Open) m_openPath = m_path;
    m_path = path;
    m_attempt = path;
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
                if (m_artifact) { // keep what is open; the window shows the error beside it
                    m_path = m_openPath;
                    setState(State::Open);
                    emit reopenFailed(m_error);
                    return;
                }
                m_artifactId = 0;
                setState(State::Failed);
                emit failed(m_error);
                return;
            }
            m_artifact = result->value();
            m_openPath.clear();
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
    if (m_artifact) m_path = m_openPath;
    setState(m_artifact ? State::Open : State::Empty);
}

void ArtifactSession::close()
{
    m_jobs.cancelAll();
    m_artifact.reset();
    m_artifactId = 0;
    m_path.clear();
    m_openPath.clear();
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
