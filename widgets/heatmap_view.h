// Heatmap of a 2-D slice with a colour scale (QCustomPlot colour map). Large planes arrive
// downsampled by striding; the axes still show source indices.
#pragma once

#include "model/kernels/plane_selection.h"

#include <QWidget>
#include <memory>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QLabel;
class QStackedWidget;

namespace tscope::ui {

class HeatmapView : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapView(QWidget* parent = nullptr);
    void setPlane(
        std::shared_ptr<const model::PlaneData> plane, const QString& rowLabel, const QString& colLabel);
    void clear(const QString& message);
    QCustomPlot* plot() const { return m_plot; }
    // What is shown instead of a plot (computing, nothing to draw...); "" while a plane is drawn.
    QString stateMessage() const;
    QString noteText() const; // the line above the plot: range, downsampling, non-finite legend
    // "every 20th row, every column" for a downsampled plane ("" when nothing is skipped).
    static QString strideText(int64_t rowStep, int64_t colStep);
    static QColor nonFiniteColor(); // cells holding NaN or ±Inf: outside the blue-white-red scale

private:
    void showState(const QString& message);
    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    QLabel* m_note;
    QLabel* m_state;
    QStackedWidget* m_pages;
};

} // namespace tscope::ui
