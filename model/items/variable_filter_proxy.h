// Filtering and sorting for the variable tree: substring (or regular expression) on the full path and
// key, dtype, shape pattern, and a toggle for optimizer slots. Matching variables keep their parents.
#pragma once

#include <QRegularExpression>
#include <QSortFilterProxyModel>

namespace tscope::model {

class VariableFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit VariableFilterProxy(QObject* parent = nullptr);

    void setText(const QString& text, bool regularExpression = false);
    void setDType(const QString& dtype); // "" = any
    // "[?, 128]", "3,4", "*,*,64", "2d" / "rank 2", "scalar"; "" = any. Returns false if unparseable.
    bool setShapePattern(const QString& pattern);
    void setShowSlots(bool show);

    bool showSlots() const { return m_showSlots; }
    bool isFiltering() const;
    QString errorString() const { return m_error; } // a bad regular expression

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool shapeMatches(const QList<qint64>& dims) const;
    QString m_text;
    QRegularExpression m_regex;
    bool m_useRegex = false;
    QString m_dtype;
    bool m_hasShape = false;
    int m_rank = -1; // rank-only pattern
    QList<qint64> m_shape; // -1 = wildcard
    bool m_showSlots = true;
    QString m_error;
};

} // namespace tscope::model
