#include "model/items/variable_filter_proxy.h"

#include "io/artifact.h"
#include "io/variable_tree.h"
#include "model/items/natural_compare.h"
#include "model/items/variable_tree_model.h"

#include <QRegularExpression>
#include <algorithm>

namespace tscope::model {

VariableFilterProxy::VariableFilterProxy(QObject* parent)
    : QAbstractProxyModel(parent)
{ }

void VariableFilterProxy::setSourceModel(QAbstractItemModel* source)
{
    if (m_source) disconnect(m_source, nullptr, this, nullptr);
    beginResetModel();
    m_source = qobject_cast<VariableTreeModel*>(source);
    QAbstractProxyModel::setSourceModel(m_source);
    if (m_source) {
        connect(m_source, &QAbstractItemModel::modelAboutToBeReset, this, [this] { beginResetModel(); });
        connect(m_source, &QAbstractItemModel::modelReset, this, [this] {
            rebuildCaches();
            endResetModel();
        });
        connect(m_source, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& tl, const QModelIndex& br, const QList<int>& roles) {
                const QModelIndex a = mapFromSource(tl), b = mapFromSource(br);
                if (a.isValid() && b.isValid()) emit dataChanged(a, b, roles);
            });
    }
    rebuildCaches();
    endResetModel();
}

void VariableFilterProxy::rebuildCaches()
{
    m_artifact = m_source ? m_source->artifact() : nullptr;
    m_texts.reset(); // filled by the first text filter: opening a big checkpoint need not pay for it
    m_textMatches.reset();
    if (!m_text.isEmpty()) { // a filter typed before this artifact still applies
        ensureHaystack();
        m_textMatches = matchFilterTexts(*m_texts, m_text, m_useRegex);
    }
    computeOrder();
    computeVisibility(); // the callers reset the model
}

void VariableFilterProxy::ensureHaystack()
{
    if (m_texts) return;
    m_texts = m_artifact ? buildFilterTexts(*m_artifact) : std::make_shared<const FilterTexts>();
}

void VariableFilterProxy::setFilterTexts(std::shared_ptr<const FilterTexts> texts)
{
    if (!m_texts && texts && m_artifact && texts->size() == m_artifact->tree.nodes.size())
        m_texts = std::move(texts);
}

void VariableFilterProxy::computeOrder()
{
    const size_t n = m_artifact ? m_artifact->tree.nodes.size() : 0;
    m_order.assign(n, {});
    for (size_t id = 0; id < n; ++id)
        m_order[id] = m_artifact->tree.nodes[id].children;
    if (m_sortColumn < 0 || n == 0) return;
    // Sort keys fetched once per node: numbers for numeric columns, text otherwise.
    std::vector<QString> text(n);
    std::vector<quint64> number(n, 0);
    bool numeric = true;
    if (m_sortColumn == VariableTreeModel::NameColumn) {
        // The common case (every tree built from names sorts so on opening): the keys straight from the
        // model, without an index and a QVariant per node.
        numeric = false;
        for (size_t id = 1; id < n; ++id)
            text[id] = m_source->nameSortKey(static_cast<int>(id));
    }
    for (size_t id = 1; id < n && m_sortColumn != VariableTreeModel::NameColumn; ++id) {
        const QVariant key
            = m_source->indexOfNode(static_cast<int>(id), m_sortColumn).data(VariableTreeModel::SortRole);
        if (key.typeId() == QMetaType::QString) {
            numeric = false;
            text[id] = key.toString();
        } else {
            number[id] = key.toULongLong();
        }
    }
    const bool descending = m_sortOrder == Qt::DescendingOrder;
    auto less = [&](int a, int b) {
        const auto ia = static_cast<size_t>(a), ib = static_cast<size_t>(b);
        const int c = numeric ? (number[ia] < number[ib] ? -1
                              : number[ia] > number[ib]  ? 1
                                                         : 0)
                              : naturalCompare(text[ia], text[ib]);
        return descending ? c > 0 : c < 0;
    };
    for (auto& children : m_order)
        std::stable_sort(children.begin(), children.end(), less); // ties keep the file's order
}

bool VariableFilterProxy::isFiltering() const
{
    return !m_text.isEmpty() || !m_dtype.isEmpty() || m_hasShape;
}

bool VariableFilterProxy::shapeMatches(int node) const
{
    const auto& e
        = m_artifact->bundle
              ->entries()[static_cast<size_t>(m_artifact->tree.nodes[static_cast<size_t>(node)].entry)];
    const qsizetype rank = static_cast<qsizetype>(e.shape.size());
    if (m_rank >= 0) return rank == m_rank;
    if (rank != m_shape.size()) return false;
    for (qsizetype i = 0; i < rank; ++i)
        if (m_shape[i] >= 0 && m_shape[i] != static_cast<qint64>(e.shape[static_cast<size_t>(i)]))
            return false;
    return true;
}

bool VariableFilterProxy::selfMatches(int node) const
{
    const auto& n = m_artifact->tree.nodes[static_cast<size_t>(node)];
    if (n.entry < 0 || !m_artifact->bundle) return false; // inner nodes show only for a descendant
    if (!m_dtype.isEmpty()) {
        const auto& e = m_artifact->bundle->entries()[static_cast<size_t>(n.entry)];
        if (io::dtypeName(e.dtype) != m_dtypeName) return false;
    }
    if (m_hasShape && !shapeMatches(node)) return false;
    if (!m_text.isEmpty())
        return m_textMatches && m_textMatches->size() > static_cast<size_t>(node)
            && (*m_textMatches)[static_cast<size_t>(node)] != 0;
    return true;
}

void VariableFilterProxy::refilter()
{
    beginResetModel();
    computeVisibility();
    endResetModel();
}

void VariableFilterProxy::computeVisibility()
{
    const size_t n = m_artifact ? m_artifact->tree.nodes.size() : 0;
    m_visibleRow.assign(n, -1);
    m_childStart.assign(n, 0);
    m_childCount.assign(n, 0);
    m_visibleFlat.clear();
    m_matches = m_candidates = m_visibleNodes = 0;
    if (n == 0) return;
    m_visibleFlat.reserve(n);
    const bool filtering = isFiltering();
    const auto& nodes = m_artifact->tree.nodes;
    // Post-order walk (explicit stack: trees can be deep): a node is shown if it matches itself, or,
    // while filtering, if a descendant is shown; without filters everything but hidden slots. A node's
    // shown children are known when it is finished, so they go to the flat array as one run.
    std::vector<std::pair<int, size_t>> stack { { 0, 0 } };
    stack.reserve(64);
    while (!stack.empty()) {
        auto& [id, next] = stack.back();
        const auto& order = m_order[static_cast<size_t>(id)];
        if (next < order.size()) {
            const int child = order[next++];
            stack.emplace_back(child, 0);
            continue;
        }
        const auto uid = static_cast<size_t>(id);
        const auto& node = nodes[uid];
        const auto start = static_cast<int>(m_visibleFlat.size());
        for (int child : order)
            if (m_visibleRow[static_cast<size_t>(child)] >= 0) {
                m_visibleRow[static_cast<size_t>(child)] = static_cast<int>(m_visibleFlat.size()) - start;
                m_visibleFlat.push_back(child);
            }
        m_childStart[uid] = start;
        m_childCount[uid] = static_cast<int>(m_visibleFlat.size()) - start;
        const bool hiddenSlot = node.kind == io::NodeKind::Slot && !m_showSlots;
        const bool candidate = id > 0 && node.entry >= 0 && !hiddenSlot;
        const bool self = candidate && (!filtering || selfMatches(id));
        m_candidates += candidate;
        m_matches += self;
        const bool shown = !hiddenSlot && (id == 0 || !filtering || self || m_childCount[uid] > 0);
        // Marked shown (the row is set when the parent finishes); the root has no row.
        if (shown && id > 0) {
            m_visibleRow[uid] = 0;
            ++m_visibleNodes;
        }
        stack.pop_back();
    }
}

bool VariableFilterProxy::checkText(const QString& text, bool regularExpression)
{
    m_error.clear();
    if (regularExpression && !text.isEmpty()) {
        const QRegularExpression re(text.toCaseFolded()); // matchFilterTexts folds the pattern too
        if (!re.isValid()) m_error = re.errorString();
    }
    return m_error.isEmpty();
}

void VariableFilterProxy::setText(const QString& text, bool regularExpression)
{
    if (!checkText(text, regularExpression)) return; // keep showing the last valid result
    if (text == m_text && regularExpression == m_useRegex) return;
    std::shared_ptr<const std::vector<uint8_t>> matches;
    if (!text.isEmpty() && m_artifact) {
        ensureHaystack();
        matches = matchFilterTexts(*m_texts, text, regularExpression);
    }
    m_text = text;
    m_useRegex = regularExpression;
    m_textMatches = std::move(matches);
    refilter();
}

bool VariableFilterProxy::setTextMatches(
    const QString& text, bool regularExpression, std::shared_ptr<const std::vector<uint8_t>> matches)
{
    const size_t n = m_artifact ? m_artifact->tree.nodes.size() : 0;
    if (!text.isEmpty() && (!matches || matches->size() != n)) return false;
    m_error.clear();
    m_text = text;
    m_useRegex = regularExpression;
    m_textMatches = text.isEmpty() ? nullptr : std::move(matches);
    refilter();
    return true;
}

void VariableFilterProxy::setDType(const QString& dtype)
{
    if (dtype == m_dtype) return;
    m_dtype = dtype;
    m_dtypeName = dtype.toStdString();
    refilter();
}

bool VariableFilterProxy::setShapePattern(const QString& raw)
{
    const bool had = m_hasShape;
    const int oldRank = m_rank;
    const QList<qint64> oldShape = m_shape;
    QString p = raw.trimmed().toLower();
    m_hasShape = false;
    m_rank = -1;
    m_shape.clear();
    bool ok = true;
    static const QRegularExpression rankRe(QStringLiteral("^(?:rank\\s*=?\\s*(\\d+)|(\\d+)\\s*-?d)$"));
    if (p.isEmpty()) {
    } else if (p == QLatin1String("scalar") || p == QLatin1String("[]") || p == QLatin1String("()")) {
        m_hasShape = true;
        m_rank = 0;
    } else if (const auto m = rankRe.match(p); m.hasMatch()) {
        m_hasShape = true;
        m_rank = (m.captured(1).isEmpty() ? m.captured(2) : m.captured(1)).toInt();
    } else {
        p.remove(QLatin1Char('[')).remove(QLatin1Char(']')).remove(QLatin1Char('(')).remove(QLatin1Char(')'));
        const auto parts = p.split(QRegularExpression(QStringLiteral("[,x\\s]+")), Qt::SkipEmptyParts);
        for (const auto& part : parts) {
            if (part == QLatin1String("?") || part == QLatin1String("*") || part == QLatin1String("_"))
                m_shape << -1;
            else {
                bool isNum = false;
                qint64 v = part.toLongLong(&isNum);
                if (!isNum || v < 0) ok = false;
                m_shape << v;
            }
        }
        m_hasShape = ok && !m_shape.isEmpty();
        if (!ok) m_shape.clear();
    }
    // std::equal, not QList's operator==: Qt 6.4 passes a null pointer to memcmp for an empty list that
    // never allocated (undefined behaviour, reported by UBSan).
    const bool sameShape = std::equal(oldShape.begin(), oldShape.end(), m_shape.begin(), m_shape.end());
    if (had != m_hasShape || oldRank != m_rank || !sameShape) refilter();
    return ok;
}

void VariableFilterProxy::setShowSlots(bool show)
{
    if (show == m_showSlots) return;
    m_showSlots = show;
    refilter();
}

void VariableFilterProxy::sort(int column, Qt::SortOrder order)
{
    if (column == m_sortColumn && order == m_sortOrder) return;
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    std::vector<int> ids;
    ids.reserve(static_cast<size_t>(before.size()));
    for (const auto& i : before)
        ids.push_back(nodeIdOf(i));
    m_sortColumn = column;
    m_sortOrder = order;
    computeOrder();
    // Same visibility, new order: rebuild the visible children without a reset (selection and
    // expansion survive), then move the persistent indexes.
    for (size_t id = 0; id < m_order.size(); ++id) {
        int row = 0;
        const auto start = static_cast<size_t>(m_childStart[id]);
        for (int child : m_order[id])
            if (m_visibleRow[static_cast<size_t>(child)] >= 0) {
                m_visibleRow[static_cast<size_t>(child)] = row;
                m_visibleFlat[start + static_cast<size_t>(row++)] = child;
            }
    }
    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype k = 0; k < before.size(); ++k)
        after << indexOfNode(ids[static_cast<size_t>(k)], before[k].column());
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

int VariableFilterProxy::nodeIdOf(const QModelIndex& index)
{
    return index.isValid() ? static_cast<int>(index.internalId()) : 0;
}

QModelIndex VariableFilterProxy::indexOfNode(int nodeId, int column) const
{
    if (nodeId <= 0 || nodeId >= static_cast<int>(m_visibleRow.size())) return {};
    const int row = m_visibleRow[static_cast<size_t>(nodeId)];
    if (row < 0) return {};
    return createIndex(row, column, static_cast<quintptr>(nodeId));
}

QModelIndex VariableFilterProxy::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= columnCount() || parent.column() > 0) return {};
    const int p = nodeIdOf(parent);
    if (p >= static_cast<int>(m_childCount.size()) || row >= m_childCount[static_cast<size_t>(p)]) return {};
    const int child = m_visibleFlat[static_cast<size_t>(m_childStart[static_cast<size_t>(p)] + row)];
    return createIndex(row, column, static_cast<quintptr>(child));
}

QModelIndex VariableFilterProxy::parent(const QModelIndex& child) const
{
    if (!child.isValid() || !m_artifact) return {};
    return indexOfNode(m_artifact->tree.nodes[static_cast<size_t>(nodeIdOf(child))].parent);
}

int VariableFilterProxy::rowCount(const QModelIndex& parent) const
{
    if (parent.column() > 0) return 0;
    const int p = nodeIdOf(parent);
    return p < static_cast<int>(m_childCount.size()) ? m_childCount[static_cast<size_t>(p)] : 0;
}

int VariableFilterProxy::columnCount(const QModelIndex&) const
{
    return m_source ? m_source->columnCount() : 0;
}

bool VariableFilterProxy::hasChildren(const QModelIndex& parent) const
{
    return rowCount(parent) > 0;
}

QModelIndex VariableFilterProxy::mapToSource(const QModelIndex& proxyIndex) const
{
    if (!proxyIndex.isValid() || !m_source) return {};
    return m_source->indexOfNode(nodeIdOf(proxyIndex), proxyIndex.column());
}

QModelIndex VariableFilterProxy::mapFromSource(const QModelIndex& sourceIndex) const
{
    return indexOfNode(nodeIdOf(sourceIndex), sourceIndex.column());
}

QVariant VariableFilterProxy::headerData(int section, Qt::Orientation orientation, int role) const
{
    return m_source ? m_source->headerData(section, orientation, role) : QVariant();
}

} // namespace tscope::model
