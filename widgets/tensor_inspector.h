// The right-hand panel for one variable: what it is (dtype, shape, key, shard/offset), its
// statistics, and tabs with the histogram, the value grid and a heatmap. All numbers arrive from
// the InspectionController's worker jobs; this widget never reads tensor data itself.
#pragma once

#include "model/session/inspection_controller.h"

#include <QWidget>
#include <memory>

class QLabel;
class QTabWidget;
class QSpinBox;
class QTableView;
class QFormLayout;
class QScrollArea;
class QSplitter;
class QPushButton;

namespace tscope::model {
class ValueTableModel;
}

namespace tscope::ui {

class HeatmapView;
class HistogramPlot;
class MessageBar;
class SliceSelector;

class TensorInspector : public QWidget {
    Q_OBJECT
public:
    explicit TensorInspector(model::InspectionController* controller, QWidget* parent = nullptr);

    // Shows `ref` (invalid = nothing selected) and starts its analysis. Follows the controller's
    // session: opening, failing or closing clears it.
    void showTensor(const model::TensorRef& ref);
    const model::TensorRef& tensor() const { return m_ref; }
    // Shows what an inner node of the tree holds (variables, parameters, bytes, dtypes, children)
    // instead of a tensor; `nodeId` indexes io::VariableTree::nodes of the controller's artifact.
    void showGroup(int nodeId);
    QString titleText() const; // for tests: the title and the line under it, as plain text
    QString detailsText() const;
    // For tests: the link lines (a slot's variable with the confidence and reason; a variable's real name,
    // where it was found, its twins and its slots) as plain text, and the keys they link to, in order.
    QString linksText() const;
    QStringList linkedKeys() const { return m_linkedKeys; }
    void activateLink(int i); // as a click on the i-th link does

    HistogramPlot* histogram() const { return m_histogram; }
    HeatmapView* heatmap() const { return m_heatmap; }
    QTabWidget* tabs() const { return m_tabs; }
    QString statsText() const; // for tests: the statistics as displayed
    // The statistics (or a group's totals) as name/value lines: what Copy Statistics puts on the clipboard
    // (tab-separated) and Save Statistics as CSV writes (comma-separated, with a header line).
    QString statsTsv() const { return statsTable(QLatin1Char('\t'), false); }
    QString statsCsv() const { return statsTable(QLatin1Char(','), true); }
    bool saveStatsCsv(const QString& path) const;
    QPushButton* statsExportButton() const { return m_statsExport; }
    model::ValueTableModel* valueModel() const { return m_values; }
    QTableView* valueView() const { return m_valueView; }
    QSpinBox* precisionBox() const { return m_precision; }
    void copySelectedValues(); // the selected cells to the clipboard as TSV (Ctrl+C in the grid)
    bool saveValuesCsv(const QString& path) const; // the shown plane, with row/column numbers
    static QString safeFileName(const QString& name); // a variable path as a file name

    // The split between the header (title, details, statistics; it scrolls) and the tabs. Empty until the
    // user dragged it: the header then follows its content. Restoring a state keeps the user's split.
    QByteArray splitterState() const;
    bool restoreSplitterState(const QByteArray& state);
    QSplitter* splitter() const { return m_splitter; }
    // At most this share of the inspector goes to the header by itself; the tabs never get fewer lines.
    static constexpr double kMaxHeaderShare = 0.34;
    static constexpr int kMinPlotLines = 12;
    int headerHeight() const; // for tests: the header pane's height

signals:
    // A link in the inspector was clicked: the slot's variable, or one of the variable's slots.
    void tensorLinkActivated(const tscope::model::TensorRef& ref);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void scheduleHeaderFit(); // once the labels have their new text laid out
    void fitHeader();
    void showLinks(int entry);
    void onAnalysisReady(std::shared_ptr<const model::TensorAnalysis> analysis);
    void setStatsPlaceholder(const QString& text);
    void requestHeatmap();
    void fitValueColumns();
    void exportValues();
    void exportStats();
    QString statsTable(QChar separator, bool header) const;
    void setStatRows(QList<QPair<QString, QString>> rows);

    model::InspectionController* m_controller;
    model::TensorRef m_ref;
    QLabel* m_title;
    QLabel* m_details;
    QLabel* m_links;
    QStringList m_linkedKeys; // checkpoint keys behind m_links' anchors ("#<i>")
    QLabel* m_stats;
    MessageBar* m_message;
    QTabWidget* m_tabs;
    HistogramPlot* m_histogram;
    SliceSelector* m_valueSlice;
    QTableView* m_valueView;
    QSpinBox* m_precision;
    QList<QPair<QString, QString>> m_statRows; // the shown statistics as plain name/value pairs
    QPushButton* m_statsExport;
    model::ValueTableModel* m_values;
    SliceSelector* m_heatSlice;
    HeatmapView* m_heatmap;
    QScrollArea* m_headerArea;
    QSplitter* m_splitter;
    bool m_userSizedHeader = false;
    bool m_headerFitPending = false;
};

} // namespace tscope::ui
