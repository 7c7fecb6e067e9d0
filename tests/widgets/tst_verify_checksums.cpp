// Tools > Verify Checksums in the main window: enabled only with a checkpoint open, reports an intact
// checkpoint inline, marks a damaged tensor in the tree and lists it (key, problem, offset), and is
// cancelled from the status bar without leaving marks or a result.
#include "app/gui/main_window.h"
#include "model/damaged_checkpoint.h"
#include "model/items/artifact_summary.h"
#include "model/items/variable_filter_proxy.h"
#include "model/items/variable_tree_model.h"
#include "model/kernels/compute_pool.h"
#include "model/session/artifact_session.h"
#include "model/session/checksum_verifier.h"
#include "widgets/activity_indicator.h"
#include "widgets/message_bar.h"
#include "widgets/variable_tree_view.h"
#include "widgets/verify_report_dialog.h"

#include <QAction>
#include <QLabel>
#include <QPushButton>
#include <QSemaphore>
#include <QTableWidget>
#include <QTreeView>
#include <QtTest>

using namespace tscope;
using model::ArtifactSession;
using model::ChecksumVerifier;

class TestVerifyChecksums : public QObject {
    Q_OBJECT
private:
    static bool openIn(app::MainWindow& w, const QString& path)
    {
        w.openPath(path);
        return QTest::qWaitFor([&] { return w.session()->state() != ArtifactSession::State::Opening; }, 30000)
            && w.session()->state() == ArtifactSession::State::Open;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TensorscopeTest"));
    }

    void actionFollowsTheArtifact()
    {
        app::MainWindow w;
        w.show();
        QVERIFY(!w.verifyAction()->isEnabled());
        QCOMPARE(w.verifyAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
        QTemporaryDir dir;
        QVERIFY(!test::copyCheckpoint(dir, false).prefix.isEmpty());
        QVERIFY(openIn(w, dir.filePath(QStringLiteral("ckpt-1"))));
        QVERIFY(w.verifyAction()->isEnabled());
        w.session()->close();
        QVERIFY(!w.verifyAction()->isEnabled());
    }

    void intactCheckpointIsReportedInline()
    {
        app::MainWindow w;
        w.show();
        QTemporaryDir dir;
        const auto copy = test::copyCheckpoint(dir, false);
        QVERIFY(openIn(w, copy.prefix));
        QSignalSpy finished(w.verifier(), &ChecksumVerifier::finished);
        w.verifyAction()->trigger();
        QVERIFY(finished.wait(30000));
        QVERIFY(w.artifactMessage()->isVisible());
        QCOMPARE(w.artifactMessage()->kind(), ui::MessageBar::Kind::Info);
        const QString expected
            = QStringLiteral("all %1 tensors")
                  .arg(QLocale().toString(qulonglong(w.session()->artifact()->bundle->entries().size())));
        QVERIFY2(w.artifactMessage()->text().contains(expected), qPrintable(w.artifactMessage()->text()));
        QVERIFY(w.artifactMessage()->text().contains(QStringLiteral("intact")));
        QVERIFY(w.treeView()->model()->tensorProblems().empty());
    }

    void damagedTensorIsMarkedAndListed()
    {
        app::MainWindow w;
        w.show();
        QTemporaryDir dir;
        const auto copy = test::copyCheckpoint(dir);
        QVERIFY(!copy.damagedKey.empty());
        QVERIFY(openIn(w, copy.prefix));
        QSignalSpy finished(w.verifier(), &ChecksumVerifier::finished);
        w.verifyAction()->trigger();
        QVERIFY(finished.wait(30000));
        QCOMPARE(w.artifactMessage()->kind(), ui::MessageBar::Kind::Error);
        QVERIFY2(w.artifactMessage()->text().contains(QStringLiteral("1 of")),
            qPrintable(w.artifactMessage()->text()));

        // In the tree (through the filter proxy the view shows): icon, colour and tooltip.
        const auto ref = w.session()->ref(copy.damagedKey);
        const QModelIndex source = w.treeView()->model()->indexForRef(ref);
        QVERIFY(source.isValid());
        const QModelIndex shown = w.treeView()->proxy()->mapFromSource(source);
        QVERIFY(shown.isValid());
        QVERIFY(!shown.data(Qt::DecorationRole).value<QIcon>().isNull());
        QCOMPARE(shown.data(Qt::ForegroundRole).value<QColor>(), model::damagedColor());
        QVERIFY(shown.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Damaged")));

        // The message's button lists the problem: key, what is wrong, offset.
        auto* button = w.artifactMessage()->findChild<QPushButton*>();
        QVERIFY(button && button->isVisible());
        button->click();
        auto* report = w.verifyReport();
        QVERIFY(report && report->isVisible());
        QTableWidget* table = report->table();
        QCOMPARE(table->rowCount(), 1);
        // Named as in the tree and the summary (object path), with the exact key in the tooltip.
        const auto artifact = w.session()->artifact();
        const auto* tensorItem = table->item(0, ui::VerifyReportDialog::TensorColumn);
        QCOMPARE(tensorItem->text(),
            QString::fromStdString(
                model::variableDisplayName(*artifact, artifact->bundle->indexOf(copy.damagedKey))));
        QVERIFY(tensorItem->toolTip().contains(QString::fromStdString(copy.damagedKey)));
        QVERIFY(!table->item(0, ui::VerifyReportDialog::ProblemColumn)->text().isEmpty());
        const auto* entry = w.session()->resolve(ref);
        QCOMPARE(table->item(0, ui::VerifyReportDialog::OffsetColumn)->text(),
            QLocale().toString(qulonglong(entry->stored.offset)));

        // Double-clicking the row selects the tensor in the tree.
        emit table->cellDoubleClicked(0, 0);
        QCOMPARE(w.treeView()->currentKey(), QString::fromStdString(copy.damagedKey));
    }

    void cancelFromTheStatusBarLeavesNothing()
    {
        app::MainWindow w;
        w.show();
        w.activity()->setShowDelay(0);
        QTemporaryDir dir;
        const auto copy = test::copyCheckpoint(dir);
        QVERIFY(openIn(w, copy.prefix));
        // Keep every pool thread busy so the verify job is still queued when Cancel is clicked.
        auto& pool = model::sharedComputePool().threads();
        QSemaphore release, started;
        const int threads = pool.maxThreadCount();
        for (int i = 0; i < threads; ++i)
            pool.start([&] {
                started.release();
                release.acquire();
            });
        started.acquire(threads);
        QSignalSpy finished(w.verifier(), &ChecksumVerifier::finished);
        QSignalSpy cancelled(w.verifier(), &ChecksumVerifier::cancelled);
        w.verifyAction()->trigger();
        QTRY_VERIFY(w.activity()->isVisible());
        QVERIFY2(w.activity()->label()->text().startsWith(QStringLiteral("Verifying")),
            qPrintable(w.activity()->label()->text()));
        w.activity()->cancelButton()->click();
        release.release(threads);
        QVERIFY(cancelled.wait(10000));
        w.session()->jobs().waitForDone();
        QTest::qWait(50);
        QCOMPARE(finished.size(), 0);
        QVERIFY(!w.activity()->isVisible());
        QVERIFY(w.treeView()->model()->tensorProblems().empty());
        QCOMPARE(w.artifactMessage()->kind(), ui::MessageBar::Kind::Info);
        QVERIFY(w.artifactMessage()->text().contains(QStringLiteral("cancelled")));
    }
};

QTEST_MAIN(TestVerifyChecksums)
#include "tst_verify_checksums.moc"
