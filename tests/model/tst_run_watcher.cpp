// The live training run (issue 11): a RunWatcher follows a directory while checkpoints are written into it
// with our BundleWriter, the way training writes them (data first, index last). Each new step appears in
// the step list model, deleted ones disappear, and a checkpoint with data but no index never appears.
// The step list model is checked by QAbstractItemModelTester throughout (rows inserted and removed in
// place). Latencies are printed, not asserted; the timeouts are generous.
#include "io/bundle_writer.h"
#include "model/run/run_watcher.h"
#include "model/run/step_list_model.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace tscope;
namespace fs = std::filesystem;

namespace {

constexpr int kTimeoutMs = 20000;

void writeStep(const fs::path& dir, int step)
{
    std::vector<float> v(64);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = static_cast<float>(step) * 0.5f + static_cast<float>(i);
    io::BundleWriter w(dir / ("ckpt-" + std::to_string(step)));
    QVERIFY(w.add("dense/kernel", io::DType::Float, { 8, 8 }, std::as_bytes(std::span(v))).isOk());
    QVERIFY(w.finish().isOk());
}

bool hasStep(const model::StepListModel& m, int step)
{
    for (const auto& s : m.steps())
        if (s.step && *s.step == step) return true;
    return false;
}

} // namespace

class TestRunWatcher : public QObject {
    Q_OBJECT
private slots:
    void stepListModelInsertsAndRemovesInPlace();
    void followsALiveDirectory();
};

void TestRunWatcher::stepListModelInsertsAndRemovesInPlace()
{
    model::StepListModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto step = [](int n, double t) {
        io::RunStep s;
        s.prefix = fs::path("/runs/ckpt-" + std::to_string(n));
        s.step = n;
        s.timestamp = t;
        return s;
    };
    m.setSteps({ step(1, 10), step(2, 20), step(3, 30) });
    QCOMPARE(m.rowCount(), 3);
    QPersistentModelIndex second = m.index(1, 0);
    m.setSteps({ step(2, 20), step(3, 30), step(4, 40) }); // CheckpointManager: one new, the oldest deleted
    QCOMPARE(m.rowCount(), 3);
    QVERIFY(second.isValid());
    QCOMPARE(second.row(), 0); // the row moved, it was not reset
    QCOMPARE(m.data(m.index(2, model::StepListModel::StepColumn)).toLongLong(), 4);
    QCOMPARE(m.data(m.index(0, model::StepListModel::FileColumn)).toString(), QStringLiteral("ckpt-2"));
    QCOMPARE(m.data(m.index(0, model::StepListModel::TimeColumn)).toString(),
        QStringLiteral("1970-01-01 00:00:20 UTC"));
    m.setSteps({ step(2, 25), step(3, 30), step(4, 40) }); // a new timestamp only
    QCOMPARE(m.data(m.index(0, model::StepListModel::TimeColumn)).toString(),
        QStringLiteral("1970-01-01 00:00:25 UTC"));
    m.setSteps({});
    QCOMPARE(m.rowCount(), 0);
}

void TestRunWatcher::followsALiveDirectory()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path dir = tmp.path().toStdString();
    model::RunWatcher watcher;
    watcher.setSettleInterval(100);
    model::StepListModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    connect(&watcher, &model::RunWatcher::stepsChanged, &m, [&] { m.setSteps(watcher.steps()); });

    writeStep(dir, 1);
    watcher.watch(dir);
    QTRY_VERIFY_WITH_TIMEOUT(hasStep(m, 1), kTimeoutMs);

    QElapsedTimer clock;
    for (int step : { 2, 3 }) {
        clock.start();
        writeStep(dir, step);
        QTRY_VERIFY_WITH_TIMEOUT(hasStep(m, step), kTimeoutMs);
        qInfo("step %d appeared after %lld ms", step, static_cast<long long>(clock.elapsed()));
    }
    QCOMPARE(m.rowCount(), 3);

    // Half written: the data shard of step 4 without its index. It must never be listed.
    {
        std::ofstream data(dir / "ckpt-4.data-00000-of-00001", std::ios::binary);
        data << std::string(256, 'x');
    }
    QTest::qWait(1500);
    QVERIFY(!hasStep(m, 4));
    QCOMPARE(m.rowCount(), 3);

    // The index arrives last: now step 4 is complete.
    clock.start();
    writeStep(dir, 4);
    QTRY_VERIFY_WITH_TIMEOUT(hasStep(m, 4), kTimeoutMs);
    qInfo("step 4 appeared %lld ms after its index was written", static_cast<long long>(clock.elapsed()));

    // CheckpointManager deletes the oldest.
    clock.start();
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind("ckpt-1.", 0) == 0) fs::remove(e.path());
    QTRY_VERIFY_WITH_TIMEOUT(!hasStep(m, 1), kTimeoutMs);
    qInfo("step 1 disappeared after %lld ms", static_cast<long long>(clock.elapsed()));
    QCOMPARE(m.rowCount(), 3);
    QVERIFY(hasStep(m, 2) && hasStep(m, 3) && hasStep(m, 4));
}

QTEST_GUILESS_MAIN(TestRunWatcher)
#include "tst_run_watcher.moc"
