#include "model/items/diff_filter_proxy.h"

#include "model/items/diff_tree_model.h"
#include "model/items/natural_compare.h"

#include <algorithm>
#include <cctype>

namespace tscope::model {

DiffFilterProxy::DiffFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    // Groups pass through m_accepted's counts, not by QSortFilterProxyModel searching their subtrees.
    setRecursiveFilteringEnabled(false);
    setSortRole(DiffTreeModel::SortRole);
    setDynamicSortFilter(true);
}

void DiffFilterProxy::setSourceModel(QAbstractItemModel* source)
{
    m_source = qobject_cast<DiffTreeModel*>(source);
    m_acceptedFor = ~quint64(0);
    Q_ASSERT(m_source || !source);
    m_acceptedDirty = true;
    QSortFilterProxyModel::setSourceModel(source);
}

void DiffFilterProxy::setChangedOnly(bool on)
{
    if (on == m_changedOnly) return;
    m_changedOnly = on;
    refilter();
}

void DiffFilterProxy::setHideOptimizer(bool on)
{
    if (on == m_hideOptimizer) return;
    m_hideOptimizer = on;
    refilter();
}

void DiffFilterProxy::setRowMatches(std::shared_ptr<const std::vector<uint8_t>> matches)
{
    if (!matches && !m_matches) return;
    m_matches = std::move(matches);
    refilter();
}

// A filter that changes thousands of rows: the mappings are dropped and rebuilt lazily for what the view
// asks for (one layout change), rather than every mapping built so far re-filtered with a rowsRemoved or
// rowsInserted per group (25,000 groups: 20-30 ms on the GUI thread).
// The new filters apply from the first filterAcceptsRow after invalidate()'s layoutAboutToBeChanged:
// until then hasChildren and the counts still describe the rows the proxy shows.
void DiffFilterProxy::refilter()
{
    m_acceptedDirty = true;
    invalidate();
    ensureAccepted(true);
}

// One pass from the last node to the first: a node's children come after it, so every child has
// counted itself into its parent before the parent is looked at.
void DiffFilterProxy::ensureAccepted(bool applyFilters) const
{
    if (!m_source) return;
    if ((!applyFilters || !m_acceptedDirty) && m_acceptedFor == m_source->generation()) return;
    const auto& nodes = m_source->nodes();
    const auto& rows = m_source->diff().rows;
    m_accepted.assign(nodes.size(), 0);
    m_acceptedLeaves = 0;
    const bool matchesFit = m_matches && m_matches->size() == rows.size();
    for (size_t id = nodes.size(); id-- > 1;) {
        const auto& n = nodes[id];
        if (n.diffRow >= 0) {
            const auto r = static_cast<size_t>(n.diffRow);
            bool pass = !(m_hideOptimizer && n.optimizer);
            if (pass && m_changedOnly) pass = rows[r].status != io::PairStatus::Identical;
            if (pass && matchesFit) pass = (*m_matches)[r] != 0;
            // A variable that holds optimizer slots is a leaf and a group at once: it stays for them too.
            if (pass) {
                m_acceptedLeaves++;
                m_accepted[id] = std::max(m_accepted[id], 1);
            }
        }
        if (m_accepted[id] > 0 && n.parent >= 0) m_accepted[static_cast<size_t>(n.parent)]++;
    }
    m_acceptedFor = m_source->generation();
    m_acceptedDirty = false;
}

bool DiffFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (!m_source) return true;
    ensureAccepted(true);
    const int parent = DiffTreeModel::nodeId(sourceParent);
    const auto& children = m_source->nodes()[static_cast<size_t>(parent)].children;
    if (sourceRow < 0 || sourceRow >= static_cast<int>(children.size())) return false;
    return m_accepted[static_cast<size_t>(children[static_cast<size_t>(sourceRow)])] > 0;
}

int DiffFilterProxy::acceptedChildCount(const QModelIndex& proxyParent) const
{
    if (!m_source) return rowCount(proxyParent);
    ensureAccepted(false);
    const int id = DiffTreeModel::nodeId(mapToSource(proxyParent));
    int n = 0;
    for (int child : m_source->nodes()[static_cast<size_t>(id)].children)
        n += m_accepted[static_cast<size_t>(child)] > 0 ? 1 : 0;
    return n;
}

bool DiffFilterProxy::hasChildren(const QModelIndex& parent) const
{
    if (!m_source || (parent.isValid() && parent.column() != 0))
        return QSortFilterProxyModel::hasChildren(parent);
    return acceptedChildCount(parent) > 0;
}

int DiffFilterProxy::acceptedLeafCount() const
{
    ensureAccepted(false);
    return m_acceptedLeaves;
}

bool DiffFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (!m_source) return QSortFilterProxyModel::lessThan(left, right);
    const int l = DiffTreeModel::nodeId(left), r = DiffTreeModel::nodeId(right);
    const int column = left.column();
    if (column == DiffTreeModel::Name) {
        const auto& nodes = m_source->nodes();
        return naturalCompare(nodes[static_cast<size_t>(l)].name, nodes[static_cast<size_t>(r)].name) < 0;
    }
    if (column == DiffTreeModel::TypeA || column == DiffTreeModel::TypeB)
        return QSortFilterProxyModel::lessThan(left, right);
    return m_source->sortNumber(l, column) < m_source->sortNumber(r, column);
}

std::vector<uint8_t> matchDiffRows(const std::vector<std::pair<int, int>>& rowSides,
    const io::BundleReader* a, const io::BundleReader* b, const std::string& text,
    const io::CancelToken* cancel)
{
    std::string needle = text;
    for (char& c : needle)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto sameLetter = [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == static_cast<unsigned char>(y);
    };
    const auto contains = [&](const io::BundleReader* reader, int entry) {
        if (!reader || entry < 0) return false;
        const std::string& key = reader->entries()[static_cast<size_t>(entry)].key;
        return std::search(key.begin(), key.end(), needle.begin(), needle.end(), sameLetter) != key.end();
    };
    std::vector<uint8_t> out(rowSides.size(), 0);
    for (size_t i = 0; i < rowSides.size(); ++i) {
        if ((i & 4095) == 0 && cancel && cancel->isCancelled()) return {};
        out[i] = contains(a, rowSides[i].first) || contains(b, rowSides[i].second) ? 1 : 0;
    }
    return out;
}

} // namespace tscope::model
