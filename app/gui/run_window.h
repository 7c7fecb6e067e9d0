// The training run window (`tensorscope --run DIR`, File > Open Training Run…): follows the run's
// directory live (model::RunWatcher), lists its complete steps, and for the selected variables computes
// the per-step series in a background job with progress and cancel. Series are cached per variable for
// the current list of steps, so re-selecting a variable is instant; a new or deleted step recomputes
// only what is selected. Two selected steps open a CompareWindow.
#pragma once

#include "io/artifact.h"
#include "model/run/variable_series.h"

#include <QHash>
#include <QMainWindow>
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

    // Selects `keys` (comma-separated; empty: the first three variables), waits for their series,
    // saves a screenshot and quits the application.
    void screenshotWhenReady(const QString& file, const QString& keys);

signals:
    void seriesShown();
    void variablesListed();

private:
    struct Computed;
    void onStepsChanged();
    void listVariables();
    void showSeries(const QStringList& keys);
    void onComputed(const std::shared_ptr<Computed>& computed);
    std::vector<std::string> stepSignature() const;

    QString m_path;
    model::RunWatcher* m_watcher;
    model::StepListModel* m_stepModel;
    model::JobRunner* m_jobs;
    ui::RunView* m_view;
    // Open checkpoints by prefix (kept while the step exists; reopened never).
    std::map<std::string, std::shared_ptr<io::Artifact>> m_open;
    // Series by key, valid for m_cacheSteps (the prefixes they were computed over).
    QHash<QString, model::VariableSeries> m_cache;
    std::vector<std::string> m_cacheSteps;
};

// File > Open Training Run…: asks for a directory and opens a RunWindow on it (deleted when closed).
void openRunDialog(QWidget* parent);

} // namespace tscope::app
