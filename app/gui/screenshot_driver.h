// Scripted screenshots (`tensorscope PATH --select VAR --screenshot out.png`): waits until the
// artifact is open and the selected variable's statistics are shown, grabs the window, quits.
// With `verify`, it then runs Verify Checksums and grabs its result (view "problems": the problems
// dialog; view "verifying": the window while the status bar shows the verification's progress).
// Views: summary, savedmodel, functions (the SavedModel's functions tab), histogram, values, heatmap.
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
    // Typed into the tree's filter box once the artifact is open (before the variable is selected).
    void setFilter(const QString& text) { m_filter = text; }
    // The review's screen: 1600x1000 device pixels, so QT_SCALE_FACTOR=2 shoots an 800x500 window.
    static constexpr int kScreenWidth = 1600, kScreenHeight = 1000;

private:
    void onOpened();
    void afterFilter(); // the rest of onOpened once the tree shows the filter's result
    void ready(int settleMs); // the artifact (and variable) are shown
    void verify();
    void grabAndQuit();
    // Shoots once the status bar's progress (with Cancel) shows a percentage; quitting cancels the job.
    void grabOnceProgressShows();
    void grabWidgetAndQuit(QWidget* widget);
    void showView();
    MainWindow* m_window;
    QString m_file;
    QString m_variable;
    QString m_view;
    bool m_verify = false;
    QString m_filter;
};

} // namespace tscope::app
