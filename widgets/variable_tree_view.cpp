#include "widgets/variable_tree_view.h"

#include "io/dtype.h"
#include "model/items/variable_filter_match.h"
#include "model/items/variable_filter_proxy.h"
#include "model/items/variable_tree_model.h"
#include "model/session/artifact_session.h"
#include "model/session/job_runner.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QResizeEvent>
#include <QSet>
#include <QStyle>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace tscope::ui {

VariableTreeView::VariableTreeView(QWidget* parent)
    : QWidget(parent)
{
    m_jobs = new model::JobRunner(this);
    m_model = new model::VariableTreeModel(this);
    m_proxy = new model::VariableFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter variables (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(
        tr("Matches the full object path and checkpoint key; parents of matches stay visible"));
    m_regex = new QCheckBox(tr(".*"), this);
    m_regex->setToolTip(tr("Treat the filter as a regular expression"));
    m_dtype = new QComboBox(this);
    m_dtype->setToolTip(tr("Only variables of this dtype"));
    m_shape = new QLineEdit(this);
    m_shape->setPlaceholderText(tr("shape, e.g. ?,128 or 2d"));
    m_shape->setToolTip(
        tr("Shape filter: dims separated by commas, ? for any size; or 'scalar', '2d', 'rank 3'"));
    m_shape->setClearButtonEnabled(true);
    m_slots = new QCheckBox(tr("Optimizer slots"), this);
    m_slots->setChecked(true);
    m_slots->setToolTip(tr("Show optimizer slot variables (Adam m/v, momentum...) under their variables"));

    m_matchLabel = new QLabel(this);
    m_matchLabel->setWordWrap(true);
    m_matchLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Typing waits for a pause: each pass is fast, but re-laying out a big tree per key is not.
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &VariableTreeView::applyFilterNow);

    m_tree = new QTreeView(this);
    m_tree->setModel(m_proxy);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(-1, Qt::AscendingOrder); // keep the file's order until the user sorts
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    // Names: sized to their text once per artifact and on resize (re-measuring on every filter would
    // cost each keystroke), within what the numeric columns leave; a narrow pane scrolls sideways.
    m_tree->header()->setStretchLastSection(false); // fitNameColumn() fills the width instead
    m_tree->header()->setSectionResizeMode(QHeaderView::Interactive); // sized by fitNameColumn()

    // One action for the context menu and Edit: the same words and the same shortcut in both places.
    m_copyName = new QAction(tr("&Copy Variable Name"), this);
    m_copyName->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    connect(m_copyName, &QAction::triggered, this, &VariableTreeView::copyCurrentName);
    connect(m_tree, &QTreeView::customContextMenuRequested, this, [this](const QPoint& pos) {
        QMenu menu(this);
        menu.addAction(m_copyName);
        menu.addAction(tr("Expand All"), m_tree, &QTreeView::expandAll);
        menu.addAction(tr("Collapse All"), m_tree, &QTreeView::collapseAll);
        menu.exec(m_tree->viewport()->mapToGlobal(pos));
    });

    auto* row1 = new QHBoxLayout;
    row1->addWidget(m_filter, 1);
    row1->addWidget(m_regex);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(m_dtype);
    row2->addWidget(m_shape, 1);
    row2->addWidget(m_slots);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row1);
    layout->addLayout(row2);
    layout->addWidget(m_matchLabel);
    layout->addWidget(m_tree, 1);

    connect(m_filter, &QLineEdit::textChanged, this, &VariableTreeView::applyFilter);
    connect(m_regex, &QCheckBox::toggled, this, &VariableTreeView::applyFilterNow);
    connect(m_shape, &QLineEdit::textChanged, this, &VariableTreeView::applyFilter);
    connect(m_dtype, &QComboBox::currentIndexChanged, this, &VariableTreeView::applyFilterNow);
    connect(m_slots, &QCheckBox::toggled, this, [this](bool on) {
        const auto expanded = expandedNodes();
        m_proxy->setShowSlots(on);
        for (int id : expanded)
            m_tree->expand(m_proxy->indexOfNode(id));
        updateMatchLabel();
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this](const QModelIndex& current) {
            const auto ref = current.isValid()
                ? current.data(model::VariableTreeModel::TensorRefRole).value<model::TensorRef>()
                : model::TensorRef {};
            emit tensorSelected(ref);
            if (current.isValid() && !ref.isValid())
                emit groupSelected(model::VariableFilterProxy::nodeIdOf(current));
        });
    fillDTypes();
}

void VariableTreeView::fillDTypes()
{
    const QString keep = m_dtype->currentData().toString();
    m_dtype->blockSignals(true);
    m_dtype->clear();
    m_dtype->addItem(tr("all dtypes"), QString());
    QSet<QString> seen;
    if (auto a = m_model->artifact(); a && a->bundle)
        for (const auto& d : a->totalsByDtype()) {
            QString name = QString::fromStdString(io::dtypeName(d.dtype));
            if (!seen.contains(name)) {
                seen.insert(name);
                m_dtype->addItem(name, name);
            }
        }
    m_dtype->setCurrentIndex(std::max(0, m_dtype->findData(keep)));
    m_dtype->blockSignals(false);
}

void VariableTreeView::setSession(model::ArtifactSession* session)
{
    auto follow = [this, session] {
        m_model->setArtifact(session->artifact(), session->artifactId());
        reset();
    };
    connect(session, &model::ArtifactSession::opened, this, follow);
    connect(session, &model::ArtifactSession::failed, this, follow);
    connect(session, &model::ArtifactSession::closed, this, follow);
    follow();
}

void VariableTreeView::reset()
{
    m_debounce->stop();
    m_jobs->cancelAll(); // results for the previous artifact
    m_savedExpansion.clear();
    m_wasFiltering = false;
    fillDTypes();
    // A tree built from key names is in the index's byte order (layer_10 before layer_2): sort it
    // naturally. An object graph's order is the model's own (layer order): keep it.
    const auto artifact = m_model->artifact();
    const bool byName = artifact && !artifact->tree.objectBased;
    m_tree->sortByColumn(byName ? model::VariableTreeModel::NameColumn : -1, Qt::AscendingOrder);
    applyFilterNow();
    if (!m_proxy->isFiltering()) expandFirstLevels();
    QTimer::singleShot(0, this, &VariableTreeView::fitNameColumn); // after the columns fit their text
    // The filter's match texts (100,000 strings at 100,000 variables), ready before the first key.
    if (artifact && !m_proxy->filterTexts())
        m_jobs->run<std::shared_ptr<const model::FilterTexts>>(
            QStringLiteral("texts"), this,
            [artifact](const io::CancelToken& cancel) { return model::buildFilterTexts(*artifact, &cancel); },
            [this, artifact](std::shared_ptr<const model::FilterTexts> texts) {
                if (artifact == m_proxy->artifact()) m_proxy->setFilterTexts(std::move(texts));
            });
}

void VariableTreeView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // The pane's width decides how much the names may take; measured once the view has laid out.
    if (m_model->artifact() && event->oldSize().width() != width())
        QTimer::singleShot(0, this, &VariableTreeView::fitNameColumn);
}

void VariableTreeView::fitNameColumn()
{
    // As wide as the names, but leaving the numeric columns in view when the pane allows a readable
    // name column (then only long layer labels elide; their tooltip has them whole).
    m_tree->resizeColumnToContents(model::VariableTreeModel::NameColumn);
    int others = 0;
    for (int c = 1; c < model::VariableTreeModel::ColumnCount; ++c) {
        m_tree->resizeColumnToContents(c);
        others += m_tree->header()->sectionSize(c);
    }
    const int available = m_tree->viewport()->width() - others;
    const int names = m_tree->columnWidth(model::VariableTreeModel::NameColumn);
    // Fill the pane; when the names need more, they come first up to readableNames() (the numeric
    // columns then scroll into view): a narrow pane (QT_SCALE_FACTOR=2) cut them at 25 characters.
    m_tree->setColumnWidth(model::VariableTreeModel::NameColumn,
        names > available ? std::max(available, std::min(names, readableNames())) : available);
}

int VariableTreeView::readableNames() const
{
    return fontMetrics().averageCharWidth() * kReadableNameChars + m_tree->indentation() * 3;
}

int VariableTreeView::readableWidth() const
{
    const QAbstractItemView* view = m_tree; // QTreeView makes sizeHintForColumn protected
    const int names
        = std::min(view->sizeHintForColumn(model::VariableTreeModel::NameColumn), readableNames());
    const int dtype = view->sizeHintForColumn(model::VariableTreeModel::DTypeColumn);
    const int chrome = width() - m_tree->viewport()->width() // frames and margins around the tree
        + m_tree->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, m_tree);
    return names + std::max(dtype, 0) + chrome;
}

void VariableTreeView::expandFirstLevels()
{
    // Layers and their variables at once, as long as that stays a list a person can scroll (and the
    // view can lay out without stalling): 250 layers of 100 sublayers open only the layers.
    int depth = -1;
    qsizetype rows = m_proxy->rowCount();
    std::vector<QModelIndex> level { QModelIndex() };
    while (depth < 1 && !level.empty()) {
        std::vector<QModelIndex> next;
        qsizetype more = 0;
        for (const auto& parent : level)
            for (int r = 0, n = m_proxy->rowCount(parent); r < n; ++r) {
                const QModelIndex child = m_proxy->index(r, 0, parent);
                more += m_proxy->rowCount(child);
                next.push_back(child);
            }
        if (rows + more > kFirstLevelsLimit) break;
        rows += more;
        ++depth;
        level = std::move(next);
    }
    if (depth >= 0) m_tree->expandToDepth(depth);
}

void VariableTreeView::applyFilter()
{
    m_debounce->start(); // restarts while typing
}

std::vector<int> VariableTreeView::expandedNodes() const
{
    std::vector<int> ids;
    std::vector<QModelIndex> todo { QModelIndex() };
    while (!todo.empty()) {
        const QModelIndex parent = todo.back();
        todo.pop_back();
        for (int r = 0, n = m_proxy->rowCount(parent); r < n; ++r) {
            const QModelIndex child = m_proxy->index(r, 0, parent);
            if (m_tree->isExpanded(child)) {
                ids.push_back(model::VariableFilterProxy::nodeIdOf(child));
                todo.push_back(child);
            }
        }
    }
    return ids;
}

void VariableTreeView::applyFilterNow()
{
    m_debounce->stop();
    if (!m_wasFiltering && m_model->artifact()) m_savedExpansion = expandedNodes(); // before a filter starts
    const bool shapeOk = m_proxy->setShapePattern(m_shape->text());
    m_shape->setStyleSheet(shapeOk ? QString() : QStringLiteral("color: red"));
    m_proxy->setDType(m_dtype->currentData().toString());
    const QString text = m_filter->text();
    const bool regex = m_regex->isChecked();
    if (text.isEmpty() || !m_proxy->checkText(text, regex) || m_proxy->hasText(text, regex)) {
        m_jobs->cancel(QStringLiteral("filter")); // a newer text wins
        if (text.isEmpty()) m_proxy->setText({}); // nothing to match
        showFilterResult();
        return;
    }
    startTextFilter(text, regex);
}

bool VariableTreeView::filterPending() const
{
    return m_debounce->isActive() || m_jobs->isRunning(QStringLiteral("filter"));
}

void VariableTreeView::startTextFilter(const QString& text, bool regex)
{
    const auto artifact = m_proxy->artifact();
    if (!artifact) {
        m_proxy->setText(text, regex); // nothing to match against: no work
        showFilterResult();
        return;
    }
    // Without the texts yet (a key right after opening) the job builds them too; the "texts" job goes
    // on, so a later key finds them even when this job is superseded.
    auto texts = m_proxy->filterTexts();
    struct Result {
        std::shared_ptr<const model::FilterTexts> texts;
        std::shared_ptr<const std::vector<uint8_t>> matches;
    };
    m_jobs->run<std::shared_ptr<Result>>(
        QStringLiteral("filter"), this,
        [artifact, texts, text, regex](const io::CancelToken& cancel) {
            auto r = std::make_shared<Result>();
            r->texts = texts ? texts : model::buildFilterTexts(*artifact, &cancel);
            if (r->texts) r->matches = model::matchFilterTexts(*r->texts, text, regex, &cancel);
            return r;
        },
        [this, artifact, text, regex](std::shared_ptr<Result> r) {
            if (artifact != m_proxy->artifact() || !r->matches) return;
            m_proxy->setFilterTexts(r->texts);
            m_proxy->setTextMatches(text, regex, r->matches);
            showFilterResult();
        });
}

void VariableTreeView::showFilterResult()
{
    const bool filtering = m_proxy->isFiltering();
    if (filtering) {
        // A short result is shown whole; a huge one as its first levels (laying out 100,000 rows
        // stalls the view for seconds), its count in the label says how much matched.
        if (m_proxy->visibleNodeCount() <= kExpandAllLimit)
            m_tree->expandAll();
        else
            expandFirstLevels();
    } else if (m_wasFiltering) {
        // Back to the tree as it was before the filter; expanding right after the proxy's reset only
        // records the indexes (the view lays them out once, later).
        for (int id : m_savedExpansion)
            m_tree->expand(m_proxy->indexOfNode(id));
        m_savedExpansion.clear();
    }
    m_wasFiltering = filtering;
    updateMatchLabel();
}

void VariableTreeView::updateMatchLabel()
{
    const QLocale locale;
    const QString error = m_proxy->errorString();
    QString text;
    if (!error.isEmpty()) {
        text = tr("Invalid regular expression: %1. The tree still shows the previous filter.").arg(error);
    } else if (m_proxy->isFiltering()) {
        text = tr("%1 of %2 variables match")
                   .arg(locale.toString(m_proxy->matchCount()), locale.toString(m_proxy->variableCount()));
    } else {
        text = m_proxy->variableCount() == 1
            ? tr("1 variable")
            : tr("%1 variables").arg(locale.toString(m_proxy->variableCount()));
    }
    m_matchLabel->setText(text);
    QPalette pal = palette();
    if (!error.isEmpty() || (m_proxy->isFiltering() && m_proxy->matchCount() == 0))
        pal.setColor(QPalette::WindowText, model::damagedColor());
    m_matchLabel->setPalette(pal);
    m_filter->setToolTip(error.isEmpty() ? tr("Matches the full object path and checkpoint key")
                                         : tr("Invalid regular expression: %1").arg(error));
}

void VariableTreeView::focusFilter()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void VariableTreeView::selectTensor(const model::TensorRef& ref)
{
    if (m_debounce->isActive()) applyFilterNow(); // select in the tree as it is about to be
    QModelIndex src = m_model->indexForRef(ref);
    QModelIndex idx = m_proxy->mapFromSource(src);
    if (!idx.isValid()) return;
    m_tree->setCurrentIndex(idx);
    m_tree->scrollTo(idx);
}

void VariableTreeView::revealTensor(const model::TensorRef& ref)
{
    const QModelIndex idx = m_proxy->mapFromSource(m_model->indexForRef(ref));
    if (idx.isValid()) m_tree->scrollTo(idx); // scrollTo expands the parents
}

bool VariableTreeView::selectVariable(const QString& nameOrPath)
{
    const auto artifact = m_model->artifact();
    const int entry = artifact ? artifact->findEntry(nameOrPath.toStdString()) : -1;
    if (entry < 0) return false;
    selectTensor({ m_model->artifactId(), artifact->bundle->entries()[static_cast<size_t>(entry)].key });
    return true;
}

bool VariableTreeView::selectGroup(const QString& path)
{
    const auto artifact = m_model->artifact();
    if (!artifact) return false;
    const std::string wanted = path.toStdString();
    const auto& nodes = artifact->tree.nodes;
    for (size_t id = 1; id < nodes.size(); ++id)
        if (nodes[id].entry < 0 && (nodes[id].path.empty() ? nodes[id].name : nodes[id].path) == wanted) {
            const QModelIndex idx = m_proxy->indexOfNode(static_cast<int>(id));
            if (!idx.isValid()) return false; // filtered out
            m_tree->setCurrentIndex(idx);
            m_tree->scrollTo(idx);
            return true;
        }
    return false;
}

QString VariableTreeView::currentKey() const
{
    const QModelIndex idx = m_tree->currentIndex();
    QString key = idx.data(model::VariableTreeModel::KeyRole).toString();
    if (key.isEmpty())
        key = idx.siblingAtColumn(0)
                  .data(model::VariableTreeModel::FilterRole)
                  .toString()
                  .section(QLatin1Char('\n'), 0, 0);
    return key;
}

void VariableTreeView::copyCurrentName()
{
    const QString key = currentKey();
    if (!key.isEmpty()) QApplication::clipboard()->setText(key);
}

} // namespace tscope::ui
