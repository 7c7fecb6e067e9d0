#include "model/items/value_table_model.h"

#include "io/dtype.h"
#include "io/element.h"

#include <QColor>
#include <QFontDatabase>
#include <cmath>
#include <limits>

namespace tscope::model {

QString displayString(const std::string& s, int maxChars)
{
    QString text = QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
    if (text.toUtf8() != QByteArray::fromStdString(s)) { // not valid UTF-8: show escaped bytes
        text.clear();
        for (unsigned char c : s) {
            if (c >= 0x20 && c < 0x7f && c != '\\')
                text += QChar(c);
            else
                text += QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
        }
    }
    if (text.size() > maxChars) text = text.left(maxChars) + QStringLiteral("… (%1 bytes)").arg(s.size());
    return text;
}

ValueTableModel::ValueTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void ValueTableModel::setTensor(std::shared_ptr<const io::Tensor> tensor)
{
    beginResetModel();
    m_tensor = std::move(tensor);
    m_selection = m_tensor ? PlaneSelection::defaultFor(m_tensor->shape()) : PlaneSelection {};
    endResetModel();
}

void ValueTableModel::setSelection(const PlaneSelection& selection)
{
    if (!m_tensor || !selection.isValidFor(m_tensor->shape())) return;
    beginResetModel();
    m_selection = selection;
    endResetModel();
}

int ValueTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_tensor || m_tensor->elementCount() == 0) return 0;
    return static_cast<int>(
        std::min<int64_t>(m_selection.rows(m_tensor->shape()), std::numeric_limits<int>::max()));
}

int ValueTableModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_tensor || m_tensor->elementCount() == 0) return 0;
    return static_cast<int>(
        std::min<int64_t>(m_selection.cols(m_tensor->shape()), std::numeric_limits<int>::max()));
}

QVariant ValueTableModel::data(const QModelIndex& index, int role) const
{
    if (!m_tensor || !index.isValid()) return {};
    const uint64_t i = m_selection.elementIndex(m_tensor->shape(), index.row(), index.column());
    if (i >= m_tensor->elementCount()) return {};
    if (m_tensor->isString()) {
        const auto& s = m_tensor->stringValues()[i];
        if (role == Qt::DisplayRole) return displayString(s, 80);
        if (role == Qt::ToolTipRole) return displayString(s, 4000);
        if (role == RawValueRole) return std::numeric_limits<double>::quiet_NaN();
        return {};
    }
    const io::DType dtype = m_tensor->dtype();
    const size_t esize = io::dtypeInfo(dtype).elementSize;
    // One element copied through the guard: the mapped file may have shrunk since the analysis.
    std::byte p[16];
    if (esize > sizeof p || !m_tensor->copyTo(i * esize, std::span<std::byte>(p, esize)).isOk()) {
        if (role == Qt::DisplayRole) return tr("(changed on disk)");
        if (role == Qt::ToolTipRole)
            return tr("The file changed on disk while it was open (truncated or rewritten); reopen it.");
        if (role == RawValueRole) return std::numeric_limits<double>::quiet_NaN();
        return {};
    }
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return QString::fromStdString(io::formatElement(dtype, p));
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    case Qt::ForegroundRole: {
        double v = io::elementAsDouble(dtype, p);
        if (!std::isfinite(v)) return QColor(Qt::red);
        return {};
    }
    case RawValueRole:
        return io::elementAsDouble(dtype, p);
    }
    return {};
}

QVariant ValueTableModel::headerData(int section, Qt::Orientation, int role) const
{
    if (role == Qt::DisplayRole) return section;
    return {};
}

} // namespace tscope::model
