// The value grid: a 2-D window (PlaneSelection) of a tensor of any rank. Cells are formatted on
// demand, so only the visible ones cost anything even for tensors with millions of elements.
#pragma once

#include "model/kernels/plane_selection.h"

#include <QAbstractTableModel>
#include <memory>

namespace tscope::model {

class ValueTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role { RawValueRole = Qt::UserRole + 1 }; // double (NaN for strings)

    explicit ValueTableModel(QObject* parent = nullptr);

    void setTensor(std::shared_ptr<const io::Tensor> tensor);
    void setSelection(const PlaneSelection& selection);
    std::shared_ptr<const io::Tensor> tensor() const { return m_tensor; }
    const PlaneSelection& selection() const { return m_selection; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const io::Tensor> m_tensor;
    PlaneSelection m_selection;
};

// Python-like bytes literal of a string element, shortened to `maxChars`.
QString displayString(const std::string& s, int maxChars = 200);

} // namespace tscope::model
