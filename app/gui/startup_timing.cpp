#include "app/gui/startup_timing.h"

#include <QAbstractItemView>
#include <QCoreApplication>
#include <QEvent>
#include <QTimer>
#include <algorithm>
#include <chrono>

#ifdef __linux__
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#endif

namespace tscope::app {

namespace {

using Clock = std::chrono::steady_clock;

#ifdef __linux__
// How long ago the kernel started this process: field 22 of /proc/self/stat is the start time in clock
// ticks after boot, on the same clock as CLOCK_BOOTTIME. Negative when unavailable.
double processAgeMs()
{
    std::ifstream in("/proc/self/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')'); // the command name may hold spaces and parentheses
    if (close == std::string::npos) return -1;
    std::istringstream fields(stat.substr(close + 2)); // from field 3 (state) on
    std::string field;
    for (int i = 3; i < 22 && fields >> field; ++i) { }
    unsigned long long startTicks = 0;
    if (!(fields >> startTicks)) return -1;
    const long hz = sysconf(_SC_CLK_TCK);
    timespec now {};
    if (hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) != 0) return -1;
    const double nowMs = double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
    return nowMs - double(startTicks) * 1e3 / double(hz);
}
#endif

struct Origin {
    Clock::time_point pinned = Clock::now();
    double ageAtPin = 0; // ms the process had run when `pinned` was taken
    Origin()
    {
#ifdef __linux__
        ageAtPin = std::max(0.0, processAgeMs());
#endif
    }
};

} // namespace

double msSinceProcessStart()
{
    static const Origin origin;
    return origin.ageAtPin + std::chrono::duration<double, std::milli>(Clock::now() - origin.pinned).count();
}

StartupTiming::StartupTiming(std::FILE* out, QObject* parent)
    : QObject(parent)
    , m_out(out)
{ }

void StartupTiming::mark(const char* step)
{
    std::fprintf(m_out, "startup-timing %s %.1f\n", step, msSinceProcessStart());
    std::fflush(m_out);
}

void StartupTiming::fail(const QString& message)
{
    std::fprintf(m_out, "startup-timing failed %.1f %s\n", msSinceProcessStart(), qUtf8Printable(message));
    std::fflush(m_out);
    QCoreApplication::exit(1);
}

void StartupTiming::watchFirstPaint(QAbstractItemView* view)
{
    m_view = view;
    view->viewport()->installEventFilter(this);
}

bool StartupTiming::eventFilter(QObject* watched, QEvent* event)
{
    if (!m_painted && m_view && watched == m_view->viewport() && event->type() == QEvent::Paint
        && m_view->model() && m_view->model()->rowCount() > 0) {
        m_painted = true;
        // The paint runs after this filter, and the backing store is flushed after all widgets painted.
        QTimer::singleShot(0, this, [this] {
            mark("first-paint");
            QCoreApplication::exit(0);
        });
    }
    return QObject::eventFilter(watched, event);
}

} // namespace tscope::app
