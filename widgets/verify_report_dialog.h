// The problems Verify Checksums found, one row each: the tensor (or the file, for an index block or a
// missing shard), what is wrong, the file and the byte offset. Not modal, so the tree stays usable;
// double-clicking a tensor's row asks to select it.
#pragma once

#include "io/bundle_reader.h"

#include <QDialog>
#include <functional>
#include <string>

class QDialogButtonBox;
class QLabel;
class QTableWidget;

namespace tscope::ui {

class VerifyReportDialog : public QDialog {
    Q_OBJECT
public:
    enum Column { TensorColumn, ProblemColumn, FileColumn, OffsetColumn, ColumnCount };

    explicit VerifyReportDialog(QWidget* parent = nullptr);
    // `displayName` names a damaged tensor by its checkpoint key (the key itself goes in the tooltip).
    void setReport(const QString& artifactName, const io::VerifyReport& report,
        const std::function<QString(const std::string& key)>& displayName);
    QTableWidget* table() const { return m_table; }
    QString summary() const;

signals:
    void tensorActivated(const QByteArray& key); // exact checkpoint key bytes

private:
    QLabel* m_summary;
    QDialogButtonBox* m_buttons;
    QTableWidget* m_table;
};

} // namespace tscope::ui
