// The artifact tree on the left: filter box (substring or regular expression), dtype and shape
// filters, a toggle for optimizer slots, and the tree itself with sortable numeric columns.
#pragma once

#include "model/tensor_ref.h"

#include <QWidget>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTimer;
class QTreeView;

namespace tscope::model {
class ArtifactSession;
class JobRunner;
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
    QLabel* matchLabel() const { return m_matchLabel; } // "12 of 3,400 variables match", or why not
    QAction* copyNameAction() const { return m_copyName; } // Ctrl+Shift+C, also in the Edit menu
    // Filters now instead of after the typing pause (tests, benchmarks). A text filter is matched on a
    // worker thread: the tree shows it when filterPending() turns false (a newer text wins).
    void applyFilterNow();
    bool filterPending() const;
    // Above this many rows a filter result is not expanded fully (the view would stall laying it out).
    static constexpr int kExpandAllLimit = 20000;
    // The first levels are expanded (after opening, for a huge filter result) up to this many rows.
    static constexpr int kFirstLevelsLimit = 5000;

    // Shows the tree of whatever `session` has open, following its opened/failed/closed signals.
    void setSession(model::ArtifactSession* session);
    void reset(); // after the model got a new artifact
    void focusFilter(); // Find
    void selectTensor(const model::TensorRef& ref);
    void revealTensor(const model::TensorRef& ref); // expands to it and scrolls, keeping the selection
    // Selects a variable by checkpoint key or TF2 object path (`dense/kernel`); false if there is none.
    bool selectVariable(const QString& nameOrPath);
    // Selects an inner node (a layer, a scope) by its path, e.g. `layer_with_weights-2`; false if none.
    bool selectGroup(const QString& path);
    QString currentKey() const;
    // The pane width at which names read whole (up to kReadableNameChars characters, indentation
    // included) beside the DType column: in the font's own units, so it follows the font and the scale.
    int readableWidth() const;
    static constexpr int kReadableNameChars = 52;
    int readableNames() const; // the Name column's width for kReadableNameChars at three levels deep
    void copyCurrentName();

signals:
    void tensorSelected(const tscope::model::TensorRef& ref); // invalid for an inner node or nothing
    void groupSelected(int nodeId); // an inner node (a layer, a scope): io::VariableTree node id

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void applyFilter();
    void startTextFilter(const QString& text, bool regularExpression); // on the worker
    void showFilterResult(); // expansion and label once the proxy has the result
    void fillDTypes();
    void updateMatchLabel();
    void expandFirstLevels();
    void fitNameColumn();
    std::vector<int> expandedNodes() const; // node ids, walking only what is expanded
    std::vector<int> m_savedExpansion; // from before a filter was typed, restored when it is cleared
    bool m_wasFiltering = false;
    QTimer* m_debounce;
    model::JobRunner* m_jobs; // the filter's texts and matches, off the GUI thread
    QLabel* m_matchLabel;
    QAction* m_copyName;
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
