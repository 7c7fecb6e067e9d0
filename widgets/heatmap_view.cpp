#include "widgets/heatmap_view.h"

#include "widgets/histogram_plot.h"
#include "widgets/plot_export.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

namespace tscope::ui {

HeatmapView::HeatmapView(QWidget* parent)
    : QWidget(parent)
{
    m_plot = new QCustomPlot(this);
    // An explicit minimum: QCustomPlot's own hint is as wide as its title, and a long variable name then
    // widened the whole window past the screen (QT_SCALE_FACTOR=2). 120 px high keeps it on screen too.
    m_plot->setMinimumSize(240, 120);
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_map->setColorScale(m_scale);
    // Diverging blue-white-red: weights are signed and zero should look neutral.
    QCPColorGradient diverging;
    diverging.clearColorStops();
    diverging.setColorStopAt(0.0, QColor(33, 102, 172));
    diverging.setColorStopAt(0.25, QColor(103, 169, 207));
    diverging.setColorStopAt(0.5, QColor(247, 247, 247));
    diverging.setColorStopAt(0.75, QColor(239, 138, 98));
    diverging.setColorStopAt(1.0, QColor(178, 24, 43));
    diverging.setNanHandling(QCPColorGradient::nhNanColor);
    diverging.setNanColor(nonFiniteColor());
    m_map->setGradient(diverging);
    m_map->setInterpolate(false);
    m_plot->yAxis->setRangeReversed(true); // row 0 at the top, like the value grid
    for (QCPAxis* axis : { m_plot->xAxis, m_plot->yAxis }) { // indices: whole numbers only
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        axis->setTicker(ticker);
    }
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    auto* margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    const QColor fg = palette().color(QPalette::WindowText);
    m_plot->setBackground(palette().brush(QPalette::Base));
    for (QCPAxis* axis : { m_plot->xAxis, m_plot->yAxis, m_scale->axis() }) {
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
    m_note = new QLabel(this);
    m_note->setTextFormat(Qt::RichText);
    m_note->setWordWrap(true); // a long range and stride note must not widen the inspector
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_export = new QPushButton(tr("Export Image…"), this);
    m_export->setToolTip(tr("Save the heatmap with its title and colour scale as PNG, SVG or PDF"));
    connect(m_export, &QPushButton::clicked, this, &HeatmapView::exportRequested);
    m_state = new QLabel(this);
    m_state->setAlignment(Qt::AlignCenter);
    m_state->setWordWrap(true);
    m_state->setEnabled(false); // the palette's quiet text colour
    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_state);
    m_pages->addWidget(m_plot);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_note, 1);
    bar->addWidget(m_export);
    layout->addLayout(bar);
    layout->addWidget(m_pages, 1);
    clear(tr("Select a variable with at least one dimension"));
}

void HeatmapView::fitTickCounts()
{
    // About one tick label per three lines of height (per eight digits of width): a short plot at
    // QT_SCALE_FACTOR=2 otherwise stacked its row numbers and colour-scale labels on top of each other.
    const QFontMetrics fm(m_plot->yAxis->tickLabelFont());
    const int high = std::max(2, m_plot->height() / (3 * fm.height()));
    const int wide = std::max(2, m_plot->width() / (8 * fm.averageCharWidth()));
    auto setCount = [](QCPAxis* axis, int count) {
        if (axis->ticker()->tickCount() == count) return;
        axis->ticker()->setTickCount(count);
    };
    setCount(m_plot->xAxis, std::min(5, wide));
    setCount(m_plot->yAxis, std::min(5, high));
    setCount(m_scale->axis(), std::min(5, high));
}

QColor HeatmapView::nonFiniteColor()
{
    return QColor(90, 90, 90); // mid grey: reads on light and dark bases, not on the diverging scale
}

QString HeatmapView::strideText(int64_t rowStep, int64_t colStep)
{
    if (rowStep <= 1 && colStep <= 1) return {};
    auto every = [](int64_t n, const QString& what) {
        if (n <= 1) return tr("every %1").arg(what);
        const int64_t h = n % 100, t = n % 10;
        const char* suffix = h >= 11 && h <= 13 ? "th" : t == 1 ? "st" : t == 2 ? "nd" : t == 3 ? "rd" : "th";
        return tr("every %1%2 %3").arg(n).arg(QLatin1String(suffix), what);
    };
    return tr("downsampled: %1, %2").arg(every(rowStep, tr("row")), every(colStep, tr("column")));
}

void HeatmapView::setTitle(const QString& variable, const QString& slice)
{
    m_titleText
        = plotTitle(tr("Heatmap of"), slice.isEmpty() ? variable : variable + QLatin1Char(' ') + slice);
    showTitleIfRoom(m_plot, m_title, m_titleText);
}

QString HeatmapView::title() const
{
    return m_titleText;
}

bool HeatmapView::saveImage(const QString& fileName)
{
    if (m_pages->currentWidget() != m_plot) return false; // a state message, not a plot
    return savePlotWithTitle(m_plot, m_title, fileName, m_titleText);
}

QString HeatmapView::stateMessage() const
{
    return m_pages->currentWidget() == m_state ? m_state->text() : QString();
}

QString HeatmapView::noteText() const
{
    return m_note->text();
}

void HeatmapView::showState(const QString& message)
{
    m_state->setText(message);
    m_pages->setCurrentWidget(m_state);
}

void HeatmapView::setBusy(const QString& message)
{
    clear(message);
    m_busy = true;
}

void HeatmapView::clear(const QString& message)
{
    m_busy = false;
    m_map->data()->clear();
    m_map->setVisible(false);
    m_note->clear();
    m_export->setEnabled(false);
    showState(message);
}

void HeatmapView::setPlane(
    std::shared_ptr<const model::PlaneData> plane, const QString& rowLabel, const QString& colLabel)
{
    if (!plane || plane->values.empty()) {
        clear(tr("Nothing to draw: no numeric values in this slice"));
        return;
    }
    const auto& p = *plane;
    size_t nonFinite = 0;
    for (double v : p.values)
        nonFinite += !std::isfinite(v);
    if (nonFinite == p.values.size()) {
        // A downsampled plane looked at only some of the slice's values: say which ones were all NaN/Inf.
        const QString count = QLocale().toString(static_cast<qulonglong>(nonFinite));
        clear(p.rowStep > 1 || p.colStep > 1
                ? tr("Nothing to draw: all %1 sampled values of this slice are NaN or infinite").arg(count)
                : tr("Nothing to draw: all %1 values of this slice are NaN or infinite").arg(count));
        return;
    }
    m_busy = false;
    m_pages->setCurrentWidget(m_plot);
    m_export->setEnabled(true);
    m_map->setVisible(true);
    m_map->data()->setSize(static_cast<int>(p.cols), static_cast<int>(p.rows));
    m_map->data()->setRange(QCPRange(0, static_cast<double>((p.cols - 1) * p.colStep)),
        QCPRange(0, static_cast<double>((p.rows - 1) * p.rowStep)));
    for (int64_t r = 0; r < p.rows; ++r)
        for (int64_t c = 0; c < p.cols; ++c) {
            double v = p.values[static_cast<size_t>(r * p.cols + c)];
            m_map->data()->setCell(
                static_cast<int>(c), static_cast<int>(r), std::isfinite(v) ? v : std::nan(""));
        }
    // Symmetric range around zero for signed data keeps white at 0.
    double lo = p.min, hi = p.max;
    if (lo < 0 && hi > 0) {
        double m = std::max(-lo, hi);
        lo = -m;
        hi = m;
    }
    if (!(hi > lo)) hi = lo + 1;
    m_map->setDataRange(QCPRange(lo, hi));
    m_plot->xAxis->setLabel(colLabel);
    m_plot->yAxis->setLabel(rowLabel);
    m_plot->rescaleAxes();
    const double hx = p.colStep / 2.0, hy = p.rowStep / 2.0;
    m_plot->xAxis->setRange(-hx, static_cast<double>((p.cols - 1) * p.colStep) + hx);
    m_plot->yAxis->setRange(-hy, static_cast<double>((p.rows - 1) * p.rowStep) + hy);
    QString note = tr("min %1, max %2").arg(p.min, 0, 'g', 6).arg(p.max, 0, 'g', 6);
    if (const QString stride = strideText(p.rowStep, p.colStep); !stride.isEmpty())
        note += QStringLiteral(" — ") + stride;
    note = note.toHtmlEscaped();
    if (nonFinite > 0) // the legend entry of the colour no scale shows
        note += tr(" &nbsp; <span style='color:%1'>■</span> NaN/Inf (%2 cells)")
                    .arg(nonFiniteColor().name())
                    .arg(nonFinite);
    m_note->setText(note);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool HeatmapView::eventFilter(QObject* watched, QEvent* event)
{
    // The plot's own resize (it is sized only while it is the shown page): its new height is set.
    if (watched == m_plot && event->type() == QEvent::Resize) {
        showTitleIfRoom(m_plot, m_title, m_titleText);
        fitTickCounts();
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace tscope::ui
