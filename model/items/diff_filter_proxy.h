// Filters the comparison tree: "changed only" keeps leaves whose status is not identical, "hide optimizer
// state" drops slots and optimizer variables, a name filter keeps the leaves a text search matched; groups
// stay while a leaf below them stays. Built for 100,000 rows on the GUI thread: which nodes stay is one
// pass over the model's nodes (children after parents), cached until the model or a filter changes, so
// filterAcceptsRow is a lookup and no group searches its subtree. Sorts by the model's numbers without
// QVariants ("max |b−a|" as numbers, missing values last when descending) and names naturally (layer_9
// before layer_10).
#pragma once

#include "io/bundle_reader.h"
#include "io/cancel.h"

#include <QSortFilterProxyModel>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tscope::model {

class DiffTreeModel;

class DiffFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit DiffFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* source) override; // a DiffTreeModel

    void setChangedOnly(bool on);
    void setHideOptimizer(bool on);
    // Keeps only the leaves whose diff row is marked (one entry per row of the model's diff, as
    // matchDiffRows computes off the GUI thread); nullptr: no name filter.
    void setRowMatches(std::shared_ptr<const std::vector<uint8_t>> matches);
    bool changedOnly() const { return m_changedOnly; }
    bool hideOptimizer() const { return m_hideOptimizer; }
    bool filtering() const { return m_changedOnly || m_hideOptimizer || m_matches; }

    // How many children of `proxyParent` pass the filters (what expanding it would show), without
    // creating the proxy's mapping for it; and how many leaves pass in all.
    int acceptedChildCount(const QModelIndex& proxyParent) const;
    int acceptedLeafCount() const;

    // From the filter counts: a view asks this of every row it lays out, and QSortFilterProxyModel would
    // build and sort the row's mapping to answer.
    bool hasChildren(const QModelIndex& parent = {}) const override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    void refilter();
    // Recomputes m_accepted when the model changed, or (applyFilters) when a filter changed.
    void ensureAccepted(bool applyFilters) const;

    DiffTreeModel* m_source = nullptr;
    bool m_changedOnly = false;
    bool m_hideOptimizer = false;
    std::shared_ptr<const std::vector<uint8_t>> m_matches;
    // Per node of the source: how many of its children pass (leaves: at least 1 when the leaf passes), for
    // the model's generation m_acceptedFor; m_acceptedDirty: a filter changed since.
    mutable std::vector<int> m_accepted;
    mutable int m_acceptedLeaves = 0;
    mutable quint64 m_acceptedFor = ~quint64(0);
    mutable bool m_acceptedDirty = true;
};

// Which diff rows (A's and B's entry index, -1 when absent) have a checkpoint key containing `text`,
// ignoring ASCII case: one entry per row. Pure, for a worker thread; when `cancel` fires it stops and
// returns an empty vector.
std::vector<uint8_t> matchDiffRows(const std::vector<std::pair<int, int>>& rowSides,
    const io::BundleReader* a, const io::BundleReader* b, const std::string& text,
    const io::CancelToken* cancel = nullptr);

} // namespace tscope::model
