#include "widgets/histogram_plot.h"

#include "widgets/plot_export.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

namespace tscope::ui {

HistogramPlot::HistogramPlot(QWidget* parent)
    : QWidget(parent)
{
    m_plot = new QCustomPlot(this);
    // An explicit minimum: QCustomPlot's own hint is as wide as its title, and a long variable name then
    // widened the whole window past the screen (QT_SCALE_FACTOR=2). 120 px high keeps it on screen too.
    m_plot->setMinimumSize(240, 120);
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

    m_title = new QCPTextElement(m_plot, QString(), QFont(font().family(), font().pointSize(), QFont::Bold));
    m_title->setTextColor(fg);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_title);
    m_plot->installEventFilter(this); // only now: the filter uses m_title

    m_bins = new QSpinBox(this);
    m_bins->setRange(0, 1000);
    m_bins->setValue(0);
    m_bins->setPrefix(tr("Bins: "));
    m_bins->setSpecialValueText(tr("Bins: auto"));
    m_bins->setToolTip(tr("Number of histogram bins; 'auto' chooses from the data (Scott's rule; whole "
                          "numbers for integer tensors)"));
    m_bins->setKeyboardTracking(false);
    m_log = new QCheckBox(tr("Log counts"), this);
    m_log->setToolTip(tr("Logarithmic count axis: shows rare values next to the bulk"));
    m_note = new QLabel(this);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_export = new QPushButton(tr("Export Image…"), this);
    m_export->setToolTip(tr("Save the histogram with its title as PNG, SVG or PDF"));
    connect(m_export, &QPushButton::clicked, this, &HistogramPlot::exportRequested);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_bins);
    controls->addWidget(m_log);
    controls->addStretch();
    controls->addWidget(m_note);
    controls->addWidget(m_export);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_state = new QLabel(this);
    m_state->setAlignment(Qt::AlignCenter);
    m_state->setWordWrap(true);
    m_state->setEnabled(false); // the palette's quiet text colour
    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_state);
    m_pages->addWidget(m_plot);
    layout->addLayout(controls);
    layout->addWidget(m_pages, 1);

    connect(m_bins, &QSpinBox::valueChanged, this, &HistogramPlot::binsChanged);
    connect(m_log, &QCheckBox::toggled, this, [this] { replot(); });
    clear(tr("Select a variable to see its histogram"));
}

int HistogramPlot::bins() const
{
    return m_bins->value();
}
void HistogramPlot::setBins(int bins)
{
    m_bins->setValue(bins);
}

bool HistogramPlot::logScale() const
{
    return m_log->isChecked();
}

void HistogramPlot::showState(const QString& message)
{
    m_state->setText(message);
    m_pages->setCurrentWidget(m_state);
    m_export->setEnabled(false);
}

QString HistogramPlot::title() const
{
    return m_titleText;
}

QString HistogramPlot::stateMessage() const
{
    return m_pages->currentWidget() == m_state ? m_state->text() : QString();
}

QString plotTitle(const QString& what, const QString& name)
{
    if (name.isEmpty()) return {};
    // A long name goes on a line of its own: the plot keeps a narrow minimum width (see the constructor).
    return what + (name.size() > 40 ? QLatin1Char('\n') : QLatin1Char(' ')) + name;
}

void HistogramPlot::setTitle(const QString& title)
{
    m_titleText = plotTitle(tr("Histogram of"), title);
    showTitleIfRoom(m_plot, m_title, m_titleText);
}

void HistogramPlot::clear(const QString& message)
{
    m_data = {};
    m_bars->data()->clear();
    m_note->clear();
    showState(message.isEmpty() ? tr("No histogram") : message);
}

void HistogramPlot::setBusy(const QString& message)
{
    showState(message);
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
    uint64_t plotted = 0;
    for (auto c : hist.counts)
        plotted += c;
    if (hist.empty() || plotted == 0) {
        // Nothing finite: say so instead of drawing empty 0..1 axes.
        m_note->clear();
        const QLocale locale;
        showState(hist.nans || hist.infs
                ? tr("Nothing to plot: all %1 values are NaN or infinite (%2 NaN, %3 Inf)")
                      .arg(locale.toString(static_cast<qulonglong>(hist.total)),
                          locale.toString(static_cast<qulonglong>(hist.nans)),
                          locale.toString(static_cast<qulonglong>(hist.infs)))
                : tr("Nothing to plot: no numeric values"));
        return;
    }
    notes.prepend(tr("%n bin(s)", nullptr, static_cast<int>(hist.counts.size())));
    m_note->setText(notes.join(QStringLiteral(", ")));
    m_pages->setCurrentWidget(m_plot);
    m_export->setEnabled(true);
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
    if (m_pages->currentWidget() != m_plot) return false; // a state message, not a plot
    return savePlotWithTitle(m_plot, m_title, fileName, m_titleText);
}

bool HistogramPlot::eventFilter(QObject* watched, QEvent* event)
{
    // The plot's own resize (it is sized only while it is the shown page): its new height is set.
    if (watched == m_plot && event->type() == QEvent::Resize) showTitleIfRoom(m_plot, m_title, m_titleText);
    return QWidget::eventFilter(watched, event);
}

} // namespace tscope::ui
