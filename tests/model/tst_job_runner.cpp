// JobRunner: results arrive on the GUI thread, a newer job under the same key supersedes the older
// one (whose result is dropped), cancel() drops results, a deleted receiver gets nothing, the runner
// never stays busy (dead receiver, a job that cancels itself), and progress arrives in order.
#include "model/session/job_runner.h"

#include <QSignalSpy>
#include <QtTest>
#include <atomic>
#include <thread>

using namespace tscope;

class TestJobRunner : public QObject {
    Q_OBJECT
private slots:
    void deliversOnReceiverThread()
    {
        model::JobRunner runner;
        QObject receiver;
        QThread* resultThread = nullptr;
        int value = 0;
        runner.run<int>(
            QStringLiteral("a"), &receiver, [](const io::CancelToken&) { return 42; },
            [&](int v) {
                value = v;
                resultThread = QThread::currentThread();
            });
        QTRY_COMPARE(value, 42);
        QCOMPARE(resultThread, QThread::currentThread());
    }

    void newerJobSupersedesOlder()
    {
        model::JobRunner runner;
        QObject receiver;
        std::atomic<bool> release { false };
        QList<int> delivered;
        std::atomic<bool> firstSawCancel { false };
        std::atomic<bool> firstStarted { false };
        runner.run<int>(
            QStringLiteral("k"), &receiver,
            [&](const io::CancelToken& t) {
                firstStarted = true;
                // Jobs share one thread per CPU, so a job must stop when cancelled (with one CPU the
                // newer job runs only after this one has returned).
                while (!release && !t.isCancelled())
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                firstSawCancel = t.isCancelled();
                return 1;
            },
            [&](int v) { delivered << v; });
        // (A job cancelled before it starts never runs at all; this one must see it while running.)
        QTRY_VERIFY(firstStarted);
        runner.run<int>(
            QStringLiteral("k"), &receiver, [](const io::CancelToken&) { return 2; },
            [&](int v) { delivered << v; });
        QTRY_COMPARE(delivered, QList<int> { 2 });
        release = true;
        runner.waitForDone();
        QCoreApplication::processEvents();
        QCOMPARE(delivered, QList<int> { 2 });
        QVERIFY(firstSawCancel);
    }

    void differentKeysRunIndependently()
    {
        model::JobRunner runner;
        QObject receiver;
        QSet<int> delivered;
        runner.run<int>(
            QStringLiteral("x"), &receiver, [](const io::CancelToken&) { return 1; },
            [&](int v) { delivered << v; });
        runner.run<int>(
            QStringLiteral("y"), &receiver, [](const io::CancelToken&) { return 2; },
            [&](int v) { delivered << v; });
        QTRY_COMPARE(delivered, (QSet<int> { 1, 2 }));
    }

    void cancelDropsResultAndReportsIdle()
    {
        model::JobRunner runner;
        QSignalSpy busy(&runner, &model::JobRunner::busyChanged);
        QObject receiver;
        std::atomic<bool> release { false };
        bool delivered = false;
        runner.run<int>(
            QStringLiteral("c"), &receiver,
            [&](const io::CancelToken&) {
                while (!release)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                return 1;
            },
            [&](int) { delivered = true; });
        QVERIFY(runner.isRunning(QStringLiteral("c")));
        runner.cancel(QStringLiteral("c"));
        QVERIFY(!runner.isRunning(QStringLiteral("c")));
        release = true;
        runner.waitForDone();
        QTest::qWait(20);
        QVERIFY(!delivered);
        QCOMPARE(busy.count(), 2); // busy, then idle
        QCOMPARE(busy.at(1).at(0).toBool(), false);
    }

    void deletedReceiverGetsNothing()
    {
        model::JobRunner runner;
        auto* receiver = new QObject;
        std::atomic<bool> release { false };
        bool delivered = false;
        runner.run<int>(
            QStringLiteral("d"), receiver,
            [&](const io::CancelToken&) {
                while (!release)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                return 1;
            },
            [&](int) { delivered = true; });
        delete receiver;
        release = true;
        runner.waitForDone();
        QTest::qWait(20);
        QVERIFY(!delivered);
    }

    void deadReceiverDoesNotLeaveRunnerBusy()
    {
        model::JobRunner runner;
        QSignalSpy busy(&runner, &model::JobRunner::busyChanged);
        auto* receiver = new QObject;
        std::atomic<bool> release { false };
        runner.run<int>(
            QStringLiteral("r"), receiver,
            [&](const io::CancelToken&) {
                while (!release)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                return 1;
            },
            [](int) { QFAIL("delivered to a deleted receiver"); });
        QVERIFY(runner.isBusy());
        delete receiver;
        release = true;
        QTRY_VERIFY(!runner.isBusy());
        QVERIFY(!runner.isRunning(QStringLiteral("r")));
        QCOMPARE(busy.count(), 2);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
    }

    void jobCancellingItselfDoesNotLeaveRunnerBusy()
    {
        model::JobRunner runner;
        QSignalSpy busy(&runner, &model::JobRunner::busyChanged);
        QObject receiver;
        bool delivered = false;
        runner.run<int>(
            QStringLiteral("s"), &receiver,
            [](const io::CancelToken& token) {
                token.cancel(); // e.g. a progress callback answered "stop"
                return 1;
            },
            [&](int) { delivered = true; });
        QTRY_VERIFY(!runner.isBusy());
        QVERIFY(!delivered);
        QCOMPARE(busy.count(), 2);
    }

    void progressArrivesInOrderThenFinished()
    {
        model::JobRunner runner;
        QObject receiver;
        QStringList events;
        qint64 lastDone = -1;
        bool monotonic = true;
        connect(
            &runner, &model::JobRunner::activityStarted, this, [&](const QString& key, const QString& label) {
                events << QStringLiteral("start %1 %2").arg(key, label);
            });
        connect(&runner, &model::JobRunner::activityProgress, this,
            [&](const QString&, qint64 done, qint64 total) {
                monotonic = monotonic && done >= lastDone && total == 1000;
                lastDone = done;
            });
        connect(&runner, &model::JobRunner::activityFinished, this, [&](const QString& key) {
            events << QStringLiteral("finished %1 at %2").arg(key).arg(lastDone);
        });
        int result = 0;
        runner.runWithProgress<int>(
            QStringLiteral("p"), QStringLiteral("Counting"), &receiver,
            [](const io::CancelToken&, const io::ProgressFn& progress) {
                for (uint64_t i = 1; i <= 1000; ++i) {
                    progress(i, 1000);
                    if (i % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
                return 7;
            },
            [&](int v) { result = v; });
        QTRY_COMPARE(result, 7);
        QVERIFY(monotonic);
        QCOMPARE(events,
            (QStringList { QStringLiteral("start p Counting"), QStringLiteral("finished p at 1000") }));
        QVERIFY(!runner.isBusy());
    }

    void silentJobsAnnounceNothing()
    {
        model::JobRunner runner;
        QObject receiver;
        QSignalSpy started(&runner, &model::JobRunner::activityStarted);
        int result = 0;
        runner.run<int>(
            QStringLiteral("q"), &receiver, [](const io::CancelToken&) { return 3; },
            [&](int v) { result = v; });
        QTRY_COMPARE(result, 3);
        QCOMPARE(started.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
