// Weight histogram drawn with QCustomPlot: bars over the finite values, linear or log counts, axis
// labels, and a note for NaN/Inf (counted, never plotted). Receives binned data only.
#pragma once

#include "model/kernels/histogram.h"

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPTextElement;
class QCheckBox;
class QLabel;
class QPushButton;
class QStackedWidget;
class QSpinBox;

namespace tscope::ui {

// "Histogram of dense/kernel"; a name over 40 characters on a second line ("" for no name).
QString plotTitle(const QString& what, const QString& name);

class HistogramPlot : public QWidget {
    Q_OBJECT
public:
    explicit HistogramPlot(QWidget* parent = nullptr);

    void setHistogram(const model::HistogramData& data, const QString& title = {});
    void setBusy(const QString& message); // placeholder while computing
    void clear(const QString& message = {});

    int bins() const; // 0 = auto
    void setBins(int bins);
    bool logScale() const;
    QCustomPlot* plot() const { return m_plot; }
    // What is shown instead of the plot (computing, no values...); "" while bars are drawn.
    QString stateMessage() const;
    void setTitle(const QString& title); // the variable's name, drawn above the plot and exported
    // Saves the plot with its title as PNG, SVG or PDF (by extension); false if there is no plot.
    bool saveImage(const QString& fileName);
    QString title() const; // "Histogram of dense/kernel", "" before a variable is shown

    QPushButton* exportButton() const { return m_export; }

signals:
    void binsChanged(int bins);
    void exportRequested(); // the "Export Image…" button: the window asks for a file name

protected:
    bool eventFilter(QObject* watched, QEvent* event) override; // the plot's resizes: title or not

private:
    void replot();
    void showState(const QString& message);
    QLabel* m_state;
    QStackedWidget* m_pages;
    QCPTextElement* m_title;
    QString m_titleText; // drawn only when there is room (showTitleIfRoom), always exported
    QCustomPlot* m_plot;
    QCPBars* m_bars;
    QSpinBox* m_bins;
    QCheckBox* m_log;
    QLabel* m_note;
    QPushButton* m_export;
    model::HistogramData m_data;
};

} // namespace tscope::ui
