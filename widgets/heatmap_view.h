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

namespace tscope::ui {

class HeatmapView : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapView(QWidget* parent = nullptr);
    void setPlane(
        std::shared_ptr<const model::PlaneData> plane, const QString& rowLabel, const QString& colLabel);
    void clear(const QString& message);
    QCustomPlot* plot() const { return m_plot; }

private:
    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    QLabel* m_note;
};

} // namespace tscope::ui
