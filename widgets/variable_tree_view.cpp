#include "widgets/variable_tree_view.h"

#include "io/dtype.h"
#include "model/items/variable_filter_proxy.h"
#include "model/items/variable_tree_model.h"
#include "model/session/artifact_session.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QSet>
#include <QTreeView>
#include <QVBoxLayout>

namespace tscope::ui {

VariableTreeView::VariableTreeView(QWidget* parent)
    : QWidget(parent)
{
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

    m_tree = new QTreeView(this);
    m_tree->setModel(m_proxy);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(-1, Qt::AscendingOrder); // keep the file's order until the user sorts
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(model::VariableTreeModel::NameColumn, QHeaderView::Stretch);
    for (int c = 1; c < model::VariableTreeModel::ColumnCount; ++c)
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);

    auto* copy = new QAction(tr("Copy Variable Name"), this);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_tree->addAction(copy);
    connect(copy, &QAction::triggered, this, &VariableTreeView::copyCurrentName);
    connect(m_tree, &QTreeView::customContextMenuRequested, this, [this, copy](const QPoint& pos) {
        QMenu menu(this);
        menu.addAction(copy);
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
    layout->addWidget(m_tree, 1);

    connect(m_filter, &QLineEdit::textChanged, this, &VariableTreeView::applyFilter);
    connect(m_regex, &QCheckBox::toggled, this, &VariableTreeView::applyFilter);
    connect(m_shape, &QLineEdit::textChanged, this, &VariableTreeView::applyFilter);
    connect(m_dtype, &QComboBox::currentIndexChanged, this, &VariableTreeView::applyFilter);
    connect(m_slots, &QCheckBox::toggled, m_proxy, &model::VariableFilterProxy::setShowSlots);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this](const QModelIndex& current) {
            emit tensorSelected(current.isValid()
                    ? current.data(model::VariableTreeModel::TensorRefRole).value<model::TensorRef>()
                    : model::TensorRef {});
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
    fillDTypes();
    applyFilter();
    // Expand the first levels so a person sees layers and their variables at once.
    m_tree->expandToDepth(1);
}

void VariableTreeView::applyFilter()
{
    const bool shapeOk = m_proxy->setShapePattern(m_shape->text());
    m_shape->setStyleSheet(shapeOk ? QString() : QStringLiteral("color: red"));
    m_proxy->setDType(m_dtype->currentData().toString());
    m_proxy->setText(m_filter->text(), m_regex->isChecked());
    m_filter->setStyleSheet(m_proxy->errorString().isEmpty() ? QString() : QStringLiteral("color: red"));
    m_filter->setToolTip(m_proxy->errorString().isEmpty()
            ? tr("Matches the full object path and checkpoint key")
            : tr("Invalid regular expression: %1").arg(m_proxy->errorString()));
    if (m_proxy->isFiltering()) m_tree->expandAll();
}

void VariableTreeView::focusFilter()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void VariableTreeView::selectTensor(const model::TensorRef& ref)
{
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
