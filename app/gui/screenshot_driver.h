// Scripted screenshots (`tensorscope PATH --select VAR --screenshot out.png`): waits until the
// artifact is open and the selected variable's statistics are shown, grabs the window, quits.
#pragma once

#include <QObject>
#include <QString>

namespace tscope::app {

class MainWindow;

class ScreenshotDriver : public QObject {
    Q_OBJECT
public:
    ScreenshotDriver(MainWindow* window, QString file, QString variable, QString view = {});
    void start();

private:
    void onOpened();
    void grabAndQuit();
    void showView();
    MainWindow* m_window;
    QString m_file;
    QString m_variable;
    QString m_view;
};

} // namespace tscope::app
