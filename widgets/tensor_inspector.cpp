#include "widgets/tensor_inspector.h"

#include "io/dtype.h"
#include "io/element.h"
#include "io/variable_tree.h"
#include "model/items/value_table_model.h"
#include "model/items/variable_links.h"
#include "model/items/variable_title.h"
#include "model/items/variable_tree_model.h"
#include "model/session/artifact_session.h"
#include "widgets/heatmap_view.h"
#include "widgets/histogram_plot.h"
#include "widgets/message_bar.h"
#include "widgets/slice_selector.h"
#include "widgets/table_export.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextDocument>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <map>

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
    m_links = new QLabel(this);
    m_links->setTextFormat(Qt::RichText);
    m_links->setWordWrap(true);
    m_links->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_links->setOpenExternalLinks(false);
    connect(m_links, &QLabel::linkActivated, this, [this](const QString& href) {
        bool ok = false;
        const int i = href.mid(1).toInt(&ok);
        if (ok) activateLink(i);
    });
    m_stats = new QLabel(this);
    m_stats->setWordWrap(true);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stats->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* copyStats = new QAction(tr("Copy Statistics"), m_stats);
    copyStats->setToolTip(tr("The statistics as tab-separated name and value lines"));
    connect(copyStats, &QAction::triggered, this, [this] {
        if (!m_statRows.isEmpty()) QApplication::clipboard()->setText(statsTsv());
    });
    auto* saveStats = new QAction(tr("Save Statistics as CSV…"), m_stats);
    connect(saveStats, &QAction::triggered, this, &TensorInspector::exportStats);
    m_stats->addAction(copyStats);
    m_stats->addAction(saveStats);
    // The same two actions behind a visible button: a context menu alone is easily missed.
    // A push button with a menu: it leaves room for its arrow (a tool button's arrow covered the text).
    m_statsExport = new QPushButton(tr("Statistics"), this);
    m_statsExport->setToolTip(tr("Copy the statistics or save them as CSV"));
    auto* statsMenu = new QMenu(m_statsExport);
    statsMenu->addAction(copyStats);
    statsMenu->addAction(saveStats);
    m_statsExport->setMenu(statsMenu);
    m_message = new MessageBar(this);

    m_histogram = new HistogramPlot(this);
    m_values = new model::ValueTableModel(this);
    m_valueView = new QTableView(this);
    m_valueView->setModel(m_values);
    m_valueView->setTextElideMode(Qt::ElideNone); // columns are sized to the longest value instead
    m_valueView->verticalHeader()->setDefaultSectionSize(m_valueView->fontMetrics().height() + 6);
    m_valueView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_valueView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_valueSlice = new SliceSelector(this);
    m_precision = new QSpinBox(this);
    m_precision->setRange(0, 17);
    m_precision->setPrefix(tr("Digits: "));
    m_precision->setSpecialValueText(tr("Digits: exact"));
    m_precision->setToolTip(tr("Significant digits of real numbers; 'exact' shows the shortest text that "
                               "reads back as the stored value"));
    auto* copyValues = new QAction(tr("Copy Cells"), m_valueView);
    copyValues->setShortcut(QKeySequence::Copy);
    copyValues->setShortcutContext(Qt::WidgetShortcut);
    m_valueView->addAction(copyValues);
    m_valueView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_valueView->setSelectionMode(QAbstractItemView::ContiguousSelection);
    connect(copyValues, &QAction::triggered, this, &TensorInspector::copySelectedValues);
    auto* exportValues = new QPushButton(tr("Export CSV…"), this);
    exportValues->setToolTip(tr("Save the values shown (this slice) as CSV"));
    connect(exportValues, &QPushButton::clicked, this, &TensorInspector::exportValues);
    // Digits and Export on the slice's index line: one line more for the grid at QT_SCALE_FACTOR=2.
    m_valueSlice->addTrailingWidget(m_precision);
    m_valueSlice->addTrailingWidget(exportValues);
    auto* valuesPage = new QWidget(this);
    auto* vl = new QVBoxLayout(valuesPage);
    vl->setContentsMargins(4, 4, 4, 4);
    vl->addWidget(m_valueSlice);
    vl->addWidget(m_valueView, 1);
    connect(m_precision, &QSpinBox::valueChanged, this, [this](int digits) {
        m_values->setPrecision(digits);
        fitValueColumns();
    });
    connect(m_values, &QAbstractItemModel::modelReset, this, &TensorInspector::fitValueColumns);

    m_heatSlice = new SliceSelector(this);
    m_heatmap = new HeatmapView(this);
    auto* heatPage = new QWidget(this);
    auto* hl = new QVBoxLayout(heatPage);
    hl->setContentsMargins(4, 4, 4, 4);
    hl->addWidget(m_heatSlice);
    hl->addWidget(m_heatmap, 1);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_histogram, tr("Hi&stogram")); // Alt+H is Help
    m_tabs->addTab(valuesPage, tr("Va&lues")); // Alt+V is View
    m_tabs->addTab(heatPage, tr("Heat&map"));

    // The text above the tabs (title, details, links, statistics) scrolls in its own pane above a splitter:
    // a long slot header at QT_SCALE_FACTOR=2 must not squeeze the plots to a sliver.
    auto* header = new QWidget;
    auto* headerLayout = new QVBoxLayout(header);
    headerLayout->setContentsMargins(0, 0, 0, 0);
    auto* titleRow = new QHBoxLayout; // the statistics' menu beside the title: the stats row stays narrow
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_statsExport, 0, Qt::AlignTop);
    headerLayout->addLayout(titleRow);
    // A warning (damaged values) and the statistics before the links: when the header scrolls at
    // QT_SCALE_FACTOR=2, what is cut off first is the navigation, not the numbers.
    headerLayout->addWidget(m_message);
    headerLayout->addWidget(m_details);
    headerLayout->addWidget(m_stats);
    headerLayout->addWidget(m_links);
    headerLayout->addStretch(1);
    m_headerArea = new QScrollArea(this);
    m_headerArea->setObjectName(QStringLiteral("inspectorHeader"));
    m_headerArea->setWidget(header);
    m_headerArea->setWidgetResizable(true);
    // Transparent, as the labels were before they scrolled (a scroll area paints its own background).
    header->setAutoFillBackground(false);
    m_headerArea->viewport()->setAutoFillBackground(false);
    m_headerArea->setFrameShape(QFrame::NoFrame);
    m_headerArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // labels wrap instead
    m_headerArea->setMinimumHeight(fontMetrics().height() * 3);
    // The plots keep a usable height however long the header: it scrolls instead.
    m_tabs->setMinimumHeight(fontMetrics().height() * kMinPlotLines);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("inspectorSplitter"));
    m_splitter->addWidget(m_headerArea);
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] { m_userSizedHeader = true; });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_splitter, 1);

    connect(
        m_controller, &model::InspectionController::analysisReady, this, &TensorInspector::onAnalysisReady);
    connect(m_controller, &model::InspectionController::histogramReady, this,
        [this](const model::HistogramData& h) { m_histogram->setHistogram(h); });
    connect(m_controller, &model::InspectionController::planeReady, this,
        [this](std::shared_ptr<const model::PlaneData> p) {
            const auto& sel = m_heatSlice->selection();
            m_heatmap->setTitle(m_title->text(), m_heatSlice->describe());
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

void TensorInspector::setStatRows(QList<QPair<QString, QString>> rows)
{
    m_statRows = std::move(rows);
    m_statsExport->setEnabled(!m_statRows.isEmpty());
}

QString TensorInspector::statsTable(QChar separator, bool header) const
{
    if (m_statRows.isEmpty()) return {};
    QString out;
    if (header) out += tr("statistic") + separator + tr("value") + QLatin1Char('\n');
    for (const auto& [name, value] : m_statRows)
        out += tableField(name, separator) + separator + tableField(value, separator) + QLatin1Char('\n');
    return out;
}

bool TensorInspector::saveStatsCsv(const QString& path) const
{
    return !m_statRows.isEmpty() && saveText(path, statsCsv());
}

void TensorInspector::exportStats()
{
    if (m_statRows.isEmpty()) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Statistics"),
        QDir::home().filePath(safeFileName(m_title->text()) + QStringLiteral("-statistics.csv")),
        tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    if (!saveStatsCsv(path))
        QMessageBox::warning(
            this, tr("Save Statistics"), tr("Cannot write %1").arg(QDir::toNativeSeparators(path)));
}

void TensorInspector::showTensor(const model::TensorRef& ref)
{
    m_ref = ref;
    setStatRows({});
    m_message->hide();
    m_values->setTensor(nullptr);
    const auto artifact = m_controller->artifact();
    const int index = m_controller->entryIndex(ref);
    showLinks(index);
    if (index < 0) {
        m_title->setText(tr("No variable selected"));
        m_details->setText(tr("Select a variable in the tree to see its statistics, histogram and values."));
        m_stats->clear();
        m_histogram->setTitle({});
        m_heatmap->setTitle({});
        m_histogram->clear(tr("Select a variable to see its histogram"));
        m_heatmap->clear(tr("Select a variable with at least one dimension"));
        m_valueSlice->setShape({});
        m_heatSlice->setShape({});
        m_controller->inspect({}, m_histogram->bins());
        return;
    }
    const auto& e = artifact->bundle->entries()[static_cast<size_t>(index)];
    const auto title = model::variableTitle(*artifact, index);
    m_title->setText(title.title);
    m_histogram->setTitle(title.title);
    m_heatmap->setTitle(title.title, m_heatSlice->describe());
    // The role and the dtype on one line when they fit: fewer lines keep the plots on screen at scale 2.
    QString details = QStringLiteral("%1 — <b>%2</b>%3 &nbsp; %4 parameters &nbsp; %5")
                          .arg(title.role.toHtmlEscaped(), QString::fromStdString(io::dtypeName(e.dtype)),
                              QString::fromStdString(io::shapeToString(e.shape)),
                              model::formatCount(e.elementCount()), model::formatBytes(e.byteSize()));
    // Where it is stored on the dtype line: one line less keeps the inspector on a screen at scale 2.
    if (e.partitioned())
        details += tr(" &nbsp; partitioned into %1 slices").arg(e.slices.size());
    else
        details += tr(" &nbsp; shard %1, offset %2").arg(e.stored.shard).arg(e.stored.offset);
    details += QStringLiteral("<br>key: <tt>%1</tt>").arg(QString::fromStdString(e.key).toHtmlEscaped());
    m_details->setText(details);
    setStatsPlaceholder(tr("Computing statistics…"));
    m_histogram->clear();
    m_histogram->setBusy(tr("Computing histogram…"));
    m_heatmap->setBusy(tr("Computing…"));
    m_valueSlice->setShape(e.shape);
    m_heatSlice->setShape(e.shape);
    m_controller->inspect(ref, m_histogram->bins());
    scheduleHeaderFit();
}

QByteArray TensorInspector::splitterState() const
{
    return m_userSizedHeader ? m_splitter->saveState() : QByteArray();
}

bool TensorInspector::restoreSplitterState(const QByteArray& state)
{
    if (state.isEmpty() || !m_splitter->restoreState(state)) return false;
    m_userSizedHeader = true;
    return true;
}

int TensorInspector::headerHeight() const
{
    return m_splitter->sizes().value(0);
}

void TensorInspector::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    scheduleHeaderFit();
}

void TensorInspector::scheduleHeaderFit()
{
    if (m_headerFitPending) return;
    m_headerFitPending = true;
    QTimer::singleShot(0, this, [this] {
        m_headerFitPending = false;
        fitHeader();
    });
}

void TensorInspector::fitHeader()
{
    // Until the user drags the splitter: the whole header when it fits in its share, else that share
    // (it scrolls); the plots get the rest, never less than their minimum.
    if (m_userSizedHeader) return;
    const int total = m_splitter->height() - m_splitter->handleWidth();
    if (total <= 0) return;
    const int wanted = m_headerArea->widget()->heightForWidth(m_headerArea->viewport()->width());
    const int full = wanted > 0 ? wanted : m_headerArea->widget()->sizeHint().height();
    const int share = int(total * kMaxHeaderShare);
    const int header
        = std::max(m_headerArea->minimumHeight(), std::min({ full, share, total - m_tabs->minimumHeight() }));
    m_splitter->setSizes({ header, total - header });
}

void TensorInspector::fitValueColumns()
{
    // Fixed-width digits: the longest text times one digit's advance, plus the cell's margins.
    const QFontMetrics fm(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const int width
        = m_values->maxTextLength() * fm.horizontalAdvance(QLatin1Char('0')) + 2 * fm.averageCharWidth() + 8;
    auto* header = m_valueView->horizontalHeader();
    header->setMinimumSectionSize(std::min(width, header->minimumSectionSize()));
    header->setDefaultSectionSize(std::max(width, fm.horizontalAdvance(QStringLiteral("00000")) + 8));
    for (int c = 0; c < header->count(); ++c)
        header->resizeSection(c, header->defaultSectionSize());
}

void TensorInspector::copySelectedValues()
{
    const auto ranges = m_valueView->selectionModel()->selection();
    if (ranges.isEmpty()) return;
    const auto& r = ranges.first(); // contiguous selection: one rectangle
    QApplication::clipboard()->setText(
        m_values->toText(r.top(), r.left(), r.bottom(), r.right(), QLatin1Char('\t')));
}

void TensorInspector::exportValues()
{
    if (m_values->rowCount() == 0) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Values"),
        QDir::home().filePath(safeFileName(m_title->text()) + QStringLiteral(".csv")), tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    if (!saveValuesCsv(path))
        QMessageBox::warning(
            this, tr("Export Values"), tr("Cannot write %1").arg(QDir::toNativeSeparators(path)));
}

bool TensorInspector::saveValuesCsv(const QString& path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    file.write(
        m_values->toText(0, 0, m_values->rowCount() - 1, m_values->columnCount() - 1, QLatin1Char(','), true)
            .toUtf8());
    return file.commit();
}

QString TensorInspector::safeFileName(const QString& name)
{
    QString s = name;
    static const QRegularExpression bad(QStringLiteral("[^A-Za-z0-9_.-]+"));
    s.replace(bad, QStringLiteral("_"));
    return s.isEmpty() ? QStringLiteral("values") : s;
}

void TensorInspector::showLinks(int entry)
{
    m_linkedKeys.clear();
    const auto artifact = m_controller->artifact();
    const auto links
        = artifact && entry >= 0 ? model::variableLinks(*artifact, entry) : model::VariableLinks {};
    auto anchor = [this](const std::string& key, const QString& text) {
        m_linkedKeys << QString::fromStdString(key);
        return QStringLiteral("<a href=\"#%1\">%2</a>")
            .arg(m_linkedKeys.size() - 1)
            .arg(text.toHtmlEscaped());
    };
    QStringList lines;
    if (links.isSlot) {
        // Recorded links read as fact; inferred ones are set in italics with "≈", so the two never look
        // alike; undecided ones say so first.
        using C = io::SlotLinkConfidence;
        QString link
            = links.variableKey.empty() ? links.link.toHtmlEscaped() : anchor(links.variableKey, links.link);
        if (links.confidence == C::Inferred) link = QStringLiteral("≈ <i>%1</i>").arg(link);
        lines << tr("Slot: %1").arg(link);
        QString confidence = links.confidenceWords.toHtmlEscaped();
        if (links.confidence == C::Ambiguous || links.confidence == C::Unlinked)
            confidence = QStringLiteral("<b>%1</b>").arg(confidence);
        else if (links.confidence == C::Inferred)
            confidence = QStringLiteral("<i>%1</i>").arg(confidence);
        lines << tr("Link: %1").arg(confidence)
                + (links.reason.isEmpty() ? QString() : QStringLiteral(" — ") + links.reason.toHtmlEscaped());
    } else {
        if (!links.realName.isEmpty())
            lines << tr("Named %1 in the SavedModel, stored at <tt>%2</tt>")
                         .arg(links.realName.toHtmlEscaped(), links.objectPath.toHtmlEscaped());
        if (!links.foundAt.isEmpty())
            lines << tr("Model weight, found at <tt>%1</tt>").arg(links.foundAt.toHtmlEscaped());
        if (!links.aliases.isEmpty())
            lines << tr("Also stored as %1 (same name and values, counted once)")
                         .arg(links.aliases.join(QStringLiteral(", ")).toHtmlEscaped());
        if (!links.twinOf.isEmpty())
            lines << tr("A twin of %1 (same name and values, not counted again)")
                         .arg(links.twinOf.toHtmlEscaped());
        if (!links.ownSlots.empty()) {
            QStringList slotLinks;
            bool anyInferred = false;
            for (const auto& s : links.ownSlots) {
                QString a = anchor(s.key, s.name);
                if (s.inferred) {
                    a = QStringLiteral("≈ <i>%1</i>").arg(a);
                    anyInferred = true;
                }
                slotLinks << a;
            }
            lines << tr("Optimizer slots: %1").arg(slotLinks.join(QStringLiteral(", ")))
                    + (anyInferred ? tr(" &nbsp;<i>(≈ inferred from order and shapes)</i>") : QString());
        }
    }
    m_links->setText(lines.join(QStringLiteral("<br>")));
    m_links->setVisible(!lines.isEmpty());
}

void TensorInspector::activateLink(int i)
{
    if (i < 0 || i >= m_linkedKeys.size()) return;
    emit tensorLinkActivated(m_controller->session()->ref(m_linkedKeys[i].toStdString()));
}

QString TensorInspector::linksText() const
{
    QTextDocument doc;
    doc.setHtml(m_links->text());
    return doc.toPlainText();
}

QString TensorInspector::titleText() const
{
    return m_title->text();
}

QString TensorInspector::detailsText() const
{
    QTextDocument doc;
    doc.setHtml(m_details->text());
    return doc.toPlainText();
}

void TensorInspector::showGroup(int nodeId)
{
    const auto artifact = m_controller->artifact();
    if (!artifact || nodeId <= 0 || static_cast<size_t>(nodeId) >= artifact->tree.nodes.size()) {
        showTensor({});
        return;
    }
    showTensor({}); // drops the previous tensor and its running analysis (and its links)
    const auto& nodes = artifact->tree.nodes;
    const auto& group = nodes[static_cast<size_t>(nodeId)];
    // One walk over the subtree: variables and slots apart (slots are not the model's parameters).
    uint64_t variables = 0, slotCount = 0, parameters = 0, bytes = 0, slotBytes = 0;
    std::map<std::string, uint64_t> dtypes;
    std::vector<int> todo { nodeId };
    while (!todo.empty()) {
        const auto& n = nodes[static_cast<size_t>(todo.back())];
        todo.pop_back();
        todo.insert(todo.end(), n.children.begin(), n.children.end());
        if (n.entry < 0 || !artifact->bundle) continue;
        const auto& e = artifact->bundle->entries()[static_cast<size_t>(n.entry)];
        if (n.kind == io::NodeKind::Slot) {
            ++slotCount;
            slotBytes += e.byteSize();
            continue;
        }
        ++variables;
        parameters += e.elementCount();
        bytes += e.byteSize();
        ++dtypes[io::dtypeName(e.dtype)];
    }
    const QLocale locale;
    QString name = QString::fromStdString(group.path.empty() ? group.name : group.path);
    m_title->setText(name);
    QString details = variables == 1
        ? tr("group of 1 variable")
        : tr("group of %1 variables").arg(locale.toString(static_cast<qulonglong>(variables)));
    if (!group.label().empty())
        details += QStringLiteral(" — ") + QString::fromStdString(group.label()).toHtmlEscaped();
    details += QStringLiteral("<br>")
        + tr("<b>%1</b> parameters &nbsp; %2 &nbsp; %3 direct children")
              .arg(model::formatCount(parameters), model::formatBytes(bytes),
                  locale.toString(static_cast<qulonglong>(group.children.size())));
    if (slotCount)
        details += QStringLiteral("<br>")
            + tr("plus %1 optimizer slot variables (%2), not counted as parameters")
                  .arg(locale.toString(static_cast<qulonglong>(slotCount)), model::formatBytes(slotBytes));
    m_details->setText(details);
    QStringList mix;
    for (const auto& [dtype, count] : dtypes)
        mix << QStringLiteral("%1 × %2").arg(
            QString::fromStdString(dtype), locale.toString(static_cast<qulonglong>(count)));
    m_stats->setText(mix.isEmpty() ? tr("<i>No variables under this node.</i>")
                                   : tr("dtypes: %1").arg(mix.join(QStringLiteral(", ")).toHtmlEscaped()));
    QList<QPair<QString, QString>> rows { { tr("group"), name },
        { tr("variables"), QString::number(variables) }, { tr("parameters"), QString::number(parameters) },
        { tr("bytes"), QString::number(bytes) }, { tr("optimizer slots"), QString::number(slotCount) },
        { tr("slot bytes"), QString::number(slotBytes) } };
    for (const auto& [dtype, count] : dtypes)
        rows.append({ tr("%1 variables").arg(QString::fromStdString(dtype)), QString::number(count) });
    setStatRows(std::move(rows));
    const QString hint = tr("A group: select one of its variables to see its values");
    m_histogram->clear(hint);
    m_heatmap->clear(hint);
}

void TensorInspector::onAnalysisReady(std::shared_ptr<const model::TensorAnalysis> a)
{
    if (!a || a->ref != m_ref) return; // a late result for another variable
    scheduleHeaderFit(); // statistics and warnings change the header's height
    if (!a->status.isOk()) {
        if (a->status.code() == io::ErrorCode::Cancelled) return;
        m_message->showMessage(MessageBar::Kind::Error, model::statusToText(a->status));
        m_stats->setText(tr("<i>No statistics: the values cannot be read.</i>"));
        const QString why = tr("No values: they cannot be read (see the message above)");
        m_histogram->clear(why);
        m_heatmap->clear(why);
    }
    if (a->tensor && !a->tensor->integrity().isOk()) // integrity: values shown as stored, marked damaged
    {
        // Said once, in words; where (the data file) rather than the status' code and key again.
        const auto& problem = a->tensor->integrity();
        QString text
            = tr("Damaged: these values do not match their CRC32C checksum; they are shown as stored.");
        if (problem.code() != io::ErrorCode::ChecksumMismatch)
            text += QLatin1Char('\n') + model::statusToText(problem);
        else if (!problem.path().empty())
            text += QLatin1Char('\n')
                + tr("Data file: %1").arg(QDir::toNativeSeparators(QString::fromStdString(problem.path())));
        m_message->showMessage(MessageBar::Kind::Warning, text);
    }
    if (a->tensor) m_values->setTensor(a->tensor);
    m_valueSlice->setShape(a->tensor ? a->tensor->shape() : io::Shape {});
    if (!a->status.isOk()) return;
    const auto& s = a->stats;
    if (a->tensor->elementCount() == 0) {
        // A zero in the shape: say that, rather than dashes for every statistic and an empty plot.
        const QString shape = QString::fromStdString(io::shapeToString(a->tensor->shape()));
        m_stats->setText(tr("<i>Empty: shape %1 holds no values.</i>").arg(shape.toHtmlEscaped()));
        const QString why = tr("Empty tensor (shape %1): nothing to plot").arg(shape);
        m_histogram->clear(why);
        m_heatmap->clear(why);
        return;
    }
    if (!s.numeric) {
        m_stats->setText(tr("%1 elements (not numeric)").arg(model::formatCount(s.count)));
        m_histogram->clear(
            tr("No histogram for %1 values").arg(QString::fromStdString(io::dtypeName(a->tensor->dtype()))));
        m_heatmap->clear(tr("No heatmap for non-numeric values"));
        return;
    }
    // Inline pairs that wrap (a table would not): at QT_SCALE_FACTOR=2 a four-column table was the
    // inspector's widest part and kept the tree pane narrow. A pair never breaks inside.
    QString t;
    QList<QPair<QString, QString>> rows { { tr("variable"), m_title->text() },
        { tr("dtype"), QString::fromStdString(io::dtypeName(a->tensor->dtype())) },
        { tr("shape"), QString::fromStdString(io::shapeToString(a->tensor->shape())) },
        { tr("elements"), QString::number(s.count) } };
    // Shown with seven digits; copied and saved exactly (the shortest text that reads back as the value).
    auto cell = [&](const QString& k, const QString& shown, const QString& exact) {
        t += QStringLiteral("%1&nbsp;<b>%2</b> &nbsp; ").arg(k, shown);
        rows.append({ k, exact });
    };
    const bool have = s.finite > 0;
    auto real = [&](const QString& k, double v) {
        cell(k, have ? num(v) : QStringLiteral("–"),
            have ? QString::number(v, 'g', QLocale::FloatingPointShortest) : QString());
    };
    auto count = [&](const QString& k, uint64_t n, bool alarm) {
        const QString shown = model::formatCount(n);
        cell(k, alarm && n ? QStringLiteral("<font color='red'>%1</font>").arg(shown) : shown,
            QString::number(n));
    };
    real(tr("min"), s.min);
    real(tr("max"), s.max);
    real(tr("mean"), s.mean);
    real(tr("std"), s.std);
    t += QStringLiteral("<br>");
    real(tr("L2 norm"), s.l2);
    count(tr("zeros"), s.zeros, false);
    count(tr("NaN"), s.nans, true);
    count(tr("Inf"), s.infs, true);
    m_stats->setText(t);
    setStatRows(std::move(rows));
    m_histogram->setHistogram(a->histogram);
    if (m_tabs->currentIndex() == 2) requestHeatmap();
}

void TensorInspector::requestHeatmap()
{
    const auto* a = m_controller->current();
    if (!a || !a->tensor || a->ref != m_ref) return;
    if (a->tensor->elementCount() == 0) return; // onAnalysisReady said it is empty
    if (a->tensor->shape().empty()) {
        m_heatmap->clear(
            tr("A scalar has no heatmap: its value is %1").arg(m_values->index(0, 0).data().toString()));
        return;
    }
    m_controller->requestPlane(m_heatSlice->selection());
}

} // namespace tscope::ui
