// The artifact tree on the left: filter box (substring or regular expression), dtype and shape
// filters, a toggle for optimizer slots, and the tree itself with sortable numeric columns.
#pragma once

#include "model/tensor_ref.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QTreeView;

namespace tscope::model {
class ArtifactSession;
class VariableTreeModel;
class VariableFilterProxy;
} // namespace tscope::model

namespace tscope::ui {

class VariableTreeView : public QWidget {
    Q_OBJECT
public:
    explicit VariableTreeView(QWidget* parent = nullptr);

    model::VariableTreeModel* model() const { return m_model; }
    model::VariableFilterProxy* proxy() const { return m_proxy; }
    QTreeView* tree() const { return m_tree; }
    QLineEdit* filterEdit() const { return m_filter; }
    QCheckBox* slotsToggle() const { return m_slots; }

    // Shows the tree of whatever `session` has open, following its opened/failed/closed signals.
    void setSession(model::ArtifactSession* session);
    void reset(); // after the model got a new artifact
    void focusFilter(); // Find
    void selectTensor(const model::TensorRef& ref);
    void revealTensor(const model::TensorRef& ref); // expands to it and scrolls, keeping the selection
    // Selects a variable by checkpoint key or TF2 object path (`dense/kernel`); false if there is none.
    bool selectVariable(const QString& nameOrPath);
    QString currentKey() const;
    void copyCurrentName();

signals:
    void tensorSelected(const tscope::model::TensorRef& ref); // invalid for an inner node or nothing

private:
    void applyFilter();
    void fillDTypes();
    model::VariableTreeModel* m_model;
    model::VariableFilterProxy* m_proxy;
    QLineEdit* m_filter;
    QCheckBox* m_regex;
    QComboBox* m_dtype;
    QLineEdit* m_shape;
    QCheckBox* m_slots;
    QTreeView* m_tree;
};

} // namespace tscope::ui
