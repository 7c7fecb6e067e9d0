#include "model/items/variable_filter_proxy.h"

#include "io/variable_tree.h"
#include "model/items/variable_tree_model.h"

namespace tscope::model {

VariableFilterProxy::VariableFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setDynamicSortFilter(true);
    setSortRole(VariableTreeModel::SortRole);
    setFilterRole(VariableTreeModel::FilterRole);
}

bool VariableFilterProxy::isFiltering() const
{
    return !m_text.isEmpty() || !m_dtype.isEmpty() || m_hasShape;
}

void VariableFilterProxy::setText(const QString& text, bool regularExpression)
{
    m_text = text;
    m_useRegex = regularExpression;
    m_error.clear();
    if (regularExpression && !text.isEmpty()) {
        m_regex = QRegularExpression(text, QRegularExpression::CaseInsensitiveOption);
        if (!m_regex.isValid()) m_error = m_regex.errorString();
    }
    invalidateFilter();
}

void VariableFilterProxy::setDType(const QString& dtype)
{
    m_dtype = dtype;
    invalidateFilter();
}

bool VariableFilterProxy::setShapePattern(const QString& raw)
{
    QString p = raw.trimmed().toLower();
    m_hasShape = false;
    m_rank = -1;
    m_shape.clear();
    bool ok = true;
    if (p.isEmpty()) {
    } else if (p == QLatin1String("scalar") || p == QLatin1String("[]") || p == QLatin1String("()")) {
        m_hasShape = true;
        m_rank = 0;
    } else if (static const QRegularExpression rankRe(
                   QStringLiteral("^(?:rank\\s*=?\\s*(\\d+)|(\\d+)\\s*-?d)$"));
               rankRe.match(p).hasMatch()) {
        auto m = rankRe.match(p);
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
    invalidateFilter();
    return ok;
}

void VariableFilterProxy::setShowSlots(bool show)
{
    m_showSlots = show;
    invalidateFilter();
}

bool VariableFilterProxy::shapeMatches(const QList<qint64>& dims) const
{
    if (m_rank >= 0) return dims.size() == m_rank;
    if (dims.size() != m_shape.size()) return false;
    for (qsizetype i = 0; i < dims.size(); ++i)
        if (m_shape[i] >= 0 && m_shape[i] != dims[i]) return false;
    return true;
}

bool VariableFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto kind = static_cast<io::NodeKind>(idx.data(VariableTreeModel::KindRole).toInt());
    if (kind == io::NodeKind::Slot && !m_showSlots) return false;
    const bool hasEntry = idx.data(VariableTreeModel::TensorRefRole).value<TensorRef>().isValid();
    if (!isFiltering()) return true;
    // Inner nodes are shown only because a descendant matches (recursive filtering).
    if (!hasEntry) return false;
    if (!m_dtype.isEmpty() && idx.data(VariableTreeModel::DTypeNameRole).toString() != m_dtype) return false;
    if (m_hasShape && !shapeMatches(idx.data(VariableTreeModel::ShapeRole).value<QList<qint64>>()))
        return false;
    if (!m_text.isEmpty()) {
        const QString hay = idx.data(VariableTreeModel::FilterRole).toString();
        if (m_useRegex) return m_regex.isValid() && m_regex.match(hay).hasMatch();
        return hay.contains(m_text, Qt::CaseInsensitive);
    }
    return true;
}

} // namespace tscope::model
