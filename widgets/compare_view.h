// The compare view: the aligned tree of two artifacts (status and metric columns, sortable, "changed
// only" and "hide optimizer state" filters), a summary line, and for the selected pair both histograms
// overlaid on the same bins with a legend, the histogram of b−a, the value grids of a, b and b−a on the
// same slice with changed cells highlighted, a heatmap of b−a over the whole tensor (seen as a matrix over
// its last dimension), both statistics side by side and the pair's metrics. It only
// shows models and result structs; the window (app/gui/compare_window) computes them.
#pragma once

#include "model/kernels/diff_metrics.h"
#include "model/kernels/histogram.h"
#include "model/kernels/pair_difference.h"
#include "model/kernels/tensor_stats.h"

#include <QWidget>
#include <optional>

class QAbstractItemModel;
class QCheckBox;
class QLineEdit;
class QCustomPlot;
class QLabel;
class QTabWidget;
class QTableWidget;
class QTreeView;

namespace tscope::ui {

class HeatmapView;

// What the details pane shows for one pair; the histograms share their edges.
struct PairDetails {
    QString keyA, keyB;
    std::optional<model::TensorStats> statsA, statsB;
    model::HistogramData histogramA, histogramB;
    std::optional<model::DiffMetrics> metrics;
    std::optional<model::PairDifference> difference; // b−a histogram and value grids (same dtype and shape)
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
    // The details tab: "histograms", "difference" (histogram of b−a), "heatmap" (of b−a) or "values"
    // (grids); false when unknown.
    bool showDetailsTab(const QString& name);

    QTreeView* tree() const { return m_tree; }
    HeatmapView* differenceHeatmap() const { return m_heatmap; }
    QCheckBox* changedOnly() const { return m_changedOnly; }
    QCheckBox* hideOptimizer() const { return m_hideOptimizer; }
    // Renaming rules for renamed scopes ("REGEX=REPLACEMENT" applied to A's keys, several separated by ';'),
    // as `diff --map`; Enter applies them.
    QLineEdit* mappingRules() const { return m_rules; }
    // Filters the tree by variable name (a part of A's or B's key); filterTextChanged follows a pause in
    // typing, so a search of 100,000 keys runs once per word, not once per key.
    QLineEdit* filterEdit() const { return m_filter; }
    // Beside the filters: how many variables they leave ("No variable matches" when none); empty: hidden.
    void setFilterStatus(const QString& text);
    // The name column as wide as the names shown (at most 2/5 of the tree), the status column as its texts.
    void fitColumnsToRows();
    QString filterStatus() const;

signals:
    // A leaf was selected: its index into the diff's rows.
    void pairSelected(int diffRow);
    void mappingRulesEntered(const QString& text);
    void filterTextChanged(const QString& text);

private:
    void onCurrentChanged();
    QLabel* m_summary;
    QCheckBox* m_changedOnly;
    QCheckBox* m_hideOptimizer;
    QLineEdit* m_rules;
    QLineEdit* m_filter;
    QLabel* m_filterStatus;
    QTreeView* m_tree;
    QLabel* m_pairTitle;
    void showDifference(const std::optional<model::PairDifference>& difference);
    QTabWidget* m_tabs;
    QCustomPlot* m_plot;
    QCustomPlot* m_diffPlot; // histogram of b−a
    HeatmapView* m_heatmap; // b−a
    QTableWidget* m_grids[3]; // a, b, b−a on the same slice
    QLabel* m_gridNote;
    QTableWidget* m_stats;
    QLabel* m_metrics;
};

} // namespace tscope::ui
