#include "model/run/step_list_model.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>
#include <algorithm>

namespace tscope::model {

StepListModel::StepListModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void StepListModel::setSteps(const std::vector<io::RunStep>& steps)
{
    const auto contains = [](const std::vector<io::RunStep>& list, const io::RunStep& s) {
        return std::any_of(
            list.begin(), list.end(), [&](const io::RunStep& x) { return x.prefix == s.prefix; });
    };
    // Removals first (from the end, so row numbers stay valid), then insertions at their sorted place.
    for (int row = rowCount() - 1; row >= 0; --row) {
        if (contains(steps, m_steps[static_cast<size_t>(row)])) continue;
        beginRemoveRows({}, row, row);
        m_steps.erase(m_steps.begin() + row);
        endRemoveRows();
    }
    for (size_t i = 0; i < steps.size(); ++i) {
        const int row = static_cast<int>(i);
        if (i < m_steps.size() && m_steps[i].prefix == steps[i].prefix) {
            if (m_steps[i].timestamp != steps[i].timestamp) {
                m_steps[i] = steps[i];
                emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
            }
            continue;
        }
        beginInsertRows({}, row, row);
        m_steps.insert(m_steps.begin() + row, steps[i]);
        endInsertRows();
    }
}

int StepListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_steps.size());
}

int StepListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StepListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const io::RunStep& s = m_steps[static_cast<size_t>(index.row())];
    if (role == PrefixRole) return QString::fromStdString(s.prefix.string());
    if (role == Qt::TextAlignmentRole && index.column() == StepColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == TimeColumn)
        return s.timestampFromStateFile ? tr("From the checkpoint state file")
                                        : tr("The .index file's modification time");
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case StepColumn:
        return s.step ? QVariant(static_cast<qlonglong>(*s.step)) : QVariant(QStringLiteral("—"));
    case TimeColumn: {
        // UTC, so what a person reads does not depend on the machine's time zone.
        const auto t
            = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(s.timestamp * 1000.0), QTimeZone::utc());
        return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
    }
    case FileColumn:
        return QString::fromStdString(s.prefix.filename().string());
    default:
        return {};
    }
}

QVariant StepListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case StepColumn:
        return tr("Step");
    case TimeColumn:
        return tr("Time");
    case FileColumn:
        return tr("Checkpoint");
    default:
        return {};
    }
}

} // namespace tscope::model
