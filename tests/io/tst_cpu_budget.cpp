// Thread budget from the affinity mask: a process pinned with `taskset -c 0` must size its kernels for one
// CPU, whatever std::thread::hardware_concurrency() says about the machine.

#include "io/cpu_budget.h"

#include <QTest>
#include <sched.h>
#include <thread>

class TestCpuBudget : public QObject {
    Q_OBJECT

private slots:
    void matchesTheAffinityMask()
    {
        cpu_set_t set;
        CPU_ZERO(&set);
        QCOMPARE(sched_getaffinity(0, sizeof set, &set), 0);
        QCOMPARE(tscope::io::affinityCpuCount(), static_cast<unsigned>(CPU_COUNT(&set)));
        QVERIFY(tscope::io::availableCpus() >= 1);
        QVERIFY(tscope::io::availableCpus() <= std::max(1u, std::thread::hardware_concurrency()));
    }

    void followsAPinnedThread()
    {
        // Pin a helper thread to one CPU of our mask, as taskset does for a whole process.
        unsigned seen = 0;
        int rc = -1;
        std::thread t([&] {
            cpu_set_t set;
            CPU_ZERO(&set);
            sched_getaffinity(0, sizeof set, &set);
            int first = 0;
            while (first < CPU_SETSIZE && !CPU_ISSET(first, &set))
                ++first;
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(first, &one);
            rc = sched_setaffinity(0, sizeof one, &one);
            seen = tscope::io::affinityCpuCount();
        });
        t.join();
        QCOMPARE(rc, 0);
        QCOMPARE(seen, 1u);
    }
};

QTEST_APPLESS_MAIN(TestCpuBudget)
#include "tst_cpu_budget.moc"
