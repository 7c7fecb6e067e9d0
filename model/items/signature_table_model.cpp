#include "model/items/signature_table_model.h"

#include "io/dtype.h"

#include <QColor>
#include <QFont>

namespace tscope::model {

QString shapeText(const std::optional<io::Shape>& shape)
{
    return QString::fromStdString(io::shapeToString(shape, io::ShapeStyle::Parentheses));
}

SignatureTableModel::SignatureTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void SignatureTableModel::setMetaGraph(const io::MetaGraphInfo* mg)
{
    beginResetModel();
    m_rows.clear();
    if (mg)
        for (const auto& s : mg->signatures) {
            for (const auto& a : s.inputs)
                m_rows.push_back({ &s, &a, true });
            for (const auto& a : s.outputs)
                m_rows.push_back({ &s, &a, false });
            if (s.inputs.empty() && s.outputs.empty()) m_rows.push_back({ &s, nullptr, true });
        }
    endResetModel();
}

int SignatureTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}
int SignatureTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SignatureTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= static_cast<int>(m_rows.size())) return {};
    const Row& r = m_rows[static_cast<size_t>(index.row())];
    const bool internal = r.signature->key.starts_with("__");
    if (role == Qt::ForegroundRole && internal) return QColor(Qt::gray);
    if (role == Qt::FontRole && index.column() == SignatureColumn && !internal) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    switch (index.column()) {
    case SignatureColumn:
        return QString::fromStdString(r.signature->key);
    case MethodColumn:
        return QString::fromStdString(r.signature->methodName);
    case DirectionColumn:
        return r.arg ? (r.input ? tr("input") : tr("output")) : QString();
    case NameColumn:
        return r.arg ? QString::fromStdString(r.arg->name) : tr("(no inputs or outputs)");
    case DTypeColumn:
        return r.arg ? QString::fromStdString(io::dtypeName(r.arg->dtype)) : QString();
    case ShapeColumn:
        return r.arg ? shapeText(r.arg->shape) : QString();
    case TensorColumn:
        if (!r.arg) return {};
        return QString::fromStdString(r.arg->tensor)
            + (r.arg->encoding == "name"
                    ? QString()
                    : QStringLiteral(" (%1)").arg(QString::fromStdString(r.arg->encoding)));
    }
    return {};
}

QVariant SignatureTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[]
        = { "Signature", "Method", "Direction", "Name", "DType", "Shape", "Graph tensor" };
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace tscope::model
