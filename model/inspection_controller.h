// Drives the tensor inspector: analysing the selected variable (read, statistics, histogram) and
// extracting heatmap planes on worker threads. A newer request cancels the older one, and results
// for a variable that is no longer selected are never delivered.
#pragma once

#include "model/job_runner.h"
#include "model/tensor_analysis.h"
#include "model/tensor_view.h"

#include <QObject>
#include <memory>

namespace tscope::model {

class InspectionController : public QObject {
    Q_OBJECT
public:
    explicit InspectionController(QObject* parent = nullptr);

    void setArtifact(std::shared_ptr<const io::Artifact> artifact);
    std::shared_ptr<const io::Artifact> artifact() const { return m_artifact; }

    // Starts analysing `entry` (-1 clears). Emits analysisStarted now and analysisReady later.
    void inspect(int entry, int bins);
    void setBins(int bins); // re-bins the current tensor's histogram only
    void requestPlane(const PlaneSelection& selection, int maxRows = 512, int maxCols = 512);
    void cancel();

    int currentEntry() const { return m_entry; }
    const TensorAnalysis* current() const { return m_current.get(); }
    JobRunner& jobs() { return m_jobs; }

signals:
    void analysisStarted(int entry);
    void analysisReady(std::shared_ptr<const tscope::model::TensorAnalysis> analysis);
    void histogramReady(const tscope::model::HistogramData& histogram);
    void planeReady(std::shared_ptr<const tscope::model::PlaneData> plane);

private:
    JobRunner m_jobs;
    std::shared_ptr<const io::Artifact> m_artifact;
    std::shared_ptr<const TensorAnalysis> m_current;
    int m_entry = -1;
    int m_bins = 64;
};

} // namespace tscope::model
