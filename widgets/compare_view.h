// The compare view: the aligned tree of two artifacts (status and metric columns, sortable, "changed
// only" and "hide optimizer state" filters), a summary line, and for the selected pair both histograms
// overlaid on the same bins with a legend, both statistics side by side and the pair's metrics. It only
// shows models and result structs; the window (app/gui/compare_window) computes them.
#pragma once

#include "model/kernels/diff_metrics.h"
#include "model/kernels/histogram.h"
#include "model/kernels/tensor_stats.h"

#include <QWidget>
#include <optional>

class QAbstractItemModel;
class QCheckBox;
class QCustomPlot;
class QLabel;
class QTableWidget;
class QTreeView;

namespace tscope::ui {

// What the details pane shows for one pair; the histograms share their edges.
struct PairDetails {
    QString keyA, keyB;
    std::optional<model::TensorStats> statsA, statsB;
    model::HistogramData histogramA, histogramB;
    std::optional<model::DiffMetrics> metrics;
    QString note; // e.g. why a side is missing
};

class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);

    // `model` is the filter proxy over a model::DiffTreeModel.
    void setModel(QAbstractItemModel* model);
    void setSummary(const QString& html);
    void setPairDetails(const PairDetails& details);
    void setPairMessage(const QString& message); // busy or nothing selected

    QTreeView* tree() const { return m_tree; }
    QCheckBox* changedOnly() const { return m_changedOnly; }
    QCheckBox* hideOptimizer() const { return m_hideOptimizer; }

signals:
    // A leaf was selected: its index into the diff's rows.
    void pairSelected(int diffRow);

private:
    void onCurrentChanged();
    QLabel* m_summary;
    QCheckBox* m_changedOnly;
    QCheckBox* m_hideOptimizer;
    QTreeView* m_tree;
    QLabel* m_pairTitle;
    QCustomPlot* m_plot;
    QTableWidget* m_stats;
    QLabel* m_metrics;
};

} // namespace tscope::ui
