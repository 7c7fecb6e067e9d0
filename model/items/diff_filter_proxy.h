// Filters the comparison tree: "changed only" keeps leaves whose status is not identical, "hide optimizer
// state" drops slots and optimizer variables; groups stay while a leaf below them stays. Sorts by the
// model's numeric SortRole, so "max |b−a|" sorts as numbers (missing values last when descending).
#pragma once

#include <QSortFilterProxyModel>

namespace tscope::model {

class DiffFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit DiffFilterProxy(QObject* parent = nullptr);

    void setChangedOnly(bool on);
    void setHideOptimizer(bool on);
    bool changedOnly() const { return m_changedOnly; }
    bool hideOptimizer() const { return m_hideOptimizer; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool m_changedOnly = false;
    bool m_hideOptimizer = false;
};

} // namespace tscope::model
