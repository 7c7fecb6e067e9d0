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
    // Puts `w` at the end of the index line (a page's own controls: one line less for the plot at
    // QT_SCALE_FACTOR=2). The line then stays visible for scalars, without the dimension boxes.
    void addTrailingWidget(QWidget* w, int stretch = 0);

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
    QHBoxLayout* m_indexRow;
    QList<QWidget*> m_dimWidgets; // the Rows and Columns labels and boxes
    bool m_hasTrailing = false;
    QList<QSpinBox*> m_indexBoxes;
    bool m_updating = false;
};

} // namespace tscope::ui
