// One opened artifact for the GUI: opens in the background (progress, cancel), owns the io::Artifact,
// and tells everyone when it changes. Two sessions will drive the comparison view.
#pragma once

#include "io/artifact.h"
#include "model/job_runner.h"

#include <QObject>
#include <QString>
#include <memory>

namespace tscope::model {

class ArtifactSession : public QObject {
    Q_OBJECT
public:
    enum class State { Empty, Opening, Open, Failed };
    Q_ENUM(State)

    explicit ArtifactSession(QObject* parent = nullptr);
    ~ArtifactSession() override;

    // Starts opening `path` in the background; a running open is cancelled first.
    void open(const QString& path);
    void cancelOpen();
    void close();

    State state() const { return m_state; }
    QString path() const { return m_path; }
    std::shared_ptr<const io::Artifact> artifact() const { return m_artifact; }
    const io::Status& lastError() const { return m_error; }
    QString displayName() const;
    JobRunner& jobs() { return m_jobs; }

signals:
    void stateChanged(tscope::model::ArtifactSession::State state);
    void opened();
    void failed(const QString& message);
    void progressChanged(int percent); // -1 when the total is unknown
    void closed();

private:
    void setState(State state);
    JobRunner m_jobs;
    State m_state = State::Empty;
    QString m_path;
    std::shared_ptr<const io::Artifact> m_artifact;
    io::Status m_error;
};

QString statusToText(const io::Status& status);

} // namespace tscope::model
