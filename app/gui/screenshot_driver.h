// Scripted screenshots (`tensorscope PATH --select VAR --screenshot out.png`): waits until the
// artifact is open and the selected variable's statistics are shown, grabs the window, quits.
// With `verify`, it then runs Verify Checksums and grabs its result (view "problems": the problems
// dialog; view "verifying": the window while the status bar shows the verification's progress).
#pragma once

#include <QObject>
#include <QString>

class QWidget;

namespace tscope::app {

class MainWindow;

class ScreenshotDriver : public QObject {
    Q_OBJECT
public:
    ScreenshotDriver(
        MainWindow* window, QString file, QString variable, QString view = {}, bool verify = false);
    void start();

private:
    void onOpened();
    void ready(int settleMs); // the artifact (and variable) are shown
    void verify();
    void grabAndQuit();
    void grabWidgetAndQuit(QWidget* widget);
    void showView();
    MainWindow* m_window;
    QString m_file;
    QString m_variable;
    QString m_view;
    bool m_verify = false;
};

} // namespace tscope::app
