#include "model/session/checksum_verifier.h"

#include "io/artifact_verify.h"
#include "model/session/artifact_session.h"

namespace tscope::model {

QString ChecksumVerifier::jobKey()
{
    return QStringLiteral("verify");
}

std::map<std::string, io::Status> damagedTensors(const io::VerifyReport& report)
{
    std::map<std::string, io::Status> damaged;
    for (const auto& p : report.problems)
        if (!p.tensor().empty() && p.code() != io::ErrorCode::Cancelled) damaged.emplace(p.tensor(), p);
    return damaged;
}

ChecksumVerifier::ChecksumVerifier(ArtifactSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
{
    qRegisterMetaType<std::shared_ptr<const VerifyOutcome>>();
    connect(session, &ArtifactSession::opened, this, &ChecksumVerifier::follow);
    connect(session, &ArtifactSession::failed, this, &ChecksumVerifier::follow);
    connect(session, &ArtifactSession::closed, this, &ChecksumVerifier::follow);
    // The job's key ends before its result is delivered (in the same event), so a check queued behind
    // it sees m_running still set only when no result came: the job was cancelled from outside.
    connect(&session->jobs(), &JobRunner::activityFinished, this, [this](const QString& key) {
        if (key != jobKey()) return;
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (m_running && !m_session->jobs().isRunning(jobKey())) {
                    m_running = false;
                    emit cancelled();
                }
            },
            Qt::QueuedConnection);
    });
}

bool ChecksumVerifier::canVerify() const
{
    auto artifact = m_session->artifact();
    return m_session->state() == ArtifactSession::State::Open && artifact && artifact->bundle;
}

void ChecksumVerifier::follow()
{
    if (m_running) m_session->jobs().cancel(jobKey());
    m_running = false;
    const bool had = m_outcome != nullptr;
    m_outcome.reset();
    if (had) emit cleared();
}

void ChecksumVerifier::start()
{
    if (!canVerify()) return;
    auto artifact = m_session->artifact();
    const ArtifactId id = m_session->artifactId();
    if (m_outcome) {
        m_outcome.reset();
        emit cleared();
    }
    m_running = true;
    emit started();
    m_session->jobs().runWithProgress<std::shared_ptr<const VerifyOutcome>>(
        jobKey(), tr("Verifying %1").arg(m_session->displayName()), this,
        [artifact, id](const io::CancelToken& token, const io::ProgressFn& progress) {
            auto outcome = std::make_shared<VerifyOutcome>();
            outcome->artifact = id;
            outcome->report = artifact->bundle->verify(&token, progress);
            // The parts that are not tensors, as the CLI's verify: variables/, assets, fingerprint.pb.
            if (!token.isCancelled())
                io::verifyArtifactParts(*artifact, outcome->report, outcome->warnings, &outcome->fingerprint);
            outcome->damaged = damagedTensors(outcome->report);
            return std::shared_ptr<const VerifyOutcome>(std::move(outcome));
        },
        [this, id](std::shared_ptr<const VerifyOutcome> outcome) {
            m_running = false;
            if (id != m_session->artifactId()) return; // re-opened meanwhile
            m_outcome = std::move(outcome);
            emit finished(m_outcome);
        });
}

void ChecksumVerifier::cancel()
{
    if (!m_running) return;
    m_session->jobs().cancel(jobKey()); // the queued check above reports it
}

} // namespace tscope::model
