// Verify Checksums for one ArtifactSession: re-reads every index block and tensor of the open
// checkpoint with BundleReader::verify (then, like the CLI, variables/, assets and fingerprint.pb of a
// SavedModel: io::verifyArtifactParts) as the session's keyed "verify" job, so the status bar shows
// its progress and Cancel. A result is delivered only whole: a cancelled run, or one overtaken by a
// re-open or close, leaves no outcome behind.
#pragma once

#include "io/bundle_reader.h"
#include "io/saved_model_fingerprint.h"
#include "model/tensor_ref.h"

#include <QObject>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tscope::model {

class ArtifactSession;

// One finished verification of one artifact.
struct VerifyOutcome {
    ArtifactId artifact = 0;
    io::VerifyReport report;
    // The problems that name a tensor, by checkpoint key (the first one per key); problems of a whole
    // file (the index, a missing shard) stay only in report.problems.
    std::map<std::string, io::Status> damaged;
    // Remarks on parts not checked (fingerprint hashes we cannot recompute, with why), and a SavedModel's
    // fingerprint.pb compared field by field (empty without one).
    std::vector<io::Status> warnings;
    std::optional<io::FingerprintCheck> fingerprint;

    bool intact() const { return report.ok; }
};

// Groups a report's problems by the tensor they name.
std::map<std::string, io::Status> damagedTensors(const io::VerifyReport& report);

class ChecksumVerifier : public QObject {
    Q_OBJECT
public:
    explicit ChecksumVerifier(ArtifactSession* session, QObject* parent = nullptr);

    // True when the session has a checkpoint open (a SavedModel without variables has nothing to verify).
    bool canVerify() const;
    // Starts (or restarts) verifying the session's checkpoint; drops the previous outcome.
    void start();
    void cancel();
    bool isRunning() const { return m_running; }
    // The last complete verification of the session's current artifact, or null.
    std::shared_ptr<const VerifyOutcome> outcome() const { return m_outcome; }

    static QString jobKey();

signals:
    void started();
    void finished(std::shared_ptr<const tscope::model::VerifyOutcome> outcome);
    void cancelled(); // by cancel(), or by the status bar's Cancel on the job's key
    void cleared(); // the artifact changed: any outcome and marks are void

private:
    void follow();
    ArtifactSession* m_session;
    std::shared_ptr<const VerifyOutcome> m_outcome;
    bool m_running = false;
};

} // namespace tscope::model

Q_DECLARE_METATYPE(std::shared_ptr<const tscope::model::VerifyOutcome>)
