// The one compute budget: the shared pool runs every chunk exactly once with per-worker state, stops on
// cancel, and however many analyses run at once, the threads actually computing (state R in
// /proc/self/task/*/stat) never exceed the CPUs of the affinity mask plus this (the GUI) thread.
#include "io/cpu_budget.h"
#include "io/tensor.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/histogram.h"
#include "model/kernels/tensor_stats.h"
#include "model/session/job_runner.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QtTest>
#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

using namespace tscope;

namespace {

// Threads of this process whose state is R (running or runnable), read like `top -H` does.
QSet<QString> runnableThreads()
{
    QSet<QString> ids;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile f(tasks.filePath(tid) + QStringLiteral("/stat"));
        if (!f.open(QIODevice::ReadOnly)) continue; // the thread just ended
        const QByteArray stat = f.readAll();
        const qsizetype close = stat.lastIndexOf(')'); // the name may hold spaces and parentheses
        if (close > 0 && close + 2 < stat.size() && stat[close + 2] == 'R') ids.insert(tid);
    }
    return ids;
}

io::Tensor bigFloatTensor(int64_t n)
{
    std::vector<std::byte> bytes(static_cast<size_t>(n) * sizeof(float));
    auto* f = reinterpret_cast<float*>(bytes.data());
    for (int64_t i = 0; i < n; ++i)
        f[i] = static_cast<float>(i % 1000) * 0.001f - 0.5f;
    return io::Tensor::owned(io::DType::Float, { n }, std::move(bytes));
}

} // namespace

class TestComputePool : public QObject {
    Q_OBJECT
private slots:
    void everyChunkOnceWithDistinctWorkers()
    {
        io::Executor& pool = model::sharedExecutor();
        const uint64_t chunks = 1000;
        std::vector<std::atomic<int>> seen(chunks);
        std::vector<std::atomic<int>> busy(pool.maxWorkers());
        std::atomic<bool> clash { false };
        QVERIFY(pool.parallelFor(chunks, [&](uint64_t c, unsigned worker) {
            if (worker >= busy.size() || busy[worker]++ != 0) clash = true; // two threads, one slot
            seen[c]++;
            busy[worker]--;
            return true;
        }));
        QVERIFY(!clash);
        for (const auto& s : seen)
            QCOMPARE(s.load(), 1);
    }

    void stopsOnCancelAndOnFalse()
    {
        io::Executor& pool = model::sharedExecutor();
        io::CancelToken token;
        std::atomic<uint64_t> ran { 0 };
        QVERIFY(!pool.parallelFor(
            100000,
            [&](uint64_t, unsigned) {
                if (++ran == 10) token.cancel();
                return true;
            },
            &token));
        QVERIFY(ran < 100000);
        ran = 0;
        QVERIFY(!pool.parallelFor(100000, [&](uint64_t, unsigned) { return ++ran < 5; }));
        QVERIFY(ran < 100000);
    }

    void inlineExecutorRunsInOrderOnTheCaller()
    {
        std::vector<uint64_t> order;
        QVERIFY(io::inlineExecutor().parallelFor(5, [&](uint64_t c, unsigned worker) {
            order.push_back(c + 10 * worker);
            return true;
        }));
        QCOMPARE(order, (std::vector<uint64_t> { 0, 1, 2, 3, 4 }));
    }

    void budgetIsTheAffinityMask()
    {
        QCOMPARE(model::sharedExecutor().maxWorkers(), io::availableCpus());
        QCOMPARE(model::sharedComputePool().threads().maxThreadCount(), int(io::availableCpus()));
    }

    // The acceptance test of issue 9: 8 concurrent analyses (statistics + histogram, as the inspector
    // runs them) of large tensors, each on its own JobRunner like 8 open sessions would. Every sample
    // counts, from the first job on: queued jobs are tasks, not threads, so nothing waits runnable.
    void eightAnalysesNeverOversubscribe()
    {
        const auto tensor = std::make_shared<const io::Tensor>(bigFloatTensor(24 * 1024 * 1024)); // 96 MiB
        constexpr int kAnalyses = 8;
        std::vector<std::unique_ptr<model::JobRunner>> runners;
        QObject receiver;
        int finished = 0;
        int failures = 0;
        for (int i = 0; i < kAnalyses; ++i) {
            runners.push_back(std::make_unique<model::JobRunner>());
            runners.back()->run<bool>(
                QStringLiteral("analysis"), &receiver,
                [tensor](const io::CancelToken& token) {
                    bool ok = true;
                    for (int round = 0; round < 6 && ok; ++round) {
                        model::StatsOptions options;
                        options.cancel = &token;
                        auto stats = model::computeStats(*tensor, options);
                        ok = stats.isOk()
                            && model::computeHistogram(*tensor, 64, stats->min, stats->max, &token).isOk();
                    }
                    return ok;
                },
                [&](bool ok) {
                    ++finished;
                    failures += !ok;
                });
        }
        const int cpus = static_cast<int>(io::availableCpus());
        int worst = 0, samples = 0;
        QElapsedTimer clock;
        clock.start();
        while (finished < kAnalyses && clock.elapsed() < 300000) {
            worst = std::max(worst, int(runnableThreads().size())); // includes this (sampling) thread
            ++samples;
            QCoreApplication::processEvents();
            QThread::usleep(500);
        }
        QCOMPARE(finished, kAnalyses);
        QCOMPARE(failures, 0);
        qInfo("%d samples over %lld ms; at most %d runnable threads (affinity mask: %d CPUs)", samples,
            static_cast<long long>(clock.elapsed()), worst, cpus);
        QVERIFY(samples > 20);
        QVERIFY2(worst >= 2, "never saw a compute thread running: the sampling is broken");
        QVERIFY2(worst <= cpus + 1, qPrintable(QStringLiteral("%1 runnable threads").arg(worst)));
    }
};

QTEST_GUILESS_MAIN(TestComputePool)
#include "tst_compute_pool.moc"
