// Filtering and sorting for the variable tree: substring (or regular expression) on the full path and
// key, dtype, shape pattern, and a toggle for optimizer slots. Matching variables keep their parents.
//
// Not a QSortFilterProxyModel: its recursive filtering and per-parent mappings cost seconds at 100,000
// variables (GUI review, defect 3). This proxy knows the source is a VariableTreeModel over an immutable
// io::VariableTree, so one pass over flat per-node arrays decides what is shown, and the views get one
// model reset instead of thousands of row removals. Proxy indexes carry the same node ids as the source.
// The text filter's work (the texts, then the match) is pure (variable_filter_match.h): setText does it
// here, the tree view on a worker thread and hands the result to setTextMatches.
#pragma once

#include "model/items/variable_filter_match.h"

#include <QAbstractProxyModel>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tscope::io {
struct Artifact;
}

namespace tscope::model {

class VariableTreeModel;

class VariableFilterProxy : public QAbstractProxyModel {
    Q_OBJECT
public:
    explicit VariableFilterProxy(QObject* parent = nullptr);

    // Only a VariableTreeModel (anything else is ignored).
    void setSourceModel(QAbstractItemModel* source) override;

    // An invalid regular expression keeps the current result; errorString() says why. Matches here.
    void setText(const QString& text, bool regularExpression = false);
    // Whether setText would take `text` (false for an invalid regular expression, which errorString()
    // then explains; a valid one clears the error). For callers that match elsewhere.
    bool checkText(const QString& text, bool regularExpression);
    bool hasText(const QString& text, bool regularExpression) const
    {
        return text == m_text && (text.isEmpty() || regularExpression == m_useRegex);
    }
    // A text filter matched elsewhere (matchFilterTexts over this artifact's filterTexts()): applied in
    // one model reset. False (nothing changes) if `matches` does not fit the current artifact.
    bool setTextMatches(
        const QString& text, bool regularExpression, std::shared_ptr<const std::vector<uint8_t>> matches);
    // Builds the texts a filter matches against here (once per artifact; setText does it too).
    void ensureHaystack();
    // The texts, when built (else nullptr); setFilterTexts installs ones built elsewhere for artifact().
    std::shared_ptr<const FilterTexts> filterTexts() const { return m_texts; }
    void setFilterTexts(std::shared_ptr<const FilterTexts> texts);
    std::shared_ptr<const io::Artifact> artifact() const { return m_artifact; }
    void setDType(const QString& dtype); // "" = any
    // "[?, 128]", "3,4", "*,*,64", "2d" / "rank 2", "scalar"; "" = any. Returns false if unparseable.
    bool setShapePattern(const QString& pattern);
    void setShowSlots(bool show);

    bool showSlots() const { return m_showSlots; }
    bool isFiltering() const;
    QString errorString() const { return m_error; } // a bad regular expression
    int matchCount() const { return m_matches; } // variables (and shown slots) passing the filters
    int variableCount() const { return m_candidates; } // all of them, slots counted if shown
    int visibleNodeCount() const { return m_visibleNodes; } // rows a fully expanded view would show
    // The proxy index of tree node `nodeId` (invalid if the node is filtered out).
    QModelIndex indexOfNode(int nodeId, int column = 0) const;
    static int nodeIdOf(const QModelIndex& index); // of a proxy or source index; 0 for invalid

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // Column -1 restores the file's order. Names sort naturally (Field_2 before Field_10).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

private:
    void rebuildCaches(); // after the source's artifact changed
    void computeOrder(); // children of every node in sort order
    void refilter(); // the one filter pass with a model reset around it
    void computeVisibility(); // decides what is shown, counts matches
    bool selfMatches(int node) const;
    bool shapeMatches(int node) const;

    VariableTreeModel* m_source = nullptr;
    std::shared_ptr<const io::Artifact> m_artifact;
    // Per node (index = node id):
    std::shared_ptr<const FilterTexts> m_texts; // nullptr: not built yet
    std::shared_ptr<const std::vector<uint8_t>> m_textMatches; // per node, for m_text
    std::vector<std::vector<int>> m_order; // children in sort order
    std::vector<int> m_visibleRow; // row under the visible parent, -1 when hidden
    std::vector<int> m_childStart, m_childCount; // the shown children: a run in m_visibleFlat
    std::vector<int> m_visibleFlat;

    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QString m_text;
    bool m_useRegex = false;
    QString m_dtype;
    std::string m_dtypeName;
    bool m_hasShape = false;
    int m_rank = -1; // rank-only pattern
    QList<qint64> m_shape; // -1 = wildcard
    bool m_showSlots = true;
    QString m_error;
    int m_matches = 0;
    int m_candidates = 0;
    int m_visibleNodes = 0;
};

} // namespace tscope::model
