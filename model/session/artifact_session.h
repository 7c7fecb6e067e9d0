// One opened artifact for the GUI: opens in the background (progress, cancel), owns the io::Artifact,
// and tells everyone when it changes. Panels subscribe to its signals; several sessions can be open at
// once (comparison, a run's checkpoints), each artifact with its own ArtifactId for TensorRefs.
#pragma once

#include "io/artifact.h"
#include "model/session/job_runner.h"
#include "model/tensor_ref.h"

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
    QString path() const { return m_path; } // of the open artifact (or the one being opened)
    QString lastOpenAttempt() const { return m_attempt; } // the path open() was last given
    std::shared_ptr<const io::Artifact> artifact() const { return m_artifact; }
    ArtifactId artifactId() const { return m_artifactId; } // 0 while nothing is open
    const io::Status& lastError() const { return m_error; }
    QString displayName() const;
    JobRunner& jobs() { return m_jobs; }

    // The reference to a checkpoint key of this session's artifact (invalid when nothing is open).
    TensorRef ref(const std::string& key) const;
    // The bundle entry `ref` names in this session's artifact, or nullptr (another artifact, unknown key).
    const io::TensorEntry* resolve(const TensorRef& ref) const;
    int entryIndex(const TensorRef& ref) const; // -1 when resolve() gives nullptr

signals:
    void stateChanged(tscope::model::ArtifactSession::State state);
    void opened();
    void failed(const tscope::io::Status& status); // nothing is open now
    // Opening another artifact failed while one was open: that one stays open (state Open, same
    // artifactId), so panels keep showing it; `status` says why the new one could not be opened.
    void reopenFailed(const tscope::io::Status& status);
    void progressChanged(int percent); // -1 when the total is unknown
    void closed();

private:
    void setState(State state);
    void endCancelledOpen(); // back to the previous artifact, or Empty
    JobRunner m_jobs;
    State m_state = State::Empty;
    QString m_path;
    QString m_attempt;
    QString m_openPath; // of m_artifact, while another path is being opened
    std::shared_ptr<const io::Artifact> m_artifact;
    ArtifactId m_artifactId = 0;
    io::Status m_error;
};

// A Status for people: "Not supported: legacy V1 checkpoint … — file 'x'". The code becomes a
// readable heading unless the message already starts with it (io messages often do), so no
// "Unsupported: not supported: …".
QString statusToText(const io::Status& status);

} // namespace tscope::model

Q_DECLARE_METATYPE(tscope::io::Status)
