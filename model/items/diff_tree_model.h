// The aligned tree of a comparison: one leaf per row of a model::ArtifactDiff (a matched pair or a
// variable only on one side), grouped by the `/`-separated path of its key (A's, else B's, without the
// `/.ATTRIBUTES/VARIABLE_VALUE` tail; optimizer slots under their variable). Columns: name, status, the six
// metrics, both dtypes and shapes. Groups show how many of their leaves differ. Numeric SortRole per column;
// RowRole gives a leaf's row.
#pragma once

#include "io/artifact.h"
#include "model/compare/artifact_diff.h"

#include <QAbstractItemModel>
#include <memory>
#include <vector>

namespace tscope::model {

class DiffTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column {
        Name,
        Status,
        MaxAbs,
        MeanAbs,
        Rms,
        RelChange,
        Cosine,
        FracChanged,
        TypeA,
        TypeB,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // numbers for metric columns (missing = -1), text otherwise
        RowRole, // leaf: index into ArtifactDiff::rows; groups: -1
        StatusRole, // leaf: the status name (only_in_a ... unreadable); groups: "" or "changed"
        OptimizerRole, // leaf: optimizer state (slot or optimizer variable) on either side
    };

    struct Node {
        QString name;
        int parent = -1;
        int rowInParent = 0;
        std::vector<int> children;
        int diffRow = -1; // leaves
        int differing = 0; // leaves below that are not identical
        int leaves = 0;
        bool optimizer = false; // leaf: optimizer state (slot or optimizer variable) on either side
    };

    explicit DiffTreeModel(QObject* parent = nullptr);
    // The tree of `diff`'s rows (nodes[0]: the invisible root). Pure: a big comparison builds it in a
    // worker thread and hands it to setDiff, so the GUI thread does not.
    static std::vector<Node> buildNodes(
        const io::Artifact* a, const io::Artifact* b, const ArtifactDiff& diff);

    // Shows `diff` of artifacts a and b (which must outlive the model's use of them: shared).
    void setDiff(
        std::shared_ptr<const io::Artifact> a, std::shared_ptr<const io::Artifact> b, ArtifactDiff diff);
    // The same with the tree buildNodes(a, b, diff) made beforehand.
    void setDiff(std::shared_ptr<const io::Artifact> a, std::shared_ptr<const io::Artifact> b,
        ArtifactDiff diff, std::vector<Node> nodes);
    // New metrics for the same rows (the rows of fillDiffMetrics' result), taken over without a copy: one
    // layout change (no rows move), not a dataChanged per group, so proxies and views refresh once.
    void updateRows(std::vector<DiffRow>&& rows);
    void clear();

    const ArtifactDiff& diff() const { return m_diff; }
    const std::vector<Node>& nodes() const { return m_nodes; }
    // The node behind an index of this model (0: the root).
    static int nodeId(const QModelIndex& index)
    {
        return index.isValid() ? static_cast<int>(index.internalId()) : 0;
    }
    // Changes whenever the rows, their statuses or the tree change: caches over them compare it.
    quint64 generation() const { return m_generation; }
    // What a metric or the status column sorts by, without a QVariant (as SortRole; missing = -1).
    double sortNumber(int node, int column) const;
    // The index of a leaf by A's (or B's) checkpoint key; invalid when absent.
    QModelIndex indexOfKey(const std::string& key) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    static QStringList pathOf(const QString& key);
    QVariant leafData(const Node& node, int column, int role) const;
    QString keyOf(const DiffRow& row) const;

    std::shared_ptr<const io::Artifact> m_a, m_b;
    ArtifactDiff m_diff;
    std::vector<Node> m_nodes; // m_nodes[0]: the invisible root
    quint64 m_generation = 0;
};

} // namespace tscope::model
