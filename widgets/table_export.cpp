#include "widgets/table_export.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QMessageBox>
#include <QSaveFile>
#include <QTableView>

namespace tscope::ui {

QString tableField(const QString& cell, QChar separator)
{
    if (!cell.contains(separator) && !cell.contains(QLatin1Char('"')) && !cell.contains(QLatin1Char('\n')))
        return cell;
    QString q = cell;
    q.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

bool saveText(const QString& path, const QString& text)
{
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Text) && file.write(text.toUtf8()) >= 0
        && file.commit();
}

QString tableText(const QAbstractItemModel& model, QChar separator)
{
    QString out;
    for (int c = 0; c < model.columnCount(); ++c) {
        if (c) out += separator;
        out += tableField(model.headerData(c, Qt::Horizontal).toString(), separator);
    }
    out += QLatin1Char('\n');
    for (int r = 0; r < model.rowCount(); ++r) {
        for (int c = 0; c < model.columnCount(); ++c) {
            if (c) out += separator;
            out += tableField(model.index(r, c).data().toString(), separator);
        }
        out += QLatin1Char('\n');
    }
    return out;
}

void addTableExportActions(QTableView* view, const QString& defaultName)
{
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* copy = new QAction(QObject::tr("Copy Table"), view);
    QObject::connect(copy, &QAction::triggered, view, [view] {
        if (view->model()) QApplication::clipboard()->setText(tableText(*view->model(), QLatin1Char('\t')));
    });
    auto* save = new QAction(QObject::tr("Export CSV…"), view);
    QObject::connect(save, &QAction::triggered, view, [view, defaultName] {
        if (!view->model()) return;
        const QString path = QFileDialog::getSaveFileName(view, QObject::tr("Export CSV"),
            QDir::home().filePath(defaultName + QStringLiteral(".csv")), QObject::tr("CSV (*.csv)"));
        if (path.isEmpty()) return;
        if (!saveText(path, tableText(*view->model(), QLatin1Char(','))))
            QMessageBox::warning(view, QObject::tr("Export CSV"),
                QObject::tr("Cannot write %1").arg(QDir::toNativeSeparators(path)));
    });
    view->addAction(copy);
    view->addAction(save);
}

} // namespace tscope::ui
