// The training run window (`tensorscope --run DIR`, File > Open Training Run…): follows the run's
// directory live (model::RunWatcher), lists its complete steps, and for the selected variables computes
// the per-step series in a background job with progress and cancel. Series are cached per variable for
// the current list of steps, so re-selecting a variable is instant; a new or deleted step recomputes
// only what is selected. Two selected steps open a CompareWindow. A directory holding several runs (two
// Savers' prefixes) opens the one its state file names; the view's chooser switches to another.
#pragma once

#include "io/artifact.h"
#include "model/run/variable_series.h"

#include <QHash>
#include <QMainWindow>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tscope::model {
class JobRunner;
class RunWatcher;
class StepListModel;
} // namespace tscope::model

namespace tscope::ui {
class RunView;
}

namespace tscope::app {

class RunWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit RunWindow(const QString& path, QWidget* parent = nullptr);
    ~RunWindow() override;

    ui::RunView* view() const { return m_view; }
    model::StepListModel* stepModel() const { return m_stepModel; }
    const std::string& runName() const; // the run (prefix) shown
    const std::vector<std::string>& runNames() const; // every run of the directory

    // Selects `keys` (comma-separated; empty: the first three variables), waits for their series,
    // saves a screenshot and quits the application.
    void screenshotWhenReady(const QString& file, const QString& keys);

    // Switches to another run (prefix) of the same directory.
    void showRun(const QString& name);

signals:
    void seriesShown();
    // The last step was opened and its variables listed (`prefix`: that step's checkpoint prefix).
    void variablesListed();
    void lastStepOpened(const QString& prefix, int variableCount);
    // A step could not be opened or its series not computed (shown in the view too).
    void problem(const QString& message);

private:
    struct Computed;
    void onStepsChanged();
    void listVariables();
    void showSeries(const QStringList& keys);
    void onComputed(const std::shared_ptr<Computed>& computed);
    std::vector<std::string> stepSignature() const;

    QString m_path;
    std::filesystem::path m_directory; // the run's directory
    model::RunWatcher* m_watcher;
    model::StepListModel* m_stepModel;
    model::JobRunner* m_jobs;
    ui::RunView* m_view;
    // Open checkpoints by prefix (kept while the step exists; reopened never).
    std::map<std::string, std::shared_ptr<io::Artifact>> m_open;
    // Series by key, valid for m_cacheSteps (the prefixes they were computed over).
    QHash<QString, model::VariableSeries> m_cache;
    std::vector<std::string> m_cacheSteps;
    std::vector<io::Status> m_stepErrors; // why steps of m_cacheSteps did not open (ok when they did)
};

// File > Open Training Run…: asks for a directory and opens a RunWindow on it (deleted when closed).
void openRunDialog(QWidget* parent);

} // namespace tscope::app
