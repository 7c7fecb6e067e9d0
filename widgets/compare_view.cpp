#include "widgets/compare_view.h"

#include "io/element.h"
#include "model/items/diff_tree_model.h"
#include "widgets/heatmap_view.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>
#include <qcustomplot.h>

namespace tscope::ui {
namespace {

QString num(double v)
{
    return QString::fromStdString(io::formatDouble(v));
}

// Two series on one axis: A in the palette's highlight colour, B in a contrasting orange, both filled
// half-transparent so overlaps stay visible.
QCPGraph* addSeries(QCustomPlot* plot, const QColor& colour, const QString& name)
{
    QCPGraph* g = plot->addGraph();
    g->setName(name);
    g->setLineStyle(QCPGraph::lsStepLeft);
    g->setPen(QPen(colour, 1.5));
    QColor fill = colour;
    fill.setAlpha(70);
    g->setBrush(fill);
    return g;
}

void styleForPalette(QCustomPlot* plot, const QPalette& palette)
{
    const QColor fg = palette.color(QPalette::WindowText);
    plot->setBackground(palette.brush(QPalette::Base));
    for (QCPAxis* axis : { plot->xAxis, plot->yAxis }) {
        axis->setBasePen(QPen(fg));
        axis->setTickPen(QPen(fg));
        axis->setSubTickPen(QPen(fg));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
    }
    for (QCPAxis* axis : { plot->xAxis, plot->yAxis }) { // grid lines quiet on light and dark palettes
        axis->grid()->setPen(QPen(palette.color(QPalette::Mid), 0, Qt::DotLine));
        axis->grid()->setZeroLinePen(QPen(palette.color(QPalette::Mid), 0));
    }
    plot->legend->setBrush(palette.brush(QPalette::Base));
    plot->legend->setTextColor(fg);
    plot->legend->setBorderPen(QPen(palette.color(QPalette::Mid)));
}

} // namespace

CompareView::CompareView(QWidget* parent)
    : QWidget(parent)
{
    m_summary = new QLabel(this);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_changedOnly = new QCheckBox(tr("Changed only"), this);
    m_changedOnly->setToolTip(tr("Hide the variables whose bytes are identical"));
    m_hideOptimizer = new QCheckBox(tr("Hide optimizer state"), this);
    m_hideOptimizer->setToolTip(tr("Hide optimizer slots and optimizer variables"));
    m_rules = new QLineEdit(this);
    m_rules->setObjectName(QStringLiteral("mappingRules"));
    m_rules->setPlaceholderText(
        tr("Renamed scopes: REGEX=REPLACEMENT on A's keys, e.g. ^model/block1/=model/dense1/"));
    m_rules->setToolTip(
        tr("Rules tried after the object graph and the names, like `tensorscope-cli diff --map`; "
           "several separated by ';'. Press Enter to apply."));
    m_rules->setClearButtonEnabled(true);
    connect(m_rules, &QLineEdit::returnPressed, this, [this] { emit mappingRulesEntered(m_rules->text()); });

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("variableFilter"));
    m_filter->setPlaceholderText(tr("Filter variables by name"));
    m_filter->setToolTip(tr("Shows the variables whose key in A or B contains this text (any case)"));
    m_filter->setClearButtonEnabled(true);
    auto* filterPause = new QTimer(this); // typing pauses: one search per word, not per key
    filterPause->setSingleShot(true);
    filterPause->setInterval(150);
    connect(m_filter, &QLineEdit::textChanged, filterPause, qOverload<>(&QTimer::start));
    connect(
        filterPause, &QTimer::timeout, this, [this] { emit filterTextChanged(m_filter->text().trimmed()); });

    m_filterStatus = new QLabel(this);
    m_filterStatus->setObjectName(QStringLiteral("filterStatus"));
    m_filterStatus->hide();

    m_tree = new QTreeView(this);
    m_tree->setSortingEnabled(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_tree->header()->setStretchLastSection(true); // B's type takes what is left, no empty band

    m_pairTitle = new QLabel(tr("Select a variable to compare its values."), this);
    m_pairTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pairTitle->setWordWrap(true);
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("overlayHistogram"));
    m_plot->setMinimumHeight(160);
    m_plot->xAxis->setLabel(tr("value"));
    m_plot->yAxis->setLabel(tr("count"));
    m_plot->legend->setVisible(true);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    addSeries(m_plot, palette().color(QPalette::Highlight), tr("A"));
    addSeries(m_plot, QColor(0xe0, 0x8a, 0x2e), tr("B"));
    styleForPalette(m_plot, palette());

    m_diffPlot = new QCustomPlot(this);
    m_diffPlot->xAxis->setLabel(tr("b − a"));
    m_diffPlot->yAxis->setLabel(tr("count"));
    m_diffPlot->legend->setVisible(true);
    m_diffPlot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_diffPlot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_diffPlot->axisRect()->setRangeDrag(Qt::Horizontal);
    addSeries(m_diffPlot, QColor(0x59, 0xa1, 0x4f), tr("b − a"));
    m_diffPlot->setObjectName(QStringLiteral("diffHistogram"));
    styleForPalette(m_diffPlot, palette());

    m_heatmap = new HeatmapView(this);
    m_heatmap->setObjectName(QStringLiteral("diffHeatmap"));

    auto* grids = new QWidget(this);
    auto* gridsLayout = new QVBoxLayout(grids);
    m_gridNote = new QLabel(grids);
    m_gridNote->setWordWrap(true);
    gridsLayout->addWidget(m_gridNote);
    auto* gridRow = new QHBoxLayout;
    const QString gridNames[3] = { tr("a"), tr("b"), tr("b − a") };
    for (int i = 0; i < 3; ++i) {
        auto* column = new QVBoxLayout;
        column->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(gridNames[i]), grids));
        m_grids[i] = new QTableWidget(grids);
        m_grids[i]->setObjectName(
            QStringList { QStringLiteral("gridA"), QStringLiteral("gridB"), QStringLiteral("gridDiff") }[i]);
        m_grids[i]->setEditTriggers(QAbstractItemView::NoEditTriggers);
        m_grids[i]->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
        m_grids[i]->horizontalHeader()->setDefaultSectionSize(
            fontMetrics().horizontalAdvance(QStringLiteral("-0.0000000")) + 8);
        column->addWidget(m_grids[i], 1);
        gridRow->addLayout(column, 1);
    }
    gridsLayout->addLayout(gridRow, 1);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_plot, tr("&Histograms"));
    m_tabs->addTab(m_diffPlot, tr("Histogram of &b − a"));
    m_tabs->addTab(m_heatmap, tr("Heat&map of b − a"));
    m_tabs->addTab(grids, tr("&Values"));

    m_stats = new QTableWidget(0, 2, this);
    m_stats->setHorizontalHeaderLabels({ tr("A"), tr("B") });
    // Every digit of a statistic shows (GUI review: numbers are never elided): each column as wide as its
    // contents, at least a full-precision number wide so A and B usually match, scrolling when the pane is
    // narrower (scale 2).
    m_stats->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_stats->horizontalHeader()->setMinimumSectionSize(
        fontMetrics().horizontalAdvance(QStringLiteral("-0.00000000000000000")) + 12);
    m_stats->setTextElideMode(Qt::ElideNone);
    m_stats->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_stats->setMinimumWidth(260);
    m_stats->setObjectName(QStringLiteral("pairStats"));
    m_stats->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_metrics = new QLabel(this);
    m_metrics->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_metrics->setWordWrap(true);

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_filterStatus);
    filters->addSpacing(12);
    filters->addWidget(m_changedOnly);
    filters->addWidget(m_hideOptimizer);
    auto* rulesLabel = new QLabel(tr("Ma&p:"), this);
    rulesLabel->setBuddy(m_rules);
    filters->addSpacing(12);
    filters->addWidget(rulesLabel);
    filters->addWidget(m_rules, 1);
    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_summary);
    topLayout->addLayout(filters);
    topLayout->addWidget(m_tree, 1);

    auto* side = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_stats, 1);
    sideLayout->addWidget(m_metrics);
    auto* details = new QWidget(this);
    auto* detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addWidget(m_pairTitle);
    auto* row = new QHBoxLayout;
    row->addWidget(m_tabs, 3);
    row->addWidget(side, 2);
    detailsLayout->addLayout(row, 1);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);
}

void CompareView::setModel(QAbstractItemModel* model)
{
    m_tree->setModel(model);
    m_tree->sortByColumn(model::DiffTreeModel::Name, Qt::AscendingOrder);
    m_tree->header()->resizeSection(model::DiffTreeModel::Name, 320);
    m_tree->header()->resizeSection(model::DiffTreeModel::Status, 120);
    for (int c = model::DiffTreeModel::MaxAbs; c <= model::DiffTreeModel::FracChanged; ++c)
        m_tree->header()->resizeSection(c, 92);
    m_tree->header()->resizeSection(model::DiffTreeModel::TypeA, 150);
    m_tree->header()->resizeSection(model::DiffTreeModel::TypeB, 150);
    connect(
        m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &CompareView::onCurrentChanged);
}

bool CompareView::showDetailsTab(const QString& name)
{
    const QStringList names { QStringLiteral("histograms"), QStringLiteral("difference"),
        QStringLiteral("heatmap"), QStringLiteral("values") };
    const int i = static_cast<int>(names.indexOf(name));
    if (i < 0) return false;
    m_tabs->setCurrentIndex(i);
    return true;
}

void CompareView::setSummary(const QString& html)
{
    m_summary->setText(html);
}

void CompareView::fitColumnsToRows()
{
    // Bounded work: only the rows laid out (the window keeps expansion within a budget) are measured.
    // Never narrower than 320 while that fits in 2/5: deeper rows, expanded later, need their indentation.
    const int cap = std::max(m_tree->viewport()->width() * 2 / 5, 160);
    m_tree->resizeColumnToContents(model::DiffTreeModel::Name);
    m_tree->setColumnWidth(model::DiffTreeModel::Name,
        std::clamp(m_tree->columnWidth(model::DiffTreeModel::Name) + 16, std::min(320, cap), cap));
    m_tree->resizeColumnToContents(model::DiffTreeModel::Status);
}

void CompareView::setFilterStatus(const QString& text)
{
    m_filterStatus->setText(text);
    m_filterStatus->setVisible(!text.isEmpty());
}

QString CompareView::filterStatus() const
{
    return m_filterStatus->text();
}

void CompareView::onCurrentChanged()
{
    const int row = m_tree->currentIndex().siblingAtColumn(0).data(model::DiffTreeModel::RowRole).toInt();
    if (row >= 0) emit pairSelected(row);
}

void CompareView::setPairMessage(const QString& message)
{
    m_pairTitle->setText(message);
    m_plot->graph(0)->data()->clear();
    m_plot->graph(1)->data()->clear();
    m_plot->replot();
    m_stats->setRowCount(0);
    m_metrics->clear();
    showDifference(std::nullopt);
}

void CompareView::showDifference(const std::optional<model::PairDifference>& difference)
{
    QVector<double> x, y;
    double top = 0;
    if (difference) {
        const auto& h = difference->histogram;
        for (size_t i = 0; i < h.counts.size(); ++i) {
            x.push_back(h.edges[i]);
            y.push_back(static_cast<double>(h.counts[i]));
            top = std::max(top, y.back());
        }
        if (!h.counts.empty()) {
            x.push_back(h.edges.back());
            y.push_back(y.back());
            const double pad = (h.hi - h.lo) * 0.02;
            m_diffPlot->xAxis->setRange(h.lo - pad, h.hi + pad);
        }
    }
    m_diffPlot->graph(0)->setData(x, y, true);
    m_diffPlot->yAxis->setRange(0, top > 0 ? top * 1.08 : 1);
    m_diffPlot->replot();
    const auto allZero = [](const model::PlaneData& p) {
        return std::all_of(p.values.begin(), p.values.end(), [](double v) { return v == 0; });
    };
    if (difference && allZero(difference->heatmap)) {
        // A flat plane would show one end of the colour scale; say what it means instead.
        m_heatmap->clear(tr("b − a is 0 in every element: the values are equal."));
    } else if (difference) {
        const auto& g = difference->grid;
        m_heatmap->setPlane(std::make_shared<model::PlaneData>(difference->heatmap),
            tr("row (of %1)").arg(g.totalRows), tr("column (last dimension, %1)").arg(g.totalCols));
    } else {
        m_heatmap->clear(tr("b − a needs both sides with the same numeric dtype and shape."));
    }

    // Changed cells: the highlight colour at low alpha reads on light and dark palettes.
    QColor mark = palette().color(QPalette::Highlight);
    mark.setAlpha(90);
    for (int t = 0; t < 3; ++t) {
        QTableWidget* table = m_grids[t];
        table->clear();
        if (!difference) {
            table->setRowCount(0);
            table->setColumnCount(0);
            continue;
        }
        const auto& g = difference->grid;
        table->setRowCount(static_cast<int>(g.rows));
        table->setColumnCount(static_cast<int>(g.cols));
        const auto& cells = t == 0 ? g.a : t == 1 ? g.b : g.diff;
        for (int64_t r = 0; r < g.rows; ++r)
            for (int64_t c = 0; c < g.cols; ++c) {
                const auto i = static_cast<size_t>(r * g.cols + c);
                auto* item = new QTableWidgetItem(QString::fromStdString(cells[i]));
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                if (g.changed[i]) item->setBackground(mark);
                table->setItem(static_cast<int>(r), static_cast<int>(c), item);
            }
        // Indexes from 0, as in the note and everywhere else in Tensorscope.
        QStringList rowLabels, colLabels;
        for (int64_t r = 0; r < g.rows; ++r)
            rowLabels << QString::number(r);
        for (int64_t c = 0; c < g.cols; ++c)
            colLabels << QString::number(c);
        table->setVerticalHeaderLabels(rowLabels);
        table->setHorizontalHeaderLabels(colLabels);
        table->resizeColumnsToContents();
    }
    if (!difference) {
        m_gridNote->setText(tr("b − a needs both sides with the same numeric dtype and shape."));
        return;
    }
    const auto& g = difference->grid;
    m_gridNote->setText(
        tr("Rows 0–%1 of %2 and columns 0–%3 of %4 (the tensor seen as a matrix over its last "
           "dimension); highlighted cells differ in their bits.")
            .arg(g.rows - 1)
            .arg(g.totalRows)
            .arg(g.cols - 1)
            .arg(g.totalCols));
}

void CompareView::setPairDetails(const PairDetails& d)
{
    QString title
        = QStringLiteral("<b>A</b> %1").arg(d.keyA.isEmpty() ? tr("(absent)") : d.keyA.toHtmlEscaped());
    title
        += QStringLiteral("<br><b>B</b> %1").arg(d.keyB.isEmpty() ? tr("(absent)") : d.keyB.toHtmlEscaped());
    if (!d.note.isEmpty()) title += QStringLiteral("<br>") + d.note.toHtmlEscaped();
    m_pairTitle->setText(title);

    const model::HistogramData* hists[2] = { &d.histogramA, &d.histogramB };
    double top = 0, lo = 0, hi = 1;
    bool any = false;
    for (int s = 0; s < 2; ++s) {
        QVector<double> x, y;
        const auto& h = *hists[s];
        for (size_t i = 0; i < h.counts.size(); ++i) {
            x.push_back(h.edges[i]);
            y.push_back(static_cast<double>(h.counts[i]));
            top = std::max(top, y.back());
        }
        if (!h.counts.empty()) { // close the last step at the upper edge
            x.push_back(h.edges.back());
            y.push_back(y.back());
            lo = any ? std::min(lo, h.edges.front()) : h.edges.front();
            hi = any ? std::max(hi, h.edges.back()) : h.edges.back();
            any = true;
        }
        m_plot->graph(s)->setData(x, y, true);
    }
    const double pad = hi > lo ? (hi - lo) * 0.02 : 0.5; // keep the outer steps off the axis frame
    m_plot->xAxis->setRange(lo - pad, hi + pad);
    m_plot->yAxis->setRange(0, top > 0 ? top * 1.08 : 1);
    m_plot->replot();
    showDifference(d.difference);

    const std::optional<model::TensorStats>* stats[2] = { &d.statsA, &d.statsB };
    const QStringList names { tr("elements"), tr("min"), tr("max"), tr("mean"), tr("std"), tr("L2 norm"),
        tr("NaN"), tr("Inf") };
    m_stats->setRowCount(static_cast<int>(names.size()));
    m_stats->setVerticalHeaderLabels(names);
    for (int s = 0; s < 2; ++s) {
        const auto& st = *stats[s];
        const bool have = st && st->numeric && st->finite > 0;
        const QStringList values { st ? QString::number(st->count) : QString(),
            have ? num(st->min) : QString(), have ? num(st->max) : QString(),
            have ? num(st->mean) : QString(), have ? num(st->std) : QString(), have ? num(st->l2) : QString(),
            st ? QString::number(st->nans) : QString(), st ? QString::number(st->infs) : QString() };
        for (int r = 0; r < values.size(); ++r) {
            auto* item = new QTableWidgetItem(values[r]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_stats->setItem(r, s, item);
        }
    }

    if (d.metrics && d.metrics->numeric && d.metrics->maxAbsDiff) {
        const auto& m = *d.metrics;
        auto g6 = [](double v) { return QString::number(v, 'g', 6); }; // as in the tree
        auto opt = [&](const std::optional<double>& v) { return v ? g6(*v) : QStringLiteral("n/a"); };
        // Non-breaking spaces inside each "name value": a narrow pane wraps between metrics, not inside one.
        m_metrics->setText(
            tr("max&nbsp;|b−a|&nbsp;%1 · mean&nbsp;|b−a|&nbsp;%2 · RMS&nbsp;%3<br>"
               "‖b−a‖/‖a‖&nbsp;%4 · cosine&nbsp;%5 · changed&nbsp;%6&nbsp;of&nbsp;%7")
                .arg(g6(*m.maxAbsDiff), g6(*m.meanAbsDiff), g6(*m.rmsDiff), opt(m.relChange), opt(m.cosine))
                .arg(m.changed)
                .arg(m.count));
    } else if (d.metrics) {
        m_metrics->setText(tr("changed %1 of %2 elements").arg(d.metrics->changed).arg(d.metrics->count));
    } else {
        m_metrics->clear();
    }
}

} // namespace tscope::ui
