// Several artifacts open at once: two sessions on two different artifacts, each with its own
// InspectionController, inspect tensors concurrently; every result belongs to the tensor asked for,
// and a TensorRef of one session is refused by the other (no cross-talk). Also: a failed open keeps
// its io::Status code, opening is announced as an activity, and heatmap planes stop when cancelled.
#include "io/artifact.h"
#include "io/dtype.h"
#include "model/kernels/plane_selection.h"
#include "model/session/artifact_session.h"
#include "model/session/inspection_controller.h"

#include <QSignalSpy>
#include <QtTest>
#include <algorithm>
#include <cstring>
#include <limits>

using namespace tscope;

namespace {

QString corpus(const char* slug)
{
    return QStringLiteral(TSCOPE_CORPUS_DIR "/") + QLatin1String(slug);
}

// Keys of the float32 tensors of an artifact, largest first.
std::vector<std::string> floatKeys(const io::Artifact& a)
{
    std::vector<const io::TensorEntry*> entries;
    for (const auto& e : a.bundle->entries())
        if (e.dtype == io::DType::Float && e.elementCount() > 0) entries.push_back(&e);
    std::sort(entries.begin(), entries.end(),
        [](const auto* x, const auto* y) { return x->elementCount() > y->elementCount(); });
    std::vector<std::string> keys;
    for (const auto* e : entries)
        keys.push_back(e->key);
    return keys;
}

struct MinMax {
    uint64_t count = 0;
    double min = std::numeric_limits<double>::infinity(), max = -min;
};

// Read through io, summarised by a plain loop here (not by the kernels under test).
MinMax directMinMax(const io::Artifact& a, const std::string& key)
{
    MinMax m;
    auto t = a.bundle->read(*a.bundle->find(key));
    if (!t) return m;
    const auto bytes = t->bytes();
    for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
        float f;
        std::memcpy(&f, bytes.data() + i, 4);
        ++m.count;
        m.min = std::min(m.min, double(f));
        m.max = std::max(m.max, double(f));
    }
    return m;
}

bool openAndWait(model::ArtifactSession& session, const QString& path)
{
    session.open(path);
    return QTest::qWaitFor([&] { return session.state() != model::ArtifactSession::State::Opening; }, 30000)
        && session.state() == model::ArtifactSession::State::Open;
}

} // namespace

class TestSessions : public QObject {
    Q_OBJECT
private slots:
    void twoSessionsInspectConcurrentlyWithoutCrossTalk()
    {
        model::ArtifactSession a, b;
        QVERIFY(openAndWait(a, corpus("tf1-estimator-widedeep-5ckpts")));
        QVERIFY(openAndWait(b, corpus("keras-tf27-heart-savedmodel")));
        QVERIFY(a.artifactId() != b.artifactId());
        model::InspectionController ca(&a), cb(&b);
        const auto keysA = floatKeys(*a.artifact()), keysB = floatKeys(*b.artifact());
        QVERIFY(keysA.size() >= 3 && keysB.size() >= 3);

        // Results of both controllers, as delivered.
        std::vector<std::shared_ptr<const model::TensorAnalysis>> gotA, gotB;
        connect(&ca, &model::InspectionController::analysisReady, this, [&](auto r) { gotA.push_back(r); });
        connect(&cb, &model::InspectionController::analysisReady, this, [&](auto r) { gotB.push_back(r); });

        // Interleaved selections on both sides; only the last of each must be delivered.
        for (size_t i = 0; i < 3; ++i) {
            ca.inspect(a.ref(keysA[i]), 32);
            cb.inspect(b.ref(keysB[i]), 32);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!gotA.empty() && !gotB.empty(), 30000);
        ca.jobs().waitForDone();
        cb.jobs().waitForDone();
        QCoreApplication::processEvents();
        QCOMPARE(gotA.size(), size_t(1));
        QCOMPARE(gotB.size(), size_t(1));
        for (auto [got, session, key] :
            { std::tuple { gotA[0], &a, keysA[2] }, std::tuple { gotB[0], &b, keysB[2] } }) {
            QVERIFY(got->status.isOk());
            QVERIFY(got->ref == session->ref(key));
            const MinMax expect = directMinMax(*session->artifact(), key);
            QCOMPARE(got->stats.count, expect.count);
            QCOMPARE(got->stats.min, expect.min);
            QCOMPARE(got->stats.max, expect.max);
        }

        // A ref of session A means nothing to session B, even for a key B might also hold.
        const model::TensorRef refA = a.ref(keysA[0]);
        QVERIFY(b.resolve(refA) == nullptr);
        QVERIFY(a.resolve(refA) != nullptr);
        QVERIFY(b.resolve(model::TensorRef { a.artifactId(), keysB[0] }) == nullptr);
        gotB.clear();
        cb.inspect(refA, 32);
        QCOMPARE(gotB.size(), size_t(1)); // refused at once
        QCOMPARE(gotB[0]->status.code(), io::ErrorCode::NotFound);
        QVERIFY(!gotB[0]->tensor);

        // Re-opening gives a new identity: refs into the old artifact resolve no more.
        const model::TensorRef before = a.ref(keysA[0]);
        QVERIFY(openAndWait(a, corpus("tf1-estimator-widedeep-5ckpts")));
        QVERIFY(a.resolve(before) == nullptr);
        QVERIFY(a.resolve(a.ref(keysA[0])) != nullptr);
    }

    void failedOpenKeepsTheStatusCode()
    {
        const QString path = corpus("tf1-legacy-v1-ckpt-vocal");
        const auto direct = io::openArtifact(path.toStdString());
        QVERIFY(!direct);
        model::ArtifactSession s;
        QSignalSpy failed(&s, &model::ArtifactSession::failed);
        s.open(path);
        QTRY_COMPARE(failed.count(), 1);
        const auto status = failed.at(0).at(0).value<io::Status>();
        QCOMPARE(status.code(), direct.status().code());
        QCOMPARE(status.message(), direct.status().message());
        QCOMPARE(s.lastError().code(), direct.status().code());
    }

    void openingIsAnnouncedAsAnActivity()
    {
        model::ArtifactSession s;
        QSignalSpy started(&s.jobs(), &model::JobRunner::activityStarted);
        QSignalSpy finished(&s.jobs(), &model::JobRunner::activityFinished);
        QVERIFY(openAndWait(s, corpus("ckpt-tf2-a2c-3ckpts")));
        QCOMPARE(started.count(), 1);
        QVERIFY(started.at(0).at(1).toString().startsWith(QStringLiteral("Opening ")));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0), started.at(0).at(0));
    }

    void openCancelledThroughItsJobReturnsToEmpty()
    {
        // What the status bar's Cancel does: cancel the announced job's key on the session's runner.
        model::ArtifactSession s;
        QSignalSpy started(&s.jobs(), &model::JobRunner::activityStarted);
        QSignalSpy opened(&s, &model::ArtifactSession::opened);
        s.open(corpus("tf1-estimator-widedeep-5ckpts"));
        QCOMPARE(started.count(), 1);
        s.jobs().cancel(started.at(0).at(0).toString());
        QTRY_COMPARE(s.state(), model::ArtifactSession::State::Empty);
        QCOMPARE(s.lastError().code(), io::ErrorCode::Cancelled);
        s.jobs().waitForDone();
        QCoreApplication::processEvents();
        QCOMPARE(opened.count(), 0);
    }

    void analysisCancelledFromOutsideIsReported()
    {
        model::ArtifactSession s;
        QVERIFY(openAndWait(s, corpus("tf1-estimator-widedeep-5ckpts")));
        model::InspectionController c(&s);
        QSignalSpy started(&c.jobs(), &model::JobRunner::activityStarted);
        QSignalSpy cancelled(&c, &model::InspectionController::analysisCancelled);
        QSignalSpy ready(&c, &model::InspectionController::analysisReady);
        const auto ref = s.ref(floatKeys(*s.artifact()).front());
        c.inspect(ref, 16);
        QCOMPARE(started.count(), 1);
        c.jobs().cancel(started.at(0).at(0).toString()); // what the status bar's Cancel does
        QTRY_COMPARE(cancelled.count(), 1);
        QVERIFY(cancelled.at(0).at(0).value<model::TensorRef>() == ref);
        c.jobs().waitForDone();
        QCoreApplication::processEvents();
        QCOMPARE(ready.count(), 0);
        // A newer selection supersedes without being reported as cancelled.
        c.inspect(ref, 16);
        c.inspect(s.ref(floatKeys(*s.artifact()).back()), 16);
        QTRY_COMPARE(ready.count(), 1);
        QCoreApplication::processEvents();
        QCOMPARE(cancelled.count(), 1);
    }

    void heatmapPlaneStopsWhenCancelled()
    {
        const int64_t rows = 300, cols = 200;
        std::vector<std::byte> bytes(size_t(rows * cols) * 4);
        for (size_t i = 0; i < size_t(rows * cols); ++i) {
            const float v = 5.0f;
            std::memcpy(bytes.data() + 4 * i, &v, 4);
        }
        const auto t = io::Tensor::owned(io::DType::Float, { rows, cols }, std::move(bytes));
        const auto sel = model::PlaneSelection::defaultFor(t.shape());
        const auto full = model::extractPlane(t, sel, 512, 512);
        QCOMPARE(full.max, 5.0);
        io::CancelToken token;
        token.cancel();
        const auto stopped = model::extractPlane(t, sel, 512, 512, &token);
        QVERIFY(
            std::none_of(stopped.values.begin(), stopped.values.end(), [](double v) { return v == 5.0; }));
    }
};

QTEST_GUILESS_MAIN(TestSessions)
#include "tst_sessions.moc"
