// Weight histogram drawn with QCustomPlot: bars over the finite values, linear or log counts, axis
// labels, and a note for NaN/Inf (counted, never plotted). Receives binned data only.
#pragma once

#include "model/kernels/histogram.h"

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCheckBox;
class QLabel;
class QSpinBox;

namespace tscope::ui {

class HistogramPlot : public QWidget {
    Q_OBJECT
public:
    explicit HistogramPlot(QWidget* parent = nullptr);

    void setHistogram(const model::HistogramData& data, const QString& title = {});
    void setBusy(const QString& message); // placeholder while computing
    void clear(const QString& message = {});

    int bins() const;
    bool logScale() const;
    QCustomPlot* plot() const { return m_plot; }
    // Saves the plot as PNG or SVG (by extension... SVG needs QtSvg; PDF is the vector fallback).
    bool saveImage(const QString& fileName);

signals:
    void binsChanged(int bins);

private:
    void replot();
    QCustomPlot* m_plot;
    QCPBars* m_bars;
    QSpinBox* m_bins;
    QCheckBox* m_log;
    QLabel* m_note;
    model::HistogramData m_data;
};

} // namespace tscope::ui
