// The event-loop stall probe the GUI benchmarks share: a 5 ms timer on the GUI thread; while a phase is
// measured, the longest gap between its ticks (wall ms: how long the window could not answer) and the GUI
// thread's CPU time in such a gap (ours, as opposed to time the scheduler gave to other processes).
#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>
#include <ctime>

namespace tscope::bench {

inline double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

class StallProbe {
public:
    explicit StallProbe(const QElapsedTimer& clock)
        : m_clock(clock)
    {
        m_ticker.setInterval(5);
        QObject::connect(&m_ticker, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            const double cpu = threadCpuMs();
            if (m_measuring) {
                m_worst = std::max(m_worst, now - m_last);
                m_worstCpu = std::max(m_worstCpu, cpu - m_lastCpu);
            }
            m_last = now;
            m_lastCpu = cpu;
        });
        m_ticker.start();
    }

    // Starts a phase: its worst gap counts from now.
    void begin()
    {
        m_worst = 0;
        m_worstCpu = 0;
        m_last = m_clock.elapsed();
        m_lastCpu = threadCpuMs();
        m_measuring = true;
    }
    // Ends the phase; its worst gap joins the overall worst.
    void end()
    {
        m_measuring = false;
        m_overall = std::max(m_overall, m_worst);
        m_overallCpu = std::max(m_overallCpu, m_worstCpu);
    }
    qint64 worstMs() const { return m_worst; }
    double worstCpuMs() const { return m_worstCpu; }
    qint64 overallMs() const { return m_overall; }
    double overallCpuMs() const { return m_overallCpu; }

private:
    const QElapsedTimer& m_clock;
    QTimer m_ticker;
    bool m_measuring = false;
    qint64 m_last = 0, m_worst = 0, m_overall = 0;
    double m_lastCpu = 0, m_worstCpu = 0, m_overallCpu = 0;
};

} // namespace tscope::bench
