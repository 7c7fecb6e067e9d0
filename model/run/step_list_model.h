// The run view's step list: one row per complete checkpoint of a training run (step, time, file).
// setSteps() inserts and removes rows in place (no reset), so a live run keeps the selection and the
// scroll position while new steps arrive and CheckpointManager deletes old ones.
#pragma once

#include "io/run/training_run.h"

#include <QAbstractTableModel>
#include <vector>

namespace tscope::model {

class StepListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { StepColumn, TimeColumn, FileColumn, ColumnCount };
    enum Role { PrefixRole = Qt::UserRole + 1 }; // the checkpoint prefix (QString)

    explicit StepListModel(QObject* parent = nullptr);

    void setSteps(const std::vector<io::RunStep>& steps);
    const std::vector<io::RunStep>& steps() const { return m_steps; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<io::RunStep> m_steps;
};

} // namespace tscope::model
