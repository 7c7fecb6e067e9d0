// Flat table of a meta graph's signatures: one row per input or output (unknown dims shown as ?).
#pragma once

#include "io/saved_model_reader.h"

#include <QAbstractTableModel>

namespace tscope::model {

class SignatureTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        SignatureColumn,
        MethodColumn,
        DirectionColumn,
        NameColumn,
        DTypeColumn,
        ShapeColumn,
        TensorColumn,
        ColumnCount
    };

    explicit SignatureTableModel(QObject* parent = nullptr);
    void setMetaGraph(const io::MetaGraphInfo* metaGraph); // nullptr clears; the caller keeps it alive

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        const io::SignatureInfo* signature;
        const io::SignatureArg* arg; // null for a signature without inputs and outputs
        bool input;
    };
    std::vector<Row> m_rows;
};

QString shapeText(const std::optional<io::Shape>& shape); // "(?, 13)", "unknown rank", "()"

} // namespace tscope::model
