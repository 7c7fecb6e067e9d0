#include "widgets/histogram_plot.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

namespace tscope::ui {

HistogramPlot::HistogramPlot(QWidget* parent)
    : QWidget(parent)
{
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(180);
    m_bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    m_bars->setWidthType(QCPBars::wtPlotCoords);
    m_bars->setPen(QPen(palette().color(QPalette::Highlight).darker(130)));
    m_bars->setBrush(palette().color(QPalette::Highlight));
    m_plot->xAxis->setLabel(tr("value"));
    m_plot->yAxis->setLabel(tr("count"));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    // Follow the palette so the plot looks right in dark themes too.
    const QColor fg = palette().color(QPalette::WindowText);
    m_plot->setBackground(palette().brush(QPalette::Base));
    for (QCPAxis* axis : { m_plot->xAxis, m_plot->yAxis }) {
        axis->setBasePen(QPen(fg));
        axis->setTickPen(QPen(fg));
        axis->setSubTickPen(QPen(fg));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
    }

    m_bins = new QSpinBox(this);
    m_bins->setRange(2, 1000);
    m_bins->setValue(64);
    m_bins->setPrefix(tr("Bins: "));
    m_bins->setToolTip(tr("Number of histogram bins"));
    m_bins->setKeyboardTracking(false);
    m_log = new QCheckBox(tr("Log counts"), this);
    m_log->setToolTip(tr("Logarithmic count axis: shows rare values next to the bulk"));
    m_note = new QLabel(this);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_bins);
    controls->addWidget(m_log);
    controls->addStretch();
    controls->addWidget(m_note);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_plot, 1);

    connect(m_bins, &QSpinBox::valueChanged, this, &HistogramPlot::binsChanged);
    connect(m_log, &QCheckBox::toggled, this, [this] { replot(); });
    clear(tr("Select a variable to see its histogram"));
}

int HistogramPlot::bins() const
{
    return m_bins->value();
}
bool HistogramPlot::logScale() const
{
    return m_log->isChecked();
}

void HistogramPlot::clear(const QString& message)
{
    m_data = {};
    m_bars->data()->clear();
    m_note->setText(message);
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HistogramPlot::setBusy(const QString& message)
{
    m_note->setText(message);
}

void HistogramPlot::setHistogram(const model::HistogramData& histogram, const QString& title)
{
    const auto& hist = histogram;
    m_data = histogram;
    m_plot->xAxis->setLabel(title.isEmpty() ? tr("value") : title);
    QStringList notes;
    if (hist.nans)
        notes << tr(
            "%n NaN not plotted", nullptr, static_cast<int>(std::min<uint64_t>(hist.nans, INT32_MAX)));
    if (hist.infs)
        notes << tr(
            "%n Inf not plotted", nullptr, static_cast<int>(std::min<uint64_t>(hist.infs, INT32_MAX)));
    if (hist.empty()) notes << tr("no numeric values");
    m_note->setText(notes.join(QStringLiteral(", ")));
    replot();
}

void HistogramPlot::replot()
{
    if (m_data.empty()) {
        m_bars->data()->clear();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const bool log = m_log->isChecked();
    QVector<double> keys, values;
    double maxCount = 0;
    for (size_t i = 0; i < m_data.counts.size(); ++i) {
        keys << (m_data.edges[i] + m_data.edges[i + 1]) / 2;
        const double c = static_cast<double>(m_data.counts[i]);
        values << (log ? (c > 0 ? c : std::nan("")) : c);
        maxCount = std::max(maxCount, c);
    }
    m_bars->setWidth(m_data.edges[1] - m_data.edges[0]);
    m_bars->setData(keys, values, true);
    if (log) {
        m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        m_plot->yAxis->setRange(0.8, std::max(10.0, maxCount * 2));
        m_plot->yAxis->setLabel(tr("count (log)"));
    } else {
        m_plot->yAxis->setScaleType(QCPAxis::stLinear);
        // Counts are integers: ticks at whole multiples only.
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        m_plot->yAxis->setTicker(ticker);
        m_plot->yAxis->setRange(0, std::max(1.0, maxCount * 1.05));
        m_plot->yAxis->setLabel(tr("count"));
    }
    const double pad = (m_data.edges.back() - m_data.edges.front()) * 0.02;
    m_plot->xAxis->setRange(m_data.edges.front() - pad, m_data.edges.back() + pad);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool HistogramPlot::saveImage(const QString& fileName)
{
    if (fileName.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)) return m_plot->savePdf(fileName);
    return m_plot->savePng(fileName, 0, 0, 2.0);
}

} // namespace tscope::ui
