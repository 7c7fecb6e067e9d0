// The compare window (File > Compare…, `tensorscope --compare A B`): opens both artifacts in the
// background, shows the mapping engine's rows at once (statuses from metadata), fills the metrics in a
// job with progress and cancel (status bar), and computes the selected pair's statistics and shared-bin
// histograms in another keyed job. The summary also says whether one side fits the other as a restore
// target (model::judgeFit on the diff's mapping, as `tensorscope-cli check`): a SavedModel is the target,
// else B. Screenshots
// (`--screenshot`) wait for the metrics and the pair.
#pragma once

#include "io/artifact.h"
#include "model/compare/artifact_diff.h"
#include "model/compare/checkpoint_fit.h"

#include <QMainWindow>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace tscope::model {
class DiffFilterProxy;
class DiffTreeModel;
class JobRunner;
} // namespace tscope::model

namespace tscope::ui {
class CompareView;
struct PairDetails;
} // namespace tscope::ui

namespace tscope::app {

class CompareWindow : public QMainWindow {
    Q_OBJECT
public:
    CompareWindow(QString pathA, QString pathB, QWidget* parent = nullptr);
    ~CompareWindow() override;

    // Whether the checkpoint side fits the target side (set once both are open), and that verdict as text.
    const std::optional<model::FitVerdict>& fit() const { return m_fit; }
    QString fitVerdict() const;

    // Re-pairs the two open artifacts with these renaming rules (the view's Map field; `diff --map`
    // syntax, several separated by ';'), then recomputes the metrics. A rule that does not parse is
    // reported in the summary and nothing changes.
    void setMappingRules(const QString& text);

    // Saves a screenshot once the metrics are in and `select` (a key of A or B; empty: the pair that
    // moved most) is shown, then quits the application.
    void screenshotWhenReady(const QString& file, const QString& select);

signals:
    void artifactsOpened(); // both artifacts are open and their rows are in the tree (metrics follow)
    void openFailed(const QString& message);
    void metricsReady();
    void pairShown();

public:
    struct Opened; // what the open job hands to the GUI thread

private:
    void start();
    void onOpened(const std::shared_ptr<Opened>& opened);
    void onMetrics(std::vector<model::DiffRow>&& filled);
    void showPair(int diffRow);
    void applyNameFilter(const QString& text);
    void expandWithinBudget();
    void updateFilterStatus();
    void updateSummary();
    void selectForScreenshot();

    QString m_pathA, m_pathB;
    std::shared_ptr<const io::Artifact> m_a, m_b;
    model::JobRunner* m_jobs;
    model::DiffTreeModel* m_model;
    model::DiffFilterProxy* m_proxy;
    ui::CompareView* m_view;
    bool m_metricsDone = false;
    std::optional<model::FitVerdict> m_fit;
    io::MappingOptions m_mapping; // the rules in use
    // Each diff row's entry in A and B (-1: absent), shared with the name filter's worker.
    std::shared_ptr<const std::vector<std::pair<int, int>>> m_rowSides;
    QString m_nameFilter;
    bool m_fitReversed = false; // the checkpoint is B and the target A (A is a SavedModel, B is not)
    QString m_screenshotFile, m_screenshotSelect;
};

// File > Compare…: asks for two artifacts (a file of each: `.index`, `saved_model.pb`, `checkpoint`...) and
// opens a CompareWindow on them (deleted when closed).
void openCompareDialog(QWidget* parent);

} // namespace tscope::app
