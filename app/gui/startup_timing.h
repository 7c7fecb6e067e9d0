// `tensorscope --startup-timing PATH` (and with `--compare A B`): prints when each step of starting up
// happened, in milliseconds since the process started, one line per step on stdout, then quits with 0:
//   startup-timing main 41.0            main() entered (shared libraries loaded, static init done)
//   startup-timing qapplication 63.2    QApplication constructed
//   startup-timing opened 180.4         the artifact (both, for --compare) opened and shown to the window
//   startup-timing first-paint 260.9    the tree's first paint with its top-level rows, flushed
// A step that fails prints `startup-timing failed MS MESSAGE` and quits with 1. On Linux the zero is the
// kernel's process start time (10 ms resolution), so loading the libraries counts; elsewhere main().
#pragma once

#include <QObject>
#include <QString>
#include <cstdio>

class QAbstractItemView;

namespace tscope::app {

// Milliseconds since this process started (see above); the first call pins the fallback clock.
double msSinceProcessStart();

class StartupTiming : public QObject {
    Q_OBJECT
public:
    explicit StartupTiming(std::FILE* out, QObject* parent = nullptr);

    void mark(const char* step); // prints the step with the current time
    void fail(const QString& message); // prints the failure and quits with 1

    // Marks "first-paint" once `view`'s viewport has painted while its model has top-level rows (after
    // that paint is flushed: the next turn of the event loop), then quits with 0.
    void watchFirstPaint(QAbstractItemView* view);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    std::FILE* m_out;
    QAbstractItemView* m_view = nullptr;
    bool m_painted = false;
};

} // namespace tscope::app
