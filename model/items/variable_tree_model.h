// Qt item model over io::VariableTree: object or name hierarchy, with dtype, shape, parameters and
// bytes columns. The tree is immutable; node ids go into QModelIndex::internalId.
#pragma once

#include "io/artifact.h"
#include "model/tensor_ref.h"

#include <QAbstractItemModel>
#include <QColor>
#include <QIcon>
#include <map>
#include <memory>

namespace tscope::model {

class VariableTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, DTypeColumn, ShapeColumn, ParametersColumn, BytesColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, // raw numbers for numeric columns, lower-case text otherwise
        FilterRole, // the node's full path and checkpoint key
        TensorRefRole, // model::TensorRef of the node's tensor (invalid for inner nodes)
        KindRole, // io::NodeKind as int
        DTypeNameRole, // "float32" ("" for inner nodes)
        ShapeRole, // QList<qint64> of dims (empty for inner nodes and scalars)
        KeyRole, // the checkpoint key ("" for inner nodes)
        RankRole, // number of dims, -1 for inner nodes
        ProblemRole, // what is wrong with the node's tensor (opening or Verify Checksums), "" if nothing
        // An optimizer slot's link (io::SlotLink) as a QVariantMap: confidence ("linked-by-graph",
        // "inferred", "ambiguous", "unlinked"), variable (key), variablePath, slotName, optimizerPath,
        // reason, text ("inferred: m of dense/kernel"); an empty map for anything else.
        SlotLinkRole,
    };

    explicit VariableTreeModel(QObject* parent = nullptr);

    // `id` is the artifact's identity in its session (ArtifactSession::artifactId), put into TensorRefs;
    // 0 gives a standalone model a fresh one.
    void setArtifact(std::shared_ptr<const io::Artifact> artifact, ArtifactId id);
    std::shared_ptr<const io::Artifact> artifact() const { return m_artifact; }
    ArtifactId artifactId() const { return m_artifactId; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Marks the tensors a verification found damaged (by checkpoint key), replacing earlier marks;
    // ignored unless `id` is the shown artifact's. Marks go with setArtifact().
    void setTensorProblems(ArtifactId id, std::map<std::string, io::Status> problems);
    void clearTensorProblems() { setTensorProblems(m_artifactId, {}); }
    const std::map<std::string, io::Status>& tensorProblems() const { return m_problems; }

    QModelIndex indexForRef(const TensorRef& ref) const; // invalid for a ref of another artifact
    const io::TreeNode* node(const QModelIndex& index) const;
    // The index of tree node `nodeId` (an id into io::VariableTree::nodes; 0, the root, is invalid).
    QModelIndex indexOfNode(int nodeId, int column = 0) const;
    QString nameSortKey(int nodeId) const; // data(SortRole) of the name column, without an index
    // data(FilterRole) of node `nodeId`, without a model (worker threads build the filter's texts).
    static QString filterText(const io::Artifact& artifact, int nodeId);

private:
    int nodeId(const QModelIndex& index) const;
    int rowOf(int nodeId) const;
    const io::Status* problemOf(const io::TensorEntry& e) const;
    const io::SlotLink* slotLinkOf(const io::TreeNode& n) const; // null unless an optimizer slot
    void emitRowChanged(const std::string& key);
    std::shared_ptr<const io::Artifact> m_artifact;
    ArtifactId m_artifactId = 0;
    std::vector<int> m_rowInParent; // per node
    std::vector<int> m_nodeOfEntry; // per entry
    std::map<std::string, io::Status> m_problems; // from Verify Checksums
};

// The colour and icon of a damaged tensor, legible on the application's light or dark palette.
QColor damagedColor();
QIcon damagedIcon();

QString formatBytes(quint64 bytes);
QString formatCount(quint64 n);

} // namespace tscope::model
