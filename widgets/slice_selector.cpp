#include "widgets/slice_selector.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tscope::ui {

SliceSelector::SliceSelector(QWidget* parent)
    : QWidget(parent)
{
    m_rows = new QComboBox(this);
    m_cols = new QComboBox(this);
    // Never cut "dim 1 (size 128)": the boxes grow to their longest entry.
    m_rows->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_cols->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_rows->setToolTip(tr("Dimension shown down the rows"));
    m_cols->setToolTip(tr("Dimension shown across the columns"));
    m_indexLayout = new QHBoxLayout;
    // The indices of the other dimensions on a line of their own: on one line with the two boxes a 4-D
    // kernel's selector needed ~430 px, which kept the inspector too wide for the tree at scale 2.
    auto* dims = new QHBoxLayout;
    m_dimWidgets = { new QLabel(tr("Rows:"), this), m_rows, new QLabel(tr("Columns:"), this), m_cols };
    for (QWidget* w : m_dimWidgets)
        dims->addWidget(w);
    dims->addStretch();
    m_indexRow = new QHBoxLayout;
    m_indexRow->addLayout(m_indexLayout);
    m_indexRow->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(dims);
    layout->addLayout(m_indexRow);
    connect(m_rows, &QComboBox::currentIndexChanged, this, &SliceSelector::onDimsChanged);
    connect(m_cols, &QComboBox::currentIndexChanged, this, &SliceSelector::onDimsChanged);
    setShape({});
}

void SliceSelector::setShape(const io::Shape& shape)
{
    m_updating = true;
    m_shape = shape;
    m_selection = model::PlaneSelection::defaultFor(shape);
    m_rows->clear();
    m_cols->clear();
    m_rows->addItem(tr("(none)"), -1);
    m_cols->addItem(tr("(none)"), -1);
    for (size_t d = 0; d < shape.size(); ++d) {
        const QString label = tr("dim %1 (size %2)").arg(d).arg(shape[d]);
        m_rows->addItem(label, static_cast<int>(d));
        m_cols->addItem(label, static_cast<int>(d));
    }
    m_rows->setCurrentIndex(m_rows->findData(m_selection.rowDim));
    m_cols->setCurrentIndex(m_cols->findData(m_selection.colDim));
    m_rows->setEnabled(shape.size() >= 1);
    m_cols->setEnabled(shape.size() >= 2);
    rebuildIndexBoxes();
    m_updating = false;
    for (QWidget* w : m_dimWidgets)
        w->setVisible(!shape.empty());
    setVisible(!shape.empty() || m_hasTrailing);
}

void SliceSelector::addTrailingWidget(QWidget* w, int stretch)
{
    m_indexRow->addWidget(w, stretch);
    m_hasTrailing = true;
    setVisible(true);
}

void SliceSelector::rebuildIndexBoxes()
{
    m_indexBoxes.clear(); // the widgets are deleted with their layout items below
    while (auto* item = m_indexLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (size_t d = 0; d < m_shape.size(); ++d) {
        if (static_cast<int>(d) == m_selection.rowDim || static_cast<int>(d) == m_selection.colDim) continue;
        auto* box = new QSpinBox(this);
        box->setPrefix(tr("dim %1 = ").arg(d));
        box->setRange(0, static_cast<int>(std::max<int64_t>(0, m_shape[d] - 1)));
        box->setValue(static_cast<int>(m_selection.fixed[d]));
        box->setToolTip(tr("Index along dimension %1 (size %2)").arg(d).arg(m_shape[d]));
        box->setKeyboardTracking(false);
        connect(box, &QSpinBox::valueChanged, this, [this, d](int v) {
            m_selection.fixed[d] = v;
            emit selectionChanged(m_selection);
        });
        m_indexLayout->addWidget(box);
        m_indexBoxes << box;
    }
}

void SliceSelector::onDimsChanged()
{
    if (m_updating) return;
    int r = m_rows->currentData().toInt(), c = m_cols->currentData().toInt();
    if (r >= 0 && r == c) { // swap instead of allowing the same dimension twice
        m_updating = true;
        if (sender() == m_rows)
            m_cols->setCurrentIndex(m_cols->findData(m_selection.rowDim));
        else
            m_rows->setCurrentIndex(m_rows->findData(m_selection.colDim));
        m_updating = false;
        r = m_rows->currentData().toInt();
        c = m_cols->currentData().toInt();
    }
    m_selection.rowDim = r;
    m_selection.colDim = c;
    rebuildIndexBoxes();
    emit selectionChanged(m_selection);
}

QString SliceSelector::describe() const
{
    QStringList parts;
    for (size_t d = 0; d < m_shape.size(); ++d)
        parts << ((static_cast<int>(d) == m_selection.rowDim || static_cast<int>(d) == m_selection.colDim)
                ? QStringLiteral(":")
                : QString::number(m_selection.fixed[d]));
    return QStringLiteral("[%1]").arg(parts.join(QStringLiteral(", ")));
}

} // namespace tscope::ui
