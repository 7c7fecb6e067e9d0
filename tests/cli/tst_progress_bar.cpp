// The progress bar's rules: nothing when stderr is not a terminal or the output is JSON, nothing before
// the delay, and a drawn bar is erased when the step ends.

#include "app/cli/command_context.h"
#include "app/cli/progress_bar.h"

#include <QTest>
#include <chrono>
#include <sstream>

using namespace tscope::cli;
using namespace std::chrono_literals;

class TestProgressBar : public QObject {
    Q_OBJECT

private slots:
    void notATerminalDrawsNothing()
    {
        std::ostringstream out, err;
        CommandContext context { out, err, false, false };
        {
            ProgressBar bar = context.progress("Opening");
            QVERIFY(!bar.callback()); // io skips progress work entirely
            bar.update(5, 10);
            QVERIFY(!bar.hasDrawn());
        }
        QVERIFY(err.str().empty());
    }

    void jsonOutputDrawsNothingEvenOnATerminal()
    {
        std::ostringstream out, err;
        CommandContext context { out, err, true, true };
        {
            ProgressBar bar = context.progress("Verifying");
            QVERIFY(!bar.callback());
            bar.update(5, 10);
        }
        QVERIFY(err.str().empty());
    }

    void quickStepsDrawNothing()
    {
        std::ostringstream err;
        {
            ProgressBar bar(err, "Statistics", true, 1h);
            bar.callback()(1, 2);
            QVERIFY(!bar.hasDrawn());
        }
        QVERIFY(err.str().empty());
    }

    void longStepDrawsAndErases()
    {
        std::ostringstream err;
        {
            ProgressBar bar(err, "Verifying", true, 0s);
            QVERIFY(bar.callback()(50, 100));
            QVERIFY(bar.hasDrawn());
            QVERIFY(err.str().find("Verifying [###############...............]  50%") != std::string::npos);
            bar.finish();
            bar.update(60, 100); // ignored after finish
        }
        const std::string s = err.str();
        QVERIFY(s.find('\n') == std::string::npos); // one line, rewritten in place
        QCOMPARE(s.back(), '\r'); // erased: the next output starts at column 0 on a blank line
    }

    void unknownTotalShowsACount()
    {
        std::ostringstream err;
        ProgressBar bar(err, "Opening", true, 0s);
        bar.update(1234, 0);
        QVERIFY(err.str().find("Opening 1234") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestProgressBar)
#include "tst_progress_bar.moc"
