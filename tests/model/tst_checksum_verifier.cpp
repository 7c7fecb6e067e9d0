// Verify Checksums as the GUI runs it: a keyed job on the session's runner with progress, whose
// outcome names exactly the tensor whose payload was damaged, marks it in the tree model, and which
// leaves nothing behind when cancelled or when the artifact changes under it.
#include "damaged_checkpoint.h"
#include "model/items/variable_tree_model.h"
#include "model/session/artifact_session.h"
#include "model/session/checksum_verifier.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QtTest>
#include <filesystem>

using namespace tscope;
using model::ArtifactSession;
using model::ChecksumVerifier;

class TestChecksumVerifier : public QObject {
    Q_OBJECT
private:
    static bool openIn(ArtifactSession& session, const QString& path)
    {
        session.open(path);
        return QTest::qWaitFor([&] { return session.state() != ArtifactSession::State::Opening; }, 30000)
            && session.state() == ArtifactSession::State::Open;
    }

private slots:
    void intactCheckpointReportsEveryTensor()
    {
        QTemporaryDir dir;
        const auto copy = test::copyCheckpoint(dir, false);
        QVERIFY(!copy.prefix.isEmpty());
        ArtifactSession session;
        ChecksumVerifier verifier(&session);
        QVERIFY(!verifier.canVerify());
        QVERIFY(openIn(session, copy.prefix));
        QVERIFY(verifier.canVerify());
        QSignalSpy finished(&verifier, &ChecksumVerifier::finished);
        QSignalSpy activity(&session.jobs(), &model::JobRunner::activityStarted);
        verifier.start();
        QVERIFY(verifier.isRunning());
        QCOMPARE(activity.size(), 1);
        QCOMPARE(activity.at(0).at(0).toString(), ChecksumVerifier::jobKey());
        QVERIFY(activity.at(0).at(1).toString().startsWith(QStringLiteral("Verifying")));
        QVERIFY(finished.wait(30000));
        QVERIFY(!verifier.isRunning());
        auto outcome = verifier.outcome();
        QVERIFY(outcome);
        QVERIFY(outcome->intact());
        QVERIFY(outcome->damaged.empty());
        QCOMPARE(outcome->artifact, session.artifactId());
        QCOMPARE(outcome->report.tensorsChecked, session.artifact()->bundle->entries().size());
        QVERIFY(outcome->report.blocksChecked >= 2); // at least one data block and the meta block
        QVERIFY(!session.jobs().isBusy());
    }

    // A SavedModel: the verify job also recomputes fingerprint.pb, and a changed saved_model.pb is a
    // problem of the file (no tensor marked), named with the hash that no longer matches.
    void savedModelFingerprintIsChecked()
    {
        QTemporaryDir dir;
        const std::filesystem::path sm = std::filesystem::path(dir.path().toStdString()) / "sm";
        std::filesystem::copy(
            std::filesystem::path(TSCOPE_FIXTURES_DIR) / "tf215/sm_keras_sequential_export/saved_model", sm,
            std::filesystem::copy_options::recursive);
        auto run = [&](ArtifactSession& session) -> std::shared_ptr<const model::VerifyOutcome> {
            ChecksumVerifier verifier(&session);
            QSignalSpy finished(&verifier, &ChecksumVerifier::finished);
            verifier.start();
            if (!finished.wait(30000)) return nullptr;
            return verifier.outcome();
        };
        {
            ArtifactSession session;
            QVERIFY(openIn(session, QString::fromStdString(sm.string())));
            auto intact = run(session);
            QVERIFY(intact && intact->intact());
            QVERIFY(intact->fingerprint);
            for (const auto& f : intact->fingerprint->fields)
                QCOMPARE(int(f.verdict), int(io::FingerprintVerdict::Match));
        }
        QFile pb(QString::fromStdString((sm / "saved_model.pb").string()));
        QVERIFY(pb.open(QIODevice::ReadWrite));
        QByteArray bytes = pb.readAll();
        const auto at = bytes.indexOf("serving_default");
        QVERIFY(at >= 0);
        bytes[at + 3] = char(bytes[at + 3] ^ 0x01);
        QVERIFY(pb.seek(0) && pb.write(bytes) == bytes.size());
        pb.close();
        ArtifactSession session;
        QVERIFY(openIn(session, QString::fromStdString(sm.string())));
        auto damaged = run(session);
        QVERIFY(damaged && !damaged->intact());
        QVERIFY(damaged->damaged.empty());
        bool named = false;
        for (const auto& p : damaged->report.problems)
            named = named || p.message().find("saved_model_checksum") != std::string::npos;
        QVERIFY(named);
    }

    void damagedTensorIsNamedWithItsOffset()
    {
        QTemporaryDir dir;
        const auto copy = test::copyCheckpoint(dir);
        QVERIFY(!copy.damagedKey.empty());
        ArtifactSession session;
        ChecksumVerifier verifier(&session);
        QVERIFY(openIn(session, copy.prefix));
        QSignalSpy finished(&verifier, &ChecksumVerifier::finished);
        verifier.start();
        QVERIFY(finished.wait(30000));
        auto outcome = verifier.outcome();
        QVERIFY(outcome);
        QVERIFY(!outcome->intact());
        QCOMPARE(outcome->damaged.size(), size_t(1));
        const auto& [key, status] = *outcome->damaged.begin();
        QCOMPARE(key, copy.damagedKey);
        QCOMPARE(status.code(), io::ErrorCode::ChecksumMismatch); // a flipped payload byte
        // The offset names the damaged tensor's payload, which holds the flipped byte.
        const auto* entry = session.resolve(session.ref(key));
        QVERIFY(entry);
        QVERIFY(status.offset().has_value());
        QCOMPARE(*status.offset(), entry->stored.offset);
        QVERIFY(copy.damagedOffset >= *status.offset()
            && copy.damagedOffset < *status.offset() + entry->stored.size);

        // The tree model marks that tensor, and only it.
        model::VariableTreeModel tree;
        QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tree.setArtifact(session.artifact(), session.artifactId());
        QSignalSpy changed(&tree, &QAbstractItemModel::dataChanged);
        tree.setTensorProblems(outcome->artifact, outcome->damaged);
        QCOMPARE(changed.size(), 1);
        const QModelIndex marked = tree.indexForRef(session.ref(key));
        QVERIFY(marked.isValid());
        QVERIFY(tree.data(marked, model::VariableTreeModel::ProblemRole)
                    .toString()
                    .contains(QStringLiteral("ChecksumMismatch")));
        QVERIFY(tree.data(marked, Qt::DecorationRole).value<QIcon>().isNull() == false);
        QVERIFY(tree.data(marked, Qt::ToolTipRole).toString().contains(QStringLiteral("Damaged")));
        int markedRows = 0;
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            for (int r = 0; r < tree.rowCount(parent); ++r) {
                const QModelIndex i = tree.index(r, 0, parent);
                if (!tree.data(i, model::VariableTreeModel::ProblemRole).toString().isEmpty()) ++markedRows;
                walk(i);
            }
        };
        walk({});
        QCOMPARE(markedRows, 1);
        // Marks of another artifact are refused; clearing removes them.
        tree.setTensorProblems(outcome->artifact + 1000, {});
        QVERIFY(!tree.data(marked, model::VariableTreeModel::ProblemRole).toString().isEmpty());
        tree.clearTensorProblems();
        QVERIFY(tree.data(marked, model::VariableTreeModel::ProblemRole).toString().isEmpty());
        QVERIFY(tree.data(marked, Qt::DecorationRole).isNull());
    }

    void cancelLeavesNoOutcome()
    {
        QTemporaryDir dir;
        const auto copy = test::copyCheckpoint(dir);
        ArtifactSession session;
        ChecksumVerifier verifier(&session);
        QVERIFY(openIn(session, copy.prefix));
        QSignalSpy finished(&verifier, &ChecksumVerifier::finished);
        QSignalSpy cancelled(&verifier, &ChecksumVerifier::cancelled);
        verifier.start();
        // As the status bar's Cancel does: cancel the job's key on the session's runner.
        session.jobs().cancel(ChecksumVerifier::jobKey());
        QVERIFY(cancelled.wait(10000));
        session.jobs().waitForDone();
        QTest::qWait(50); // any stale result would be delivered now
        QCOMPARE(finished.size(), 0);
        QCOMPARE(cancelled.size(), 1);
        QVERIFY(!verifier.isRunning());
        QVERIFY(!verifier.outcome());
        QVERIFY(!session.jobs().isBusy());

        // A later run still works and is not reported as cancelled.
        verifier.start();
        QVERIFY(finished.wait(30000));
        QCOMPARE(cancelled.size(), 1);
        QVERIFY(verifier.outcome());
    }

    void reopeningClearsTheOutcome()
    {
        QTemporaryDir dir;
        const auto copy = test::copyCheckpoint(dir);
        ArtifactSession session;
        ChecksumVerifier verifier(&session);
        QVERIFY(openIn(session, copy.prefix));
        QSignalSpy finished(&verifier, &ChecksumVerifier::finished);
        QSignalSpy cleared(&verifier, &ChecksumVerifier::cleared);
        verifier.start();
        QVERIFY(finished.wait(30000));
        QVERIFY(verifier.outcome());
        // Closing while a new run is under way: the run is dropped, the old outcome cleared.
        verifier.start();
        QCOMPARE(cleared.size(), 1);
        session.close();
        QVERIFY(!verifier.isRunning());
        QVERIFY(!verifier.canVerify());
        session.jobs().waitForDone();
        QTest::qWait(50);
        QCOMPARE(finished.size(), 1);
        QVERIFY(!verifier.outcome());
        verifier.start(); // nothing open: ignored
        QVERIFY(!verifier.isRunning());
    }
};

QTEST_MAIN(TestChecksumVerifier)
#include "tst_checksum_verifier.moc"
