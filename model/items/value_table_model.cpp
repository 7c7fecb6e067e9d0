#include "model/items/value_table_model.h"

#include "io/dtype.h"
#include "io/element.h"

#include <QColor>
#include <QFontDatabase>
#include <algorithm>
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
        return cellText(index.row(), index.column());
    case Qt::ToolTipRole:
        return QString::fromStdString(io::formatElement(dtype, p)); // always exact
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

void ValueTableModel::setPrecision(int significantDigits)
{
    const int p = std::clamp(significantDigits, 0, 17);
    if (p == m_precision) return;
    m_precision = p;
    if (rowCount() > 0 && columnCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), { Qt::DisplayRole });
}

QString ValueTableModel::cellText(int row, int column) const
{
    if (!m_tensor) return {};
    const uint64_t i = m_selection.elementIndex(m_tensor->shape(), row, column);
    if (i >= m_tensor->elementCount()) return {};
    if (m_tensor->isString()) return displayString(m_tensor->stringValues()[i], 80);
    const io::DType dtype = m_tensor->dtype();
    const std::byte* p = m_tensor->bytes().data() + i * io::dtypeInfo(dtype).elementSize;
    const auto kind = io::dtypeInfo(dtype).kind;
    if (m_precision > 0 && kind == io::DTypeKind::Float) {
        const double v = io::elementAsDouble(dtype, p);
        if (std::isfinite(v)) return QString::number(v, 'g', m_precision);
    }
    return QString::fromStdString(io::formatElement(dtype, p));
}

int ValueTableModel::maxTextLength() const
{
    if (!m_tensor) return 0;
    const int rows = rowCount(), cols = columnCount();
    if (static_cast<int64_t>(rows) * cols <= 65536 || m_tensor->isString()) {
        // Small enough to measure (strings are shortened to 80 characters anyway; sample them).
        const int maxRows = m_tensor->isString() ? std::min(rows, 200) : rows;
        qsizetype longest = 1;
        for (int r = 0; r < maxRows; ++r)
            for (int c = 0; c < std::min(cols, m_tensor->isString() ? 50 : cols); ++c)
                longest = std::max(longest, cellText(r, c).size());
        return static_cast<int>(longest);
    }
    // The widest text the dtype can produce: sign, digits, point, exponent.
    const auto info = io::dtypeInfo(m_tensor->dtype());
    const bool wide = info.elementSize >= 8;
    switch (info.kind) {
    case io::DTypeKind::Float:
        return (m_precision > 0 ? m_precision : (wide ? 17 : 9)) + (wide ? 7 : 6);
    case io::DTypeKind::Complex:
        return 2 * ((m_precision > 0 ? m_precision : (wide ? 17 : 9)) + (wide ? 7 : 6)) + 3;
    case io::DTypeKind::SignedInt:
        return info.elementSize >= 8 ? 20 : info.elementSize >= 4 ? 11 : info.elementSize >= 2 ? 6 : 4;
    case io::DTypeKind::UnsignedInt:
        return info.elementSize >= 8 ? 20 : info.elementSize >= 4 ? 10 : info.elementSize >= 2 ? 5 : 3;
    case io::DTypeKind::Bool:
        return 5;
    default:
        return 24;
    }
}

QString ValueTableModel::toText(int top, int left, int bottom, int right, QChar separator, bool headers) const
{
    auto quoted = [separator](const QString& cell) {
        if (!cell.contains(separator) && !cell.contains(QLatin1Char('"')) && !cell.contains(QLatin1Char('\n'))
            && !cell.contains(QLatin1Char('\r')))
            return cell;
        QString q = cell;
        q.replace(QLatin1String("\""), QLatin1String("\"\""));
        return QLatin1Char('"') + q + QLatin1Char('"');
    };
    QString out;
    if (headers) {
        for (int c = left; c <= right; ++c)
            out += separator + QString::number(c);
        out += QLatin1Char('\n');
    }
    for (int r = top; r <= bottom; ++r) {
        if (headers) out += QString::number(r) + separator;
        for (int c = left; c <= right; ++c) {
            if (c > left) out += separator;
            // Files and the clipboard get exact values for strings too, not the shortened display.
            const uint64_t i = m_tensor ? m_selection.elementIndex(m_tensor->shape(), r, c) : 0;
            out += m_tensor && m_tensor->isString() && i < m_tensor->elementCount()
                ? quoted(displayString(m_tensor->stringValues()[i], std::numeric_limits<int>::max()))
                : quoted(cellText(r, c));
        }
        out += QLatin1Char('\n');
    }
    return out;
}

QVariant ValueTableModel::headerData(int section, Qt::Orientation, int role) const
{
    if (role == Qt::DisplayRole) return section;
    return {};
}

} // namespace tscope::model
