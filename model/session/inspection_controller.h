// Drives the tensor inspector of one ArtifactSession: analysing the selected tensor (read, statistics,
// histogram) and extracting heatmap planes on worker threads. A newer request cancels the older one,
// results for a tensor that is no longer selected are never delivered, and a TensorRef of another
// artifact (another session, or this session before a re-open) is refused, never misread.
#pragma once

#include "model/kernels/plane_selection.h"
#include "model/kernels/tensor_analysis.h"
#include "model/session/job_runner.h"
#include "model/tensor_ref.h"

#include <QObject>
#include <memory>

namespace tscope::model {

class ArtifactSession;

class InspectionController : public QObject {
    Q_OBJECT
public:
    // Follows `session`: a newly opened artifact, a failure or closing clears the inspection.
    explicit InspectionController(ArtifactSession* session, QObject* parent = nullptr);

    ArtifactSession* session() const { return m_session; }
    std::shared_ptr<const io::Artifact> artifact() const { return m_artifact; }
    // The entry `ref` names in the followed artifact (its index in the bundle), or nullptr (-1).
    const io::TensorEntry* entry(const TensorRef& ref) const;
    int entryIndex(const TensorRef& ref) const;

    // Starts analysing `ref` (an invalid ref clears). Emits analysisStarted now and analysisReady later
    // (at once, with a NotFound status, for a ref this session's artifact does not hold).
    void inspect(const TensorRef& ref, int bins);
    void setBins(int bins); // re-bins the current tensor's histogram only
    void requestPlane(const PlaneSelection& selection, int maxRows = 512, int maxCols = 512);
    void cancel();

    const TensorRef& currentRef() const { return m_ref; }
    const TensorAnalysis* current() const { return m_current.get(); }
    JobRunner& jobs() { return m_jobs; }

signals:
    void analysisStarted(const tscope::model::TensorRef& ref);
    void analysisReady(std::shared_ptr<const tscope::model::TensorAnalysis> analysis);
    void histogramReady(const tscope::model::HistogramData& histogram);
    void planeReady(std::shared_ptr<const tscope::model::PlaneData> plane);
    // The analysis of the still-selected `ref` was cancelled from outside (the status bar's Cancel).
    void analysisCancelled(const tscope::model::TensorRef& ref);
    // Integrity: the analysed values fail their CRC32C (they are still analysed and shown, marked damaged).
    void tensorDamaged(const tscope::model::TensorRef& ref, const tscope::io::Status& problem);
    // A read met a data file that changed on disk after opening (truncated or rewritten in place).
    void fileChangedOnDisk(const tscope::io::Status& status);

private:
    void follow(); // takes the session's current artifact, dropping any inspection

    ArtifactSession* m_session;
    JobRunner m_jobs;
    std::shared_ptr<const io::Artifact> m_artifact;
    ArtifactId m_artifactId = 0;
    std::shared_ptr<const TensorAnalysis> m_current;
    TensorRef m_ref;
    int m_bins = 64;
};

} // namespace tscope::model
