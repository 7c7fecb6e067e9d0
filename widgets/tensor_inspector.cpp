#include "widgets/tensor_inspector.h"

#include "io/dtype.h"
#include "io/element.h"
#include "model/items/value_table_model.h"
#include "model/items/variable_tree_model.h"
#include "model/session/artifact_session.h"
#include "widgets/heatmap_view.h"
#include "widgets/histogram_plot.h"
#include "widgets/message_bar.h"
#include "widgets/slice_selector.h"

#include <QHeaderView>
#include <QLabel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace tscope::ui {

namespace {
// Seven significant digits: float32 precision, readable at a glance (the CLI prints full precision).
QString num(double v)
{
    return QString::number(v, 'g', 7);
}
} // namespace

TensorInspector::TensorInspector(model::InspectionController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
{
    m_title = new QLabel(this);
    QFont tf = m_title->font();
    tf.setPointSizeF(tf.pointSizeF() * 1.2);
    tf.setBold(true);
    m_title->setFont(tf);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);
    m_details = new QLabel(this);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setWordWrap(true);
    m_stats = new QLabel(this);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message = new MessageBar(this);

    m_histogram = new HistogramPlot(this);
    m_values = new model::ValueTableModel(this);
    m_valueView = new QTableView(this);
    m_valueView->setModel(m_values);
    m_valueView->horizontalHeader()->setDefaultSectionSize(96);
    m_valueView->verticalHeader()->setDefaultSectionSize(m_valueView->fontMetrics().height() + 6);
    m_valueView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_valueView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_valueSlice = new SliceSelector(this);
    auto* valuesPage = new QWidget(this);
    auto* vl = new QVBoxLayout(valuesPage);
    vl->addWidget(m_valueSlice);
    vl->addWidget(m_valueView, 1);

    m_heatSlice = new SliceSelector(this);
    m_heatmap = new HeatmapView(this);
    auto* heatPage = new QWidget(this);
    auto* hl = new QVBoxLayout(heatPage);
    hl->addWidget(m_heatSlice);
    hl->addWidget(m_heatmap, 1);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_histogram, tr("&Histogram"));
    m_tabs->addTab(valuesPage, tr("&Values"));
    m_tabs->addTab(heatPage, tr("Heat&map"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_details);
    layout->addWidget(m_message);
    layout->addWidget(m_stats);
    layout->addWidget(m_tabs, 1);

    connect(
        m_controller, &model::InspectionController::analysisReady, this, &TensorInspector::onAnalysisReady);
    connect(m_controller, &model::InspectionController::histogramReady, this,
        [this](const model::HistogramData& h) { m_histogram->setHistogram(h); });
    connect(m_controller, &model::InspectionController::planeReady, this,
        [this](std::shared_ptr<const model::PlaneData> p) {
            const auto& sel = m_heatSlice->selection();
            m_heatmap->setPlane(p, sel.rowDim >= 0 ? tr("dim %1").arg(sel.rowDim) : QString(),
                sel.colDim >= 0 ? tr("dim %1").arg(sel.colDim) : QString());
        });
    connect(m_histogram, &HistogramPlot::binsChanged, m_controller, &model::InspectionController::setBins);
    connect(m_valueSlice, &SliceSelector::selectionChanged, m_values, &model::ValueTableModel::setSelection);
    connect(m_heatSlice, &SliceSelector::selectionChanged, this, &TensorInspector::requestHeatmap);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentIndex() == 2) requestHeatmap();
    });
    connect(m_controller, &model::InspectionController::analysisCancelled, this,
        [this](const model::TensorRef& ref) {
            if (ref != m_ref) return;
            setStatsPlaceholder(tr("Statistics cancelled; select the variable again to compute them."));
            m_histogram->clear(tr("Cancelled"));
            m_heatmap->clear(tr("Cancelled"));
        });
    auto clear = [this] { showTensor({}); };
    connect(m_controller->session(), &model::ArtifactSession::opened, this, clear);
    connect(m_controller->session(), &model::ArtifactSession::failed, this, clear);
    connect(m_controller->session(), &model::ArtifactSession::closed, this, clear);
    showTensor({});
}

void TensorInspector::setStatsPlaceholder(const QString& text)
{
    m_stats->setText(QStringLiteral("<i>%1</i>").arg(text.toHtmlEscaped()));
}

QString TensorInspector::statsText() const
{
    return m_stats->text();
}

void TensorInspector::showTensor(const model::TensorRef& ref)
{
    m_ref = ref;
    m_message->hide();
    m_values->setTensor(nullptr);
    const auto artifact = m_controller->artifact();
    const int index = m_controller->entryIndex(ref);
    if (index < 0) {
        m_title->setText(tr("No variable selected"));
        m_details->setText(tr("Select a variable in the tree to see its statistics, histogram and values."));
        m_stats->clear();
        m_histogram->clear(tr("Select a variable to see its histogram"));
        m_heatmap->clear(tr("Select a variable with at least one dimension"));
        m_valueSlice->setShape({});
        m_heatSlice->setShape({});
        m_controller->inspect({}, m_histogram->bins());
        return;
    }
    const auto& e = artifact->bundle->entries()[static_cast<size_t>(index)];
    const auto& an = artifact->tree.annotations[static_cast<size_t>(index)];
    QString name = QString::fromStdString(an.objectPath.empty() ? e.key : an.objectPath);
    m_title->setText(name);
    QString details = QStringLiteral("<b>%1</b>%2 &nbsp; %3 parameters &nbsp; %4")
                          .arg(QString::fromStdString(io::dtypeName(e.dtype)),
                              QString::fromStdString(io::shapeToString(e.shape)),
                              model::formatCount(e.elementCount()), model::formatBytes(e.byteSize()));
    details += QStringLiteral("<br>key: <tt>%1</tt>").arg(QString::fromStdString(e.key).toHtmlEscaped());
    if (e.partitioned())
        details += tr("<br>partitioned into %1 slices").arg(e.slices.size());
    else
        details += tr("<br>shard %1, offset %2").arg(e.stored.shard).arg(e.stored.offset);
    if (an.role == io::EntryRole::Slot)
        details += tr("<br>optimizer slot <b>%1</b> of <tt>%2</tt> (optimizer %3)")
                       .arg(QString::fromStdString(an.slotName),
                           QString::fromStdString(an.slotOfKey).toHtmlEscaped(),
                           QString::fromStdString(an.optimizerPath).toHtmlEscaped());
    m_details->setText(details);
    setStatsPlaceholder(tr("Computing statistics…"));
    m_histogram->clear();
    m_histogram->setBusy(tr("Computing histogram…"));
    m_heatmap->clear(tr("Computing…"));
    m_valueSlice->setShape(e.shape);
    m_heatSlice->setShape(e.shape);
    m_controller->inspect(ref, m_histogram->bins());
}

void TensorInspector::onAnalysisReady(std::shared_ptr<const model::TensorAnalysis> a)
{
    if (!a || a->ref != m_ref) return; // a late result for another variable
    if (!a->status.isOk()) {
        if (a->status.code() == io::ErrorCode::Cancelled) return;
        m_message->showMessage(MessageBar::Kind::Error, QString::fromStdString(a->status.toString()));
        m_stats->setText(tr("<i>No statistics: the values cannot be read.</i>"));
        m_histogram->clear(tr("No values"));
        m_heatmap->clear(tr("No values"));
    }
    if (a->tensor && !a->tensor->integrity().isOk()) // integrity: values shown as stored, marked damaged
        m_message->showMessage(MessageBar::Kind::Warning,
            tr("Damaged: these values do not match their CRC32C checksum; they are shown as stored.\n%1")
                .arg(QString::fromStdString(a->tensor->integrity().toString())));
    if (a->tensor) m_values->setTensor(a->tensor);
    m_valueSlice->setShape(a->tensor ? a->tensor->shape() : io::Shape {});
    if (!a->status.isOk()) return;
    const auto& s = a->stats;
    if (!s.numeric) {
        m_stats->setText(tr("%1 elements (not numeric)").arg(model::formatCount(s.count)));
        m_histogram->clear(
            tr("No histogram for %1 values").arg(QString::fromStdString(io::dtypeName(a->tensor->dtype()))));
        m_heatmap->clear(tr("No heatmap for non-numeric values"));
        return;
    }
    QString t = QStringLiteral("<table cellspacing='6'><tr>");
    auto cell
        = [&](const QString& k, const QString& v) { t += QStringLiteral("<td>%1 <b>%2</b></td>").arg(k, v); };
    const bool have = s.finite > 0;
    cell(tr("min"), have ? num(s.min) : QStringLiteral("–"));
    cell(tr("max"), have ? num(s.max) : QStringLiteral("–"));
    cell(tr("mean"), have ? num(s.mean) : QStringLiteral("–"));
    cell(tr("std"), have ? num(s.std) : QStringLiteral("–"));
    t += QStringLiteral("</tr><tr>");
    cell(tr("L2 norm"), have ? num(s.l2) : QStringLiteral("–"));
    cell(tr("zeros"), model::formatCount(s.zeros));
    cell(tr("NaN"),
        s.nans ? QStringLiteral("<font color='red'>%1</font>").arg(model::formatCount(s.nans))
               : QStringLiteral("0"));
    cell(tr("Inf"),
        s.infs ? QStringLiteral("<font color='red'>%1</font>").arg(model::formatCount(s.infs))
               : QStringLiteral("0"));
    t += QStringLiteral("</tr></table>");
    m_stats->setText(t);
    m_histogram->setHistogram(a->histogram);
    if (m_tabs->currentIndex() == 2) requestHeatmap();
}

void TensorInspector::requestHeatmap()
{
    const auto* a = m_controller->current();
    if (!a || !a->tensor || a->ref != m_ref) return;
    if (a->tensor->shape().empty()) {
        m_heatmap->clear(
            tr("A scalar has no heatmap: its value is %1").arg(m_values->index(0, 0).data().toString()));
        return;
    }
    m_controller->requestPlane(m_heatSlice->selection());
}

} // namespace tscope::ui
