#include "widgets/run_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

namespace tscope::ui {
namespace {

// Distinct line colours that read on light and dark backgrounds (Tableau 10).
QColor lineColor(int i)
{
    static const QColor colors[] = { QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b),
        QColor(0xe1, 0x57, 0x59), QColor(0x76, 0xb7, 0xb2), QColor(0x59, 0xa1, 0x4f),
        QColor(0xed, 0xc9, 0x48), QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7),
        QColor(0x9c, 0x75, 0x5f), QColor(0xba, 0xb0, 0xac) };
    return colors[i % 10];
}

// Plot colours from the widget palette, so --dark gives a dark plot.
void stylePlot(QCustomPlot* plot)
{
    const QPalette pal = plot->palette();
    plot->setBackground(pal.color(QPalette::Base));
    for (QCPAxis* axis : { plot->xAxis, plot->yAxis }) {
        axis->setBasePen(QPen(pal.color(QPalette::Text)));
        axis->setTickPen(QPen(pal.color(QPalette::Text)));
        axis->setSubTickPen(QPen(pal.color(QPalette::Text)));
        axis->setTickLabelColor(pal.color(QPalette::Text));
        axis->setLabelColor(pal.color(QPalette::Text));
        axis->grid()->setPen(QPen(pal.color(QPalette::Mid), 0, Qt::DotLine));
    }
    QColor legendBack = pal.color(QPalette::Base);
    legendBack.setAlpha(200); // lines behind the legend stay visible
    plot->legend->setBrush(legendBack);
    plot->legend->setTextColor(pal.color(QPalette::Text));
    plot->legend->setBorderPen(QPen(pal.color(QPalette::Mid)));
    plot->legend->setVisible(true);
    // The legend under the axes: inside it would hide the first steps' points, and beside them long
    // variable paths squeeze the plot to a sliver in a narrow window or at scale 2.
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->plotLayout()->addElement(1, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(1, 0.001);
    plot->legend->setMargins(QMargins(6, 2, 6, 2));
}

double metricValue(const model::SeriesPoint& p, RunView::Metric m)
{
    switch (m) {
    case RunView::Metric::L2:
        return p.stats.l2;
    case RunView::Metric::Mean:
        return p.stats.mean;
    case RunView::Metric::Std:
        return p.stats.std;
    case RunView::Metric::MaxAbs:
        return std::max(std::abs(p.stats.min), std::abs(p.stats.max));
    case RunView::Metric::All:
        break;
    }
    return 0;
}

QString metricName(RunView::Metric m)
{
    switch (m) {
    case RunView::Metric::L2:
        return RunView::tr("L2 norm");
    case RunView::Metric::Mean:
        return RunView::tr("mean");
    case RunView::Metric::Std:
        return RunView::tr("std");
    case RunView::Metric::MaxAbs:
        return RunView::tr("max |value|");
    case RunView::Metric::All:
        break;
    }
    return {};
}

// What a person reads: TF2 keys without their "/.ATTRIBUTES/VARIABLE_VALUE" tail (the full key stays in
// the item's data and the tooltip).
QString shortName(const QString& key)
{
    static const QString tail = QStringLiteral("/.ATTRIBUTES/VARIABLE_VALUE");
    return key.endsWith(tail) ? key.left(key.size() - tail.size()) : key;
}

bool usable(const model::SeriesPoint& p)
{
    return p.present && p.error.isOk() && p.stats.numeric && p.stats.finite > 0;
}

} // namespace

RunView::RunView(QWidget* parent)
    : QWidget(parent)
    , m_runs(new QComboBox(this))
    , m_runsLabel(new QLabel(tr("&Run:"), this))
    , m_steps(new QTableView(this))
    , m_compare(new QPushButton(tr("&Compare Selected Steps"), this))
    , m_filter(new QLineEdit(this))
    , m_variables(new QListWidget(this))
    , m_metric(new QComboBox(this))
    , m_message(new QLabel(this))
    , m_metricPlot(new QCustomPlot(this))
    , m_ratioPlot(new QCustomPlot(this))
{
    m_steps->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_steps->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_steps->verticalHeader()->hide();
    m_steps->horizontalHeader()->setStretchLastSection(true);
    m_steps->setToolTip(tr("Select two steps and press Compare to open them side by side"));
    m_compare->setEnabled(false);
    m_filter->setPlaceholderText(tr("Filter variables"));
    m_filter->setClearButtonEnabled(true);
    m_variables->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_metric->addItem(tr("L2 norm"), static_cast<int>(Metric::L2));
    m_metric->addItem(tr("Mean"), static_cast<int>(Metric::Mean));
    m_metric->addItem(tr("Std"), static_cast<int>(Metric::Std));
    m_metric->addItem(tr("Max |value|"), static_cast<int>(Metric::MaxAbs));
    m_metric->addItem(tr("All four (first variable)"), static_cast<int>(Metric::All));
    m_message->setWordWrap(true);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    // Two Savers writing into one directory give two runs; the chooser switches between them.
    auto* runRow = new QHBoxLayout;
    m_runsLabel->setBuddy(m_runs);
    m_runs->setToolTip(tr("This directory holds several runs (checkpoint prefixes); pick the one to show"));
    runRow->addWidget(m_runsLabel);
    runRow->addWidget(m_runs, 1);
    leftLayout->addLayout(runRow);
    m_runs->hide();
    m_runsLabel->hide();
    auto* stepsLabel = new QLabel(tr("&Steps"), left);
    stepsLabel->setBuddy(m_steps);
    leftLayout->addWidget(stepsLabel);
    leftLayout->addWidget(m_steps, 2);
    leftLayout->addWidget(m_compare);
    auto* varsLabel = new QLabel(tr("&Variables"), left);
    varsLabel->setBuddy(m_variables);
    leftLayout->addWidget(varsLabel);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_variables, 3);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    auto* metricLabel = new QLabel(tr("&Metric:"), right);
    metricLabel->setBuddy(m_metric);
    bar->addWidget(metricLabel);
    bar->addWidget(m_metric);
    bar->addWidget(m_message, 1);
    rightLayout->addLayout(bar);
    rightLayout->addWidget(m_metricPlot, 1);
    rightLayout->addWidget(m_ratioPlot, 1);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({ 380, 900 });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    for (QCustomPlot* plot : { m_metricPlot, m_ratioPlot }) {
        stylePlot(plot);
        plot->xAxis->setLabel(tr("step"));
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create(); // steps are whole numbers
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        plot->xAxis->setTicker(ticker);
        plot->setMinimumHeight(160);
        plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    }
    // Short enough for a plot 160 px high at scale 2 (the longer "update ratio ‖Δw‖/‖w‖" was clipped); the
    // tooltip says what it is.
    m_ratioPlot->yAxis->setLabel(tr("‖Δw‖/‖w‖"));
    m_ratioPlot->setToolTip(tr("Update ratio ‖Δw‖/‖w‖ from the previous step (log scale): near zero, a "
                               "layer stopped learning; large, it is blowing up"));
    m_ratioPlot->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_ratioPlot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        for (int i = 0; i < m_variables->count(); ++i)
            m_variables->item(i)->setHidden(
                !m_variables->item(i)->data(Qt::UserRole).toString().contains(text, Qt::CaseInsensitive));
    });
    connect(m_variables, &QListWidget::itemSelectionChanged, this,
        [this] { emit variablesSelected(selectedVariables()); });
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] { replot(); });
    connect(m_runs, &QComboBox::activated, this, [this](int i) { emit runChosen(m_runs->itemText(i)); });
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const auto rows = m_steps->selectionModel()->selectedRows();
        if (rows.size() != 2) return;
        const int a = std::min(rows[0].row(), rows[1].row()), b = std::max(rows[0].row(), rows[1].row());
        emit compareRequested(a, b);
    });
    replot();
}

void RunView::setStepModel(QAbstractItemModel* model)
{
    m_steps->setModel(model);
    m_steps->resizeColumnsToContents();
    connect(m_steps->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &RunView::updateCompareButton);
    connect(
        model, &QAbstractItemModel::rowsInserted, m_steps, [this] { m_steps->resizeColumnsToContents(); });
}

void RunView::setRuns(const QStringList& names, const QString& current)
{
    QSignalBlocker block(m_runs);
    m_runs->clear();
    m_runs->addItems(names);
    m_runs->setCurrentIndex(static_cast<int>(names.indexOf(current)));
    m_runs->setVisible(names.size() > 1);
    m_runsLabel->setVisible(names.size() > 1);
}

void RunView::updateCompareButton()
{
    m_compare->setEnabled(m_steps->selectionModel()->selectedRows().size() == 2);
}

void RunView::setVariables(const QStringList& keys)
{
    const QStringList selected = selectedVariables();
    QSignalBlocker block(m_variables);
    m_variables->clear();
    for (const QString& key : keys) {
        auto* item = new QListWidgetItem(shortName(key), m_variables);
        item->setData(Qt::UserRole, key);
        item->setToolTip(key);
        item->setSelected(selected.contains(key));
        item->setHidden(!m_filter->text().isEmpty() && !key.contains(m_filter->text(), Qt::CaseInsensitive));
    }
}

void RunView::selectVariables(const QStringList& keys)
{
    {
        QSignalBlocker block(m_variables);
        for (int i = 0; i < m_variables->count(); ++i)
            m_variables->item(i)->setSelected(
                keys.contains(m_variables->item(i)->data(Qt::UserRole).toString()));
    }
    emit variablesSelected(selectedVariables());
}

QStringList RunView::selectedVariables() const
{
    QStringList out;
    for (int i = 0; i < m_variables->count(); ++i)
        if (m_variables->item(i)->isSelected()) out << m_variables->item(i)->data(Qt::UserRole).toString();
    return out;
}

void RunView::setSeries(const std::vector<double>& steps, const std::vector<model::VariableSeries>& series)
{
    m_x = steps;
    m_series = series;
    replot();
}

void RunView::setMessage(const QString& message)
{
    m_message->setText(message);
}

void RunView::setMetric(Metric metric)
{
    m_metric->setCurrentIndex(m_metric->findData(static_cast<int>(metric)));
}

void RunView::replot()
{
    const auto metric = static_cast<Metric>(m_metric->currentData().toInt());
    m_metricPlot->clearGraphs();
    m_ratioPlot->clearGraphs();
    const auto addLine = [](QCustomPlot* plot, const QString& name, int colour, const QVector<double>& x,
                             const QVector<double>& y) {
        QCPGraph* g = plot->addGraph();
        g->setName(name);
        g->setPen(QPen(lineColor(colour), 1.6));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        g->setData(x, y, true);
    };
    if (metric == Metric::All && !m_series.empty()) {
        // Four metrics of one variable share one axis: their scales are alike (all in weight units).
        const auto& s = m_series.front();
        int colour = 0;
        for (Metric m : { Metric::L2, Metric::Mean, Metric::Std, Metric::MaxAbs }) {
            QVector<double> x, y;
            for (size_t i = 0; i < s.points.size() && i < m_x.size(); ++i)
                if (usable(s.points[i])) x << m_x[i], y << metricValue(s.points[i], m);
            addLine(m_metricPlot, metricName(m), colour++, x, y);
        }
        m_metricPlot->yAxis->setLabel(shortName(QString::fromStdString(s.key)));
    } else {
        int colour = 0;
        for (const auto& s : m_series) {
            QVector<double> x, y;
            for (size_t i = 0; i < s.points.size() && i < m_x.size(); ++i)
                if (usable(s.points[i])) x << m_x[i], y << metricValue(s.points[i], metric);
            addLine(m_metricPlot, shortName(QString::fromStdString(s.key)), colour++, x, y);
        }
        m_metricPlot->yAxis->setLabel(metricName(metric == Metric::All ? Metric::L2 : metric));
    }
    int colour = 0;
    bool anyRatio = false;
    for (const auto& s : m_series) {
        QVector<double> x, y;
        // A zero ratio (a frozen layer) has no place on a log axis; it is left out, not bent to a value.
        for (size_t i = 0; i < s.points.size() && i < m_x.size(); ++i)
            if (s.points[i].relChange && *s.points[i].relChange > 0) x << m_x[i], y << *s.points[i].relChange;
        anyRatio = anyRatio || !x.isEmpty();
        addLine(m_ratioPlot, shortName(QString::fromStdString(s.key)), colour++, x, y);
    }
    for (QCustomPlot* plot : { m_metricPlot, m_ratioPlot }) {
        plot->legend->setVisible(plot->graphCount() > 0);
        plot->rescaleAxes();
        // Some room around single points and flat lines.
        // Both plots span the steps (rescaling would keep the old width around a single step, showing
        // negative steps, and leave the ratio plot on a made-up range before the second step).
        if (!m_x.empty()) {
            const auto [lo, hi] = std::minmax_element(m_x.begin(), m_x.end());
            const double pad = *hi > *lo ? (*hi - *lo) * 0.03 : 0.5;
            plot->xAxis->setRange(*lo - pad, *hi + pad);
        }
        if (plot == m_metricPlot) {
            QCPRange yr = plot->yAxis->range();
            const double pad = yr.size() > 0 ? yr.size() * 0.08 : std::max(1e-6, std::abs(yr.lower) * 0.05);
            plot->yAxis->setRange(yr.lower - pad, yr.upper + pad);
        } else if (anyRatio) {
            QCPRange yr = plot->yAxis->range();
            plot->yAxis->setRange(yr.lower / 2, yr.upper * 2);
        } else {
            plot->yAxis->setRange(1e-4, 1);
        }
        plot->replot();
    }
}

} // namespace tscope::ui
