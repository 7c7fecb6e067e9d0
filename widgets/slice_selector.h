// Chooses a 2-D plane of an N-D tensor: the dimension shown down the rows, the one across the
// columns, and an index for every other dimension (like HDFView's subset selection).
#pragma once

#include "model/kernels/plane_selection.h"

#include <QWidget>

class QComboBox;
class QHBoxLayout;
class QSpinBox;

namespace tscope::ui {

class SliceSelector : public QWidget {
    Q_OBJECT
public:
    explicit SliceSelector(QWidget* parent = nullptr);
    void setShape(const io::Shape& shape);
    const model::PlaneSelection& selection() const { return m_selection; }
    QString describe() const; // "[:, :, 3]"-style text of the current plane

signals:
    void selectionChanged(const tscope::model::PlaneSelection& selection);

private:
    void rebuildIndexBoxes();
    void onDimsChanged();
    io::Shape m_shape;
    model::PlaneSelection m_selection;
    QComboBox* m_rows;
    QComboBox* m_cols;
    QHBoxLayout* m_indexLayout;
    QList<QSpinBox*> m_indexBoxes;
    bool m_updating = false;
};

} // namespace tscope::ui
