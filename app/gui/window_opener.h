// Opens artifacts in windows of this process: the files of the command line and those a later start
// hands over (see SingleInstance).
#pragma once

#include "app/gui/open_plan.h"

#include <QList>
#include <QObject>
#include <QStringList>

namespace tscope::app {

class MainWindow;

class WindowOpener : public QObject {
    Q_OBJECT
public:
    explicit WindowOpener(QObject* parent = nullptr);

    // Files that name one artifact open it once; two different artifacts go to the compare view; three or
    // more open a window each; no files, an empty window. A window still showing its start page is used
    // before a new one is made. Returns the windows used, shown and raised.
    QList<MainWindow*> openFiles(const QStringList& files);

    // A new window (deleted when closed; the app quits with the last one).
    MainWindow* newWindow();

private:
    // A window still on its start page and not in `taken`, else a new one.
    MainWindow* idleOrNewWindow(const QList<MainWindow*>& taken);
    MainWindow* openOne(const PlannedArtifact& artifact, const QList<MainWindow*>& taken);
    // THE COMPARE HOOK: two different artifacts opened together. The compare view (branch `compare`) goes
    // here; until it is merged each artifact opens in its own window.
    QList<MainWindow*> openCompare(const PlannedArtifact& left, const PlannedArtifact& right);
};

} // namespace tscope::app
