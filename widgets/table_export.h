// Any table model as text: tab-separated for the clipboard (pastes into spreadsheets), comma-separated
// for files; header row from the model, cells as displayed, quoted CSV-style when needed.
#pragma once

#include <QString>

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace tscope::ui {

QString tableText(const QAbstractItemModel& model, QChar separator);
// One cell, quoted CSV-style when it holds the separator, a quote or a line break.
QString tableField(const QString& cell, QChar separator);
// Writes `text` to `path` through a QSaveFile (all or nothing); false if it cannot be written.
bool saveText(const QString& path, const QString& text);
// Adds "Copy Table" (TSV to the clipboard) and "Export CSV…" to `view`'s context menu.
void addTableExportActions(QTableView* view, const QString& defaultName);

} // namespace tscope::ui
