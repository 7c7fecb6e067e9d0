// The TF1 export's signature builder (reached from File > Export… when a `.meta` graph is picked): every
// tensor of the graph with its op and type, searchable; placeholders can become inputs, any op output an
// output, each under a name the user can edit. The result is the same NAME=TENSOR lists `tensorscope-cli
// export savedmodel --meta` takes, so the GUI and the CLI build one signature the same way
// (io::planTf1Export).
#pragma once

#include "io/export/savedmodel_tf1_export.h"
#include "io/export/tf1_graph.h"

#include <QDialog>
#include <memory>

class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableWidget;
class QTreeView;
class QLabel;

namespace tscope::app {

class SignatureBuilderDialog : public QDialog {
    Q_OBJECT
public:
    SignatureBuilderDialog(std::shared_ptr<const io::Tf1Graph> graph, const io::Tf1SignatureSpec& initial,
        QWidget* parent = nullptr);

    io::Tf1SignatureSpec spec() const;
    void setFilter(const QString& text); // screenshots, tests
    // Adds the tensor (e.g. "x:0") as an input or an output; false with the reason shown when refused.
    bool addTensor(const QString& tensor, bool asInput);

private:
    void updateButtons();
    void addSelected(bool asInput);
    void removeSelected();
    static QString defaultName(const QString& tensor);

    std::shared_ptr<const io::Tf1Graph> m_graph;
    QStandardItemModel* m_tensors = nullptr;
    QSortFilterProxyModel* m_filter = nullptr;
    QLineEdit* m_search = nullptr;
    QTreeView* m_view = nullptr;
    QPushButton* m_addInput = nullptr;
    QPushButton* m_addOutput = nullptr;
    QPushButton* m_remove = nullptr;
    QTableWidget* m_inputs = nullptr;
    QTableWidget* m_outputs = nullptr;
    QLineEdit* m_key = nullptr;
    QLabel* m_reason = nullptr;
    QPushButton* m_ok = nullptr;
};

} // namespace tscope::app
