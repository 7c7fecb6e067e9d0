// Heatmap of a 2-D slice with a colour scale (QCustomPlot colour map). Large planes arrive
// downsampled by striding; the axes still show source indices. A title names the variable and the
// slice, so an exported image (PNG, SVG, PDF) says what it shows.
#pragma once

#include "model/kernels/plane_selection.h"

#include <QWidget>
#include <memory>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPTextElement;
class QLabel;
class QPushButton;
class QStackedWidget;

namespace tscope::ui {

class HeatmapView : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapView(QWidget* parent = nullptr);
    void setPlane(
        std::shared_ptr<const model::PlaneData> plane, const QString& rowLabel, const QString& colLabel);
    void clear(const QString& message);
    void setBusy(const QString& message); // a plane is on its way (cleared by setPlane or clear)
    bool isBusy() const { return m_busy; }
    QCustomPlot* plot() const { return m_plot; }
    // What is shown instead of a plot (computing, nothing to draw...); "" while a plane is drawn.
    QString stateMessage() const;
    QString noteText() const; // the line above the plot: range, downsampling, non-finite legend
    // "every 20th row, every column" for a downsampled plane ("" when nothing is skipped).
    static QString strideText(int64_t rowStep, int64_t colStep);
    static QColor nonFiniteColor(); // cells holding NaN or ±Inf: outside the blue-white-red scale
    // "Heatmap of dense/kernel [:, :, 0, 1]" above the plot (and in exports); "" clears it.
    void setTitle(const QString& variable, const QString& slice = {});
    QString title() const;
    // Saves the plot with its title as PNG, SVG or PDF (by extension); false if no plane is drawn.
    bool saveImage(const QString& fileName);
    QPushButton* exportButton() const { return m_export; }

signals:
    void exportRequested(); // the "Export Image…" button: the window asks for a file name

protected:
    bool eventFilter(QObject* watched, QEvent* event) override; // the plot's resizes: title or not

private:
    void fitTickCounts(); // fewer ticks when the plot is small
    void showState(const QString& message);
    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    QCPTextElement* m_title;
    QString m_titleText; // drawn only when there is room (showTitleIfRoom), always exported
    QPushButton* m_export;
    QLabel* m_note;
    QLabel* m_state;
    QStackedWidget* m_pages;
    bool m_busy = false;
};

} // namespace tscope::ui
