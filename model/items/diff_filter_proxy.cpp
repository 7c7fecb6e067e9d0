#include "model/items/diff_filter_proxy.h"

#include "model/items/diff_tree_model.h"

namespace tscope::model {

DiffFilterProxy::DiffFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true); // a group stays when one of its leaves does
    setSortRole(DiffTreeModel::SortRole);
    setDynamicSortFilter(true);
}

void DiffFilterProxy::setChangedOnly(bool on)
{
    if (on == m_changedOnly) return;
    m_changedOnly = on;
    invalidateRowsFilter();
}

void DiffFilterProxy::setHideOptimizer(bool on)
{
    if (on == m_hideOptimizer) return;
    m_hideOptimizer = on;
    invalidateRowsFilter();
}

bool DiffFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (index.data(DiffTreeModel::RowRole).toInt() < 0) return false; // groups: only through their leaves
    if (m_hideOptimizer && index.data(DiffTreeModel::OptimizerRole).toBool()) return false;
    if (m_changedOnly && index.data(DiffTreeModel::StatusRole).toString() == QLatin1String("identical"))
        return false;
    return true;
}

} // namespace tscope::model
