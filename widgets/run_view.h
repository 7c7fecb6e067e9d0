// The training run view: a chooser of the directory's runs (shown when it holds several prefixes), the
// step list (step, time, file), the variables of the last step (several can be
// selected, with a filter), a plot of one metric of the selected variables against the step (L2 norm,
// mean, std, max |value|, or all four of one variable), and the per-layer "update ratio" plot
// (rel_change from the previous step, log y axis). Only shows models and series; the window
// (app/gui/run_window) computes them.
#pragma once

#include "model/run/variable_series.h"

#include <QWidget>
#include <vector>

class QAbstractItemModel;
class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableView;

namespace tscope::ui {

class RunView : public QWidget {
    Q_OBJECT
public:
    enum class Metric { L2, Mean, Std, MaxAbs, All };

    explicit RunView(QWidget* parent = nullptr);

    void setStepModel(QAbstractItemModel* model); // a model::StepListModel
    // The runs (prefixes) of the directory and the one shown; the chooser is hidden for a single run.
    void setRuns(const QStringList& names, const QString& current);
    QComboBox* runChooser() const { return m_runs; }
    void setVariables(const QStringList& keys); // keeps the selection of keys still present
    void selectVariables(const QStringList& keys);
    QStringList selectedVariables() const;
    // One series per selected variable, over the x values `steps` (step numbers, or row numbers).
    void setSeries(const std::vector<double>& steps, const std::vector<model::VariableSeries>& series);
    void setMessage(const QString& message);
    void setMetric(Metric metric);

    QTableView* stepTable() const { return m_steps; }
    QCustomPlot* metricPlot() const { return m_metricPlot; }
    QCustomPlot* ratioPlot() const { return m_ratioPlot; }

signals:
    void variablesSelected(const QStringList& keys);
    void runChosen(const QString& name);
    // Two step rows picked (the older first).
    void compareRequested(int rowA, int rowB);

private:
    void replot();
    void updateCompareButton();

    QComboBox* m_runs;
    QLabel* m_runsLabel;
    QTableView* m_steps;
    QPushButton* m_compare;
    QLineEdit* m_filter;
    QListWidget* m_variables;
    QComboBox* m_metric;
    QLabel* m_message;
    QCustomPlot* m_metricPlot;
    QCustomPlot* m_ratioPlot;
    std::vector<double> m_x;
    std::vector<model::VariableSeries> m_series;
};

} // namespace tscope::ui
