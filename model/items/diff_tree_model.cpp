#include "model/items/diff_tree_model.h"

#include "io/element.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <cstring>
#include <unordered_map>

namespace tscope::model {
namespace {

constexpr const char* kValueSuffix = "/.ATTRIBUTES/VARIABLE_VALUE";

QString statusText(const DiffRow& row)
{
    if (!row.error.isOk()) return QStringLiteral("unreadable");
    if (!row.status) return QStringLiteral("…");
    switch (*row.status) {
    case io::PairStatus::OnlyInA:
        return QStringLiteral("only in A");
    case io::PairStatus::OnlyInB:
        return QStringLiteral("only in B");
    case io::PairStatus::DtypeChanged:
        return QStringLiteral("dtype changed");
    case io::PairStatus::ShapeChanged:
        return QStringLiteral("shape changed");
    case io::PairStatus::Identical:
        return QStringLiteral("identical");
    case io::PairStatus::Changed:
        return QStringLiteral("changed");
    }
    return {};
}

bool differs(const DiffRow& row)
{
    return row.status != io::PairStatus::Identical;
}

// Six significant digits in the cells (the tooltip and the JSON keep every digit).
QString number(const std::optional<double>& v)
{
    return v ? QString::number(*v, 'g', 6) : QString();
}

QString typeText(const io::Artifact* artifact, int entry)
{
    if (!artifact || entry < 0) return {};
    const auto& e = artifact->bundle->entries()[static_cast<size_t>(entry)];
    return QString::fromStdString(io::dtypeName(e.dtype) + io::shapeToString(e.shape));
}

QString rowKey(const io::Artifact* a, const io::Artifact* b, const DiffRow& row)
{
    const std::string& key = row.a >= 0 ? a->bundle->entries()[static_cast<size_t>(row.a)].key
                                        : b->bundle->entries()[static_cast<size_t>(row.b)].key;
    return QString::fromStdString(key);
}

// Status column order: identical, changed, only in one side, then what breaks a restore.
double statusRank(io::PairStatus s)
{
    switch (s) {
    case io::PairStatus::Identical:
        return 0;
    case io::PairStatus::Changed:
        return 1;
    case io::PairStatus::OnlyInA:
        return 2;
    case io::PairStatus::OnlyInB:
        return 3;
    case io::PairStatus::DtypeChanged:
        return 4;
    case io::PairStatus::ShapeChanged:
        return 5;
    }
    return 6;
}

bool isOptimizerState(const io::Artifact* a, const io::Artifact* b, const DiffRow& row)
{
    const bool inA = a && row.a >= 0 && a->tree.annotations[static_cast<size_t>(row.a)].optimizerState;
    const bool inB = b && row.b >= 0 && b->tree.annotations[static_cast<size_t>(row.b)].optimizerState;
    return inA || inB;
}

// A metric cell's number: a pair identical by checksum has no metrics but differs by nothing.
std::optional<double> metricValue(const DiffRow& row, int column)
{
    const auto& m = row.metrics;
    const bool numeric = m && m->numeric;
    const bool sameBytes = !m && row.status == io::PairStatus::Identical; // by checksum: all zero
    auto metric = [&](const std::optional<double>& v, bool zeroWhenSame) -> std::optional<double> {
        if (numeric) return v;
        if (sameBytes && zeroWhenSame) return 0.0;
        return std::nullopt;
    };
    switch (column) {
    case DiffTreeModel::MaxAbs:
        return metric(m ? m->maxAbsDiff : std::nullopt, true);
    case DiffTreeModel::MeanAbs:
        return metric(m ? m->meanAbsDiff : std::nullopt, true);
    case DiffTreeModel::Rms:
        return metric(m ? m->rmsDiff : std::nullopt, true);
    case DiffTreeModel::RelChange:
        return metric(m ? m->relChange : std::nullopt, false);
    case DiffTreeModel::Cosine:
        return metric(m ? m->cosine : std::nullopt, false);
    case DiffTreeModel::FracChanged:
        if (m) return m->fracChanged();
        if (sameBytes) return 0.0;
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

} // namespace

DiffTreeModel::DiffTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
{
    m_nodes.push_back({});
}

void DiffTreeModel::setDiff(
    std::shared_ptr<const io::Artifact> a, std::shared_ptr<const io::Artifact> b, ArtifactDiff diff)
{
    auto nodes = buildNodes(a.get(), b.get(), diff);
    setDiff(std::move(a), std::move(b), std::move(diff), std::move(nodes));
}

void DiffTreeModel::setDiff(std::shared_ptr<const io::Artifact> a, std::shared_ptr<const io::Artifact> b,
    ArtifactDiff diff, std::vector<Node> nodes)
{
    beginResetModel();
    m_a = std::move(a);
    m_b = std::move(b);
    m_diff = std::move(diff);
    m_nodes = std::move(nodes);
    if (m_nodes.empty()) m_nodes.push_back({});
    ++m_generation;
    endResetModel();
}

void DiffTreeModel::clear()
{
    beginResetModel();
    m_a.reset();
    m_b.reset();
    m_diff = {};
    m_nodes.assign(1, {});
    ++m_generation;
    endResetModel();
}

QString DiffTreeModel::keyOf(const DiffRow& row) const
{
    return rowKey(m_a.get(), m_b.get(), row);
}

// The tree path of a key: its `/` segments without the `/.ATTRIBUTES/VARIABLE_VALUE` tail; an optimizer
// slot (`X/.OPTIMIZER_SLOT/OPT/NAME`) becomes one leaf "NAME (OPT)" under its variable X.
QStringList DiffTreeModel::pathOf(const QString& key)
{
    QString path = key;
    if (path.endsWith(QLatin1String(kValueSuffix))) path.chop(static_cast<int>(std::strlen(kValueSuffix)));
    const int slot = path.indexOf(QLatin1String("/.OPTIMIZER_SLOT/"));
    if (slot < 0) return path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    QStringList parts = path.left(slot).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QString rest = path.mid(slot + 17); // OPT/NAME, the optimizer's path may hold '/'
    const int cut = rest.lastIndexOf(QLatin1Char('/'));
    parts << (cut < 0 ? rest : QStringLiteral("%1 (%2)").arg(rest.mid(cut + 1), rest.left(cut)));
    return parts;
}

std::vector<DiffTreeModel::Node> DiffTreeModel::buildNodes(
    const io::Artifact* a, const io::Artifact* b, const ArtifactDiff& diff)
{
    std::vector<Node> nodes(1);
    std::vector<std::unordered_map<QString, int>> childByName(1);
    for (size_t r = 0; r < diff.rows.size(); ++r) {
        const QStringList parts = pathOf(rowKey(a, b, diff.rows[r]));
        int parent = 0;
        for (int i = 0; i < parts.size(); ++i) {
            const bool last = i + 1 == parts.size();
            auto& names = childByName[static_cast<size_t>(parent)];
            auto it = names.find(parts[i]);
            // Descend into an existing node (a variable holds its slots); the last segment becomes a
            // leaf unless a node of that name has no row yet (its slots came first).
            if (it != names.end() && (!last || nodes[static_cast<size_t>(it->second)].diffRow < 0)) {
                parent = it->second;
                if (last) {
                    nodes[static_cast<size_t>(parent)].diffRow = static_cast<int>(r);
                    nodes[static_cast<size_t>(parent)].optimizer = isOptimizerState(a, b, diff.rows[r]);
                }
                continue;
            }
            Node node;
            node.name = parts[i];
            node.parent = parent;
            node.rowInParent = static_cast<int>(nodes[static_cast<size_t>(parent)].children.size());
            if (last) {
                node.diffRow = static_cast<int>(r);
                node.optimizer = isOptimizerState(a, b, diff.rows[r]);
            }
            const int id = static_cast<int>(nodes.size());
            nodes.push_back(std::move(node));
            childByName.emplace_back();
            nodes[static_cast<size_t>(parent)].children.push_back(id);
            childByName[static_cast<size_t>(parent)].emplace(parts[i], id);
            parent = id;
        }
        for (int p = parent; p >= 0; p = nodes[static_cast<size_t>(p)].parent) {
            nodes[static_cast<size_t>(p)].leaves++;
            nodes[static_cast<size_t>(p)].differing += differs(diff.rows[r]) ? 1 : 0;
        }
    }
    return nodes;
}

void DiffTreeModel::updateRows(std::vector<DiffRow>&& rows)
{
    if (rows.size() != m_diff.rows.size()) return;
    emit layoutAboutToBeChanged();
    m_diff.rows.swap(rows);
    for (auto& n : m_nodes)
        n.differing = 0;
    for (size_t id = 1; id < m_nodes.size(); ++id) {
        const Node& n = m_nodes[id];
        if (n.diffRow < 0 || !differs(m_diff.rows[static_cast<size_t>(n.diffRow)])) continue;
        for (int p = static_cast<int>(id); p >= 0; p = m_nodes[static_cast<size_t>(p)].parent)
            m_nodes[static_cast<size_t>(p)].differing++;
    }
    ++m_generation;
    emit layoutChanged(); // nothing moved: persistent indexes stay valid, every cell is read again
}

double DiffTreeModel::sortNumber(int id, int column) const
{
    const Node& node = m_nodes[static_cast<size_t>(id)];
    if (node.diffRow < 0) return column == Status ? node.differing : -1.0;
    const DiffRow& row = m_diff.rows[static_cast<size_t>(node.diffRow)];
    if (column == Status) // the most telling first when descending
        return !row.error.isOk() ? 7.0 : row.status ? statusRank(*row.status) : -1.0;
    return metricValue(row, column).value_or(-1.0);
}

QModelIndex DiffTreeModel::indexOfKey(const std::string& key) const
{
    for (size_t id = 1; id < m_nodes.size(); ++id) {
        const Node& n = m_nodes[id];
        if (n.diffRow < 0) continue;
        const DiffRow& row = m_diff.rows[static_cast<size_t>(n.diffRow)];
        if ((row.a >= 0 && m_a->bundle->entries()[static_cast<size_t>(row.a)].key == key)
            || (row.b >= 0 && m_b->bundle->entries()[static_cast<size_t>(row.b)].key == key))
            return createIndex(n.rowInParent, 0, static_cast<quintptr>(id));
    }
    return {};
}

QModelIndex DiffTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount) return {};
    const size_t p = parent.isValid() ? static_cast<size_t>(parent.internalId()) : 0;
    if (parent.isValid() && parent.column() != 0) return {};
    if (p >= m_nodes.size() || row >= static_cast<int>(m_nodes[p].children.size())) return {};
    return createIndex(row, column, static_cast<quintptr>(m_nodes[p].children[static_cast<size_t>(row)]));
}

QModelIndex DiffTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid()) return {};
    const int p = m_nodes[static_cast<size_t>(child.internalId())].parent;
    if (p <= 0) return {};
    return createIndex(m_nodes[static_cast<size_t>(p)].rowInParent, 0, static_cast<quintptr>(p));
}

int DiffTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0) return 0;
    const size_t p = parent.isValid() ? static_cast<size_t>(parent.internalId()) : 0;
    return p < m_nodes.size() ? static_cast<int>(m_nodes[p].children.size()) : 0;
}

int DiffTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant DiffTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Name:
        return tr("Variable");
    case Status:
        return tr("Status");
    case MaxAbs:
        return tr("max |b−a|");
    case MeanAbs:
        return tr("mean |b−a|");
    case Rms:
        return tr("RMS b−a");
    case RelChange:
        return tr("‖b−a‖/‖a‖");
    case Cosine:
        return tr("cosine");
    case FracChanged:
        return tr("changed");
    case TypeA:
        return tr("A");
    case TypeB:
        return tr("B");
    default:
        return {};
    }
}

QVariant DiffTreeModel::leafData(const Node& node, int column, int role) const
{
    const DiffRow& row = m_diff.rows[static_cast<size_t>(node.diffRow)];
    const std::optional<double> value = metricValue(row, column);
    if (role == SortRole) {
        if (column == Name) return node.name;
        if (column == Status) return sortNumber(static_cast<int>(&node - m_nodes.data()), Status);
        if (column == TypeA || column == TypeB) return leafData(node, column, Qt::DisplayRole);
        return value.value_or(-1.0);
    }
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Name:
            return node.name;
        case Status:
            return statusText(row);
        case TypeA:
            return typeText(m_a.get(), row.a);
        case TypeB:
            return typeText(m_b.get(), row.b);
        case FracChanged:
            return value ? QString::number(*value * 100.0, 'g', 4) + QLatin1Char('%') : QString();
        default:
            return number(value);
        }
    }
    if (role == Qt::ToolTipRole && column == Name) {
        QString tip = keyOf(row);
        if (row.a >= 0 && row.b >= 0)
            tip += QStringLiteral("\n→ ")
                + QString::fromStdString(m_b->bundle->entries()[static_cast<size_t>(row.b)].key);
        if (row.match >= 0)
            tip += QStringLiteral("\nmatched by ")
                + QString::fromLatin1(
                    io::matchMethodName(m_diff.mapping.matches[static_cast<size_t>(row.match)].method));
        if (!row.error.isOk()) tip += QStringLiteral("\n") + QString::fromStdString(row.error.toString());
        return tip;
    }
    if (role == Qt::ForegroundRole && column == Status && row.status) {
        // Mid-saturation colours readable on light and dark palettes.
        switch (*row.status) {
        case io::PairStatus::Changed:
            return QBrush(QColor(0xd9, 0x82, 0x2b));
        case io::PairStatus::DtypeChanged:
        case io::PairStatus::ShapeChanged:
            return QBrush(QColor(0xd6, 0x45, 0x41));
        case io::PairStatus::OnlyInA:
        case io::PairStatus::OnlyInB:
            return QBrush(QColor(0x3d, 0x8e, 0xc9));
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole && column >= MaxAbs && column <= FracChanged)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == RowRole) return node.diffRow;
    if (role == StatusRole)
        return row.status ? QString::fromLatin1(io::pairStatusName(*row.status))
                          : QStringLiteral("unreadable");
    if (role == OptimizerRole) return node.optimizer;
    return {};
}

QVariant DiffTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()) return {};
    const Node& node = m_nodes[static_cast<size_t>(index.internalId())];
    if (node.diffRow >= 0) return leafData(node, index.column(), role);
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == Name) return node.name;
        if (index.column() == Status)
            return node.differing ? tr("%1 of %2 differ").arg(node.differing).arg(node.leaves)
                                  : tr("identical");
        return {};
    case SortRole:
        if (index.column() == Name) return node.name;
        return sortNumber(static_cast<int>(index.internalId()), index.column());
    case RowRole:
        return -1;
    case StatusRole:
        return node.differing ? QStringLiteral("changed") : QString();
    case OptimizerRole:
        return false;
    default:
        return {};
    }
}

} // namespace tscope::model
