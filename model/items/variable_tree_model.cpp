#include "model/items/variable_tree_model.h"

#include "io/dtype.h"

#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QLocale>
#include <QPainter>
#include <QPalette>
#include <QPixmap>

namespace tscope::model {

QString formatBytes(quint64 bytes)
{
    if (bytes == 1) return QObject::tr("1 byte"); // Qt says "1 bytes"
    return QLocale::system().formattedDataSize(static_cast<qint64>(bytes), 1, QLocale::DataSizeIecFormat);
}

QString formatCount(quint64 n)
{
    return QLocale::system().toString(n);
}

namespace {
bool darkPalette()
{
    return qGuiApp && QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
}

QColor damagedColorFor(bool dark)
{
    // Plain red is too dark on a dark base and too light for small text on white.
    return dark ? QColor(255, 120, 110) : QColor(200, 30, 30);
}
} // namespace

QColor damagedColor()
{
    return damagedColorFor(darkPalette());
}

namespace {
QIcon drawDamagedIcon(bool dark)
{
    // Drawn, not themed, so it looks the same everywhere; several sizes stay sharp at scale 2.
    const QColor fill = damagedColorFor(dark);
    QIcon icon;
    for (int size : { 16, 24, 32, 48 }) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        const qreal m = size / 16.0;
        p.drawEllipse(QRectF(m, m, size - 2 * m, size - 2 * m));
        p.setPen(QPen(dark ? QColor(30, 30, 30) : QColor(Qt::white), 2 * m, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(size / 2.0, 4.5 * m), QPointF(size / 2.0, 9 * m));
        p.drawPoint(QPointF(size / 2.0, 11.8 * m));
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}
} // namespace

QIcon damagedIcon()
{
    // Painted once per palette darkness (the tree asks on every repaint).
    if (!qGuiApp) return {}; // pixmaps need one (a GUI-less test)
    static const QIcon light = drawDamagedIcon(false);
    static const QIcon dark = drawDamagedIcon(true);
    return darkPalette() ? dark : light;
}

VariableTreeModel::VariableTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
{ }

void VariableTreeModel::setArtifact(std::shared_ptr<const io::Artifact> artifact, ArtifactId id)
{
    beginResetModel();
    m_artifact = std::move(artifact);
    m_artifactId = !m_artifact ? 0 : id != 0 ? id : newArtifactId(); // 0: a fresh identity
    m_rowInParent.clear();
    m_nodeOfEntry.clear();
    m_problems.clear();
    if (m_artifact) {
        const auto& nodes = m_artifact->tree.nodes;
        m_rowInParent.assign(nodes.size(), 0);
        for (const auto& n : nodes)
            for (size_t r = 0; r < n.children.size(); ++r)
                m_rowInParent[static_cast<size_t>(n.children[r])] = static_cast<int>(r);
        if (m_artifact->bundle) {
            m_nodeOfEntry.assign(m_artifact->bundle->entries().size(), -1);
            for (size_t i = 0; i < nodes.size(); ++i)
                if (nodes[i].entry >= 0 && m_nodeOfEntry[static_cast<size_t>(nodes[i].entry)] < 0)
                    m_nodeOfEntry[static_cast<size_t>(nodes[i].entry)] = static_cast<int>(i);
        }
    }
    endResetModel();
}

QString VariableTreeModel::nameSortKey(int nodeId) const
{
    return QString::fromStdString(m_artifact->tree.nodes[static_cast<size_t>(nodeId)].name).toLower();
}

int VariableTreeModel::nodeId(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<int>(index.internalId()) : 0;
}

const io::TreeNode* VariableTreeModel::node(const QModelIndex& index) const
{
    if (!m_artifact || !index.isValid()) return nullptr;
    return &m_artifact->tree.nodes[static_cast<size_t>(nodeId(index))];
}

QModelIndex VariableTreeModel::indexOfNode(int nodeId, int column) const
{
    if (!m_artifact || nodeId <= 0 || nodeId >= static_cast<int>(m_rowInParent.size())) return {};
    return createIndex(m_rowInParent[static_cast<size_t>(nodeId)], column, static_cast<quintptr>(nodeId));
}

QModelIndex VariableTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!m_artifact || row < 0 || column < 0 || column >= ColumnCount) return {};
    const auto& p = m_artifact->tree.nodes[static_cast<size_t>(nodeId(parent))];
    if (row >= static_cast<int>(p.children.size())) return {};
    return createIndex(row, column, static_cast<quintptr>(p.children[static_cast<size_t>(row)]));
}

QModelIndex VariableTreeModel::parent(const QModelIndex& child) const
{
    if (!m_artifact || !child.isValid()) return {};
    int parentId = m_artifact->tree.nodes[static_cast<size_t>(nodeId(child))].parent;
    if (parentId <= 0) return {};
    return createIndex(m_rowInParent[static_cast<size_t>(parentId)], 0, static_cast<quintptr>(parentId));
}

int VariableTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!m_artifact || (parent.isValid() && parent.column() != 0)) return 0;
    return static_cast<int>(m_artifact->tree.nodes[static_cast<size_t>(nodeId(parent))].children.size());
}

int VariableTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QModelIndex VariableTreeModel::indexForRef(const TensorRef& ref) const
{
    if (!m_artifact || !m_artifact->bundle || !ref.isValid() || ref.artifact != m_artifactId) return {};
    const int entry = m_artifact->bundle->indexOf(ref.key);
    if (entry < 0 || entry >= static_cast<int>(m_nodeOfEntry.size())) return {};
    int id = m_nodeOfEntry[static_cast<size_t>(entry)];
    if (id <= 0) return {};
    return createIndex(m_rowInParent[static_cast<size_t>(id)], 0, static_cast<quintptr>(id));
}

const io::SlotLink* VariableTreeModel::slotLinkOf(const io::TreeNode& n) const
{
    if (n.entry < 0 || static_cast<size_t>(n.entry) >= m_artifact->tree.annotations.size()) return nullptr;
    const io::SlotLink& link = m_artifact->tree.annotations[static_cast<size_t>(n.entry)].details().slotLink;
    return link.confidence == io::SlotLinkConfidence::None ? nullptr : &link;
}

const io::Status* VariableTreeModel::problemOf(const io::TensorEntry& e) const
{
    if (!e.problem.isOk()) return &e.problem;
    if (m_problems.empty()) return nullptr;
    auto it = m_problems.find(e.key);
    return it == m_problems.end() ? nullptr : &it->second;
}

void VariableTreeModel::emitRowChanged(const std::string& key)
{
    const QModelIndex i = indexForRef(TensorRef { m_artifactId, key });
    if (i.isValid()) emit dataChanged(i, i.siblingAtColumn(ColumnCount - 1));
}

void VariableTreeModel::setTensorProblems(ArtifactId id, std::map<std::string, io::Status> problems)
{
    if (!m_artifact || id != m_artifactId) return;
    std::swap(m_problems, problems);
    for (const auto& [key, status] : problems) // the old marks
        emitRowChanged(key);
    for (const auto& [key, status] : m_problems)
        emitRowChanged(key);
}

QString VariableTreeModel::filterText(const io::Artifact& artifact, int nodeId)
{
    const io::TreeNode& n = artifact.tree.nodes[static_cast<size_t>(nodeId)];
    const io::TensorEntry* e = n.entry >= 0 && artifact.bundle
        ? &artifact.bundle->entries()[static_cast<size_t>(n.entry)]
        : nullptr;
    return QString::fromStdString((n.path.empty() ? n.name : n.path)
        + (n.label().empty() ? std::string() : " " + n.label()) + (e ? "\n" + e->key : std::string()));
}

QVariant VariableTreeModel::data(const QModelIndex& index, int role) const
{
    const io::TreeNode* n = node(index);
    if (!n) return {};
    const io::TensorEntry* e = n->entry >= 0 && m_artifact->bundle
        ? &m_artifact->bundle->entries()[static_cast<size_t>(n->entry)]
        : nullptr;
    const bool isSlot = n->kind == io::NodeKind::Slot;
    const quint64 params = e && isSlot ? e->elementCount() : n->parameters;
    const quint64 bytes = e && isSlot ? e->byteSize() : n->bytes;
    auto shapeText = [&] { return QString::fromStdString(io::shapeToString(e->shape)); };
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            if (isSlot)
                return QStringLiteral("%1 (%2)").arg(
                    QString::fromStdString(n->name), QString::fromStdString(n->optimizerPath()));
            if (!n->label().empty())
                return QStringLiteral("%1 — %2").arg(
                    QString::fromStdString(n->name), QString::fromStdString(n->label()));
            return QString::fromStdString(n->name);
        case DTypeColumn:
            return e ? QString::fromStdString(io::dtypeName(e->dtype)) : QVariant();
        case ShapeColumn:
            return e ? shapeText() : QVariant();
        case ParametersColumn:
            return formatCount(params);
        case BytesColumn:
            return formatBytes(bytes);
        }
        return {};
    case Qt::ToolTipRole: {
        if (!e)
            return QStringLiteral("%1\n%2 parameters, %3")
                .arg(QString::fromStdString(n->path.empty() ? n->name : n->path), formatCount(params),
                    formatBytes(bytes));
        QString tip = QString::fromStdString(e->key);
        if (isSlot)
            tip += QStringLiteral("\nOptimizer slot '%1' of %2")
                       .arg(
                           QString::fromStdString(n->slotName()), QString::fromStdString(n->optimizerPath()));
        if (const io::SlotLink* link = slotLinkOf(*n); link && !isSlot)
            tip += QStringLiteral("\nOptimizer slot, %1\n%2")
                       .arg(QString::fromStdString(io::slotLinkText(*link)),
                           QString::fromStdString(link->reason));
        if (const auto& found = m_artifact->tree.annotations[static_cast<size_t>(n->entry)].details().foundAt;
            !found.empty())
            tip += QStringLiteral("\nModel weight, found at %1").arg(QString::fromStdString(found));
        if (const io::Status* problem = problemOf(*e))
            tip += QStringLiteral("\nDamaged: ") + QString::fromStdString(problem->toString());
        return tip;
    }
    case Qt::TextAlignmentRole:
        if (index.column() == ParametersColumn || index.column() == BytesColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (e && problemOf(*e)) return damagedColor();
        return {};
    case Qt::DecorationRole:
        if (index.column() == NameColumn && e && problemOf(*e)) return damagedIcon();
        return {};
    case Qt::FontRole:
        if (isSlot) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case ParametersColumn:
            return params;
        case BytesColumn:
            return bytes;
        case ShapeColumn:
            return e ? QVariant(static_cast<quint64>(e->elementCount())) : QVariant(0ULL);
        case DTypeColumn:
            return e ? QString::fromStdString(io::dtypeName(e->dtype)) : QString();
        default:
            return nameSortKey(nodeId(index));
        }
    case FilterRole:
        return filterText(*m_artifact, nodeId(index));
    case TensorRefRole:
        return QVariant::fromValue(e ? TensorRef { m_artifactId, e->key } : TensorRef {});
    case KindRole:
        return static_cast<int>(n->kind);
    case DTypeNameRole:
        return e ? QString::fromStdString(io::dtypeName(e->dtype)) : QString();
    case ShapeRole: {
        QList<qint64> dims;
        if (e)
            for (auto d : e->shape)
                dims << d;
        return QVariant::fromValue(dims);
    }
    case KeyRole:
        return e ? QString::fromStdString(e->key) : QString();
    case RankRole:
        return e ? static_cast<int>(e->shape.size()) : -1;
    case SlotLinkRole: {
        QVariantMap map;
        if (const io::SlotLink* link = slotLinkOf(*n)) {
            auto q = [](const std::string& t) { return QString::fromStdString(t); };
            map.insert(QStringLiteral("confidence"),
                QString::fromLatin1(io::slotLinkConfidenceName(link->confidence)));
            map.insert(QStringLiteral("variable"), q(link->variableKey));
            map.insert(QStringLiteral("variablePath"), q(link->variablePath));
            map.insert(QStringLiteral("slotName"), q(link->slotName));
            map.insert(QStringLiteral("optimizerPath"), q(link->optimizerPath));
            map.insert(QStringLiteral("reason"), q(link->reason));
            map.insert(QStringLiteral("text"), q(io::slotLinkText(*link)));
        }
        return map;
    }
    case ProblemRole: {
        const io::Status* problem = e ? problemOf(*e) : nullptr;
        return problem ? QString::fromStdString(problem->toString()) : QString();
    }
    }
    return {};
}

QVariant VariableTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case DTypeColumn:
        return tr("DType");
    case ShapeColumn:
        return tr("Shape");
    case ParametersColumn:
        return tr("Parameters");
    case BytesColumn:
        return tr("Bytes");
    }
    return {};
}

} // namespace tscope::model
