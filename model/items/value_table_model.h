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
    // Significant digits of real numbers: 0 = shortest text that reads back exactly (the default).
    void setPrecision(int significantDigits);
    int precision() const { return m_precision; }
    // The longest text a cell of the current plane has (measured when the plane is small, else the
    // dtype's worst case at this precision): the grid sizes its columns by it and never elides.
    int maxTextLength() const;
    // Cells [top..bottom] x [left..right] as text lines joined by `separator` (TSV for the clipboard,
    // CSV for files); a cell holding the separator, a quote or a line break is quoted, CSV style.
    // `headers` adds the row and column numbers.
    QString toText(int top, int left, int bottom, int right, QChar separator, bool headers = false) const;
    QString cellText(int row, int column) const;
    const PlaneSelection& selection() const { return m_selection; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const io::Tensor> m_tensor;
    PlaneSelection m_selection;
    int m_precision = 0;
};

// Python-like bytes literal of a string element, shortened to `maxChars`.
QString displayString(const std::string& s, int maxChars = 200);

} // namespace tscope::model
