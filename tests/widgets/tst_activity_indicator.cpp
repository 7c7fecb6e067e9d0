// The status bar's activity indicator: a long job appears with its label and percentage after the show
// delay, Cancel really cancels it (the job sees its token, the runner goes idle), and it disappears.
#include "model/session/job_runner.h"
#include "widgets/activity_indicator.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QtTest>
#include <atomic>
#include <thread>

using namespace tscope;

class TestActivityIndicator : public QObject {
    Q_OBJECT
private slots:
    void showsProgressAndCancelCancels()
    {
        model::JobRunner runner;
        QWidget statusBar; // stands in for the window's status bar
        auto& indicator = *new ui::ActivityIndicator(&statusBar);
        indicator.setShowDelay(50);
        indicator.watch(&runner);
        statusBar.show();
        QVERIFY(!indicator.isVisible()); // nothing running
        QObject receiver;
        std::atomic<bool> sawCancel { false };
        bool delivered = false;
        runner.runWithProgress<int>(
            QStringLiteral("long"), QStringLiteral("Crunching"), &receiver,
            [&](const io::CancelToken& token, const io::ProgressFn& progress) {
                for (uint64_t i = 0; !token.isCancelled(); i = std::min<uint64_t>(i + 1, 99)) {
                    progress(i, 200); // never beyond half: only Cancel ends it
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
                sawCancel = true;
                return 0;
            },
            [&](int) { delivered = true; });
        QTRY_VERIFY(indicator.isVisible());
        QTRY_VERIFY(indicator.label()->text().contains(QStringLiteral("%")));
        QVERIFY(indicator.label()->text().startsWith(QStringLiteral("Crunching")));
        QCOMPARE(indicator.bar()->maximum(), 100);
        QVERIFY(indicator.bar()->value() >= 0 && indicator.bar()->value() <= 50);
        QTest::mouseClick(indicator.cancelButton(), Qt::LeftButton);
        QTRY_VERIFY(sawCancel);
        QTRY_VERIFY(!runner.isBusy());
        QVERIFY(!indicator.isVisible());
        runner.waitForDone();
        QCoreApplication::processEvents();
        QVERIFY(!delivered);
    }

    void aLongLabelIsShortenedSoThePercentageShows()
    {
        model::JobRunner runner;
        QWidget statusBar;
        auto& indicator = *new ui::ActivityIndicator(&statusBar);
        indicator.setShowDelay(0);
        indicator.watch(&runner);
        statusBar.show();
        QObject receiver;
        const QString label = QStringLiteral("Statistics of ") + QString(300, QLatin1Char('x'))
            + QStringLiteral("/kernel"); // a deep variable path
        runner.runWithProgress<int>(
            QStringLiteral("long"), label, &receiver,
            [](const io::CancelToken& token, const io::ProgressFn& progress) {
                while (!token.isCancelled()) {
                    progress(1, 4);
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
                return 0;
            },
            [](int) {});
        QTRY_VERIFY(indicator.label()->text().endsWith(QStringLiteral("25%")));
        const QString shown = indicator.label()->text();
        QVERIFY(shown.startsWith(QStringLiteral("Statistics of ")));
        QVERIFY(shown.contains(QStringLiteral("/kernel"))); // shortened in the middle: both ends stay
        QVERIFY(shown.size() < label.size() / 2);
        QCOMPARE(indicator.label()->toolTip(), label);
        QTest::mouseClick(indicator.cancelButton(), Qt::LeftButton);
        QTRY_VERIFY(!runner.isBusy());
        runner.waitForDone();
    }

    void quickJobsNeverAppear()
    {
        model::JobRunner runner;
        QWidget statusBar;
        auto& indicator = *new ui::ActivityIndicator(&statusBar);
        indicator.setShowDelay(2000);
        indicator.watch(&runner);
        statusBar.show();
        QObject receiver;
        int result = 0;
        runner.runWithProgress<int>(
            QStringLiteral("quick"), QStringLiteral("Quick"), &receiver,
            [](const io::CancelToken&, const io::ProgressFn& progress) {
                progress(1, 1);
                return 1;
            },
            [&](int v) { result = v; });
        QTRY_COMPARE(result, 1);
        QVERIFY(!indicator.isVisible());
    }
};

QTEST_MAIN(TestActivityIndicator)
#include "tst_activity_indicator.moc"
