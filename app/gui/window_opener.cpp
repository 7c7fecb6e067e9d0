#include "app/gui/window_opener.h"

#include "app/gui/main_window.h"
#include "widgets/start_page.h"

#include <QApplication>
#include <QStackedWidget>

namespace tscope::app {

WindowOpener::WindowOpener(QObject* parent)
    : QObject(parent)
{ }

MainWindow* WindowOpener::newWindow()
{
    auto* window = new MainWindow;
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    return window;
}

MainWindow* WindowOpener::idleOrNewWindow(const QList<MainWindow*>& taken)
{
    for (QWidget* w : QApplication::topLevelWidgets()) {
        auto* window = qobject_cast<MainWindow*>(w);
        if (window && !taken.contains(window) && window->isVisible()
            && window->stack()->currentWidget() == window->startPage())
            return window;
    }
    return newWindow();
}

MainWindow* WindowOpener::openOne(const PlannedArtifact& artifact, const QList<MainWindow*>& taken)
{
    MainWindow* window = idleOrNewWindow(taken);
    window->openPath(artifact.path);
    return window;
}

QList<MainWindow*> WindowOpener::openCompare(const PlannedArtifact& left, const PlannedArtifact& right)
{
    MainWindow* first = openOne(left, {});
    return { first, openOne(right, { first }) };
}

QList<MainWindow*> WindowOpener::openFiles(const QStringList& files)
{
    const auto plan = planOpening(files);
    QList<MainWindow*> windows;
    if (plan.empty())
        windows.append(idleOrNewWindow({}));
    else if (plan.size() == 2)
        windows = openCompare(plan[0], plan[1]);
    else
        for (const auto& artifact : plan)
            windows.append(openOne(artifact, windows));
    for (MainWindow* w : windows) {
        w->raise();
        w->activateWindow();
    }
    return windows;
}

} // namespace tscope::app
