#include "model/artifact_session.h"

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
{ }

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
    QPointer<ArtifactSession> self(this);
    m_jobs.run<std::shared_ptr<OpenResult>>(
        kOpenJob, this,
        [native, self](const io::CancelToken& token) {
            io::OpenOptions options;
            options.cancel = &token;
            return std::make_shared<OpenResult>(io::openArtifact(native, options));
        },
        [this](std::shared_ptr<OpenResult> result) {
            if (!*result) {
                m_error = result->status();
                m_artifact.reset();
                setState(State::Failed);
                emit failed(statusToText(m_error));
                return;
            }
            m_artifact = result->value();
            setState(State::Open);
            emit opened();
        });
}

void ArtifactSession::cancelOpen()
{
    if (m_state != State::Opening) return;
    m_jobs.cancel(kOpenJob);
    m_error = io::Status(io::ErrorCode::Cancelled, "opening was cancelled");
    setState(m_artifact ? State::Open : State::Empty);
}

void ArtifactSession::close()
{
    m_jobs.cancelAll();
    m_artifact.reset();
    m_path.clear();
    setState(State::Empty);
    emit closed();
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
