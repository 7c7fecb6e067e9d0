// The CLI's SIGINT handler: the first Ctrl-C only raises the flag progress callbacks read (which makes
// them decline, so the running operation cancels), and leaves SIGINT's default action in place so a
// second Ctrl-C ends the process as usual.

#include "app/cli/command_context.h"
#include "app/cli/exit_codes.h"
#include "app/cli/interrupt.h"

#include <QTest>
#include <csignal>
#include <sstream>

using namespace tscope::cli;

class TestInterrupt : public QObject {
    Q_OBJECT

private slots:
    void beforeCtrlCProgressGoesOn()
    {
        installInterruptHandler();
        QVERIFY(!interruptRequested());
        std::ostringstream out, err;
        CommandContext context { out, err };
        ProgressBar bar(err, "Verifying", false);
        const auto progress = context.progressCallback(bar);
        QVERIFY(progress); // non-empty even when the bar is silent: it is how Ctrl-C reaches the work
        QVERIFY(progress(1, 2));
        QVERIFY(!context.cancelled());
    }

    void firstCtrlCCancelsSecondKills()
    {
        installInterruptHandler();
        QCOMPARE(std::raise(SIGINT), 0); // handled: the process goes on
        QVERIFY(interruptRequested());
        struct sigaction now { };
        QCOMPARE(sigaction(SIGINT, nullptr, &now), 0);
        QVERIFY(now.sa_handler == SIG_DFL); // the next SIGINT terminates

        std::ostringstream out, err;
        CommandContext context { out, err };
        ProgressBar bar(err, "Verifying", false);
        QVERIFY(!context.progressCallback(bar)(1, 2)); // the operation is asked to stop
        QVERIFY(context.cancelled());
        QCOMPARE(context.reportCancelled(), int(kExitInterrupted));
        QCOMPARE(context.reportCancelled(), 130);
        QCOMPARE(err.str(), std::string("tensorscope-cli: cancelled\n")); // one line, however often asked
        QCOMPARE(out.str(), std::string());
    }
};

QTEST_APPLESS_MAIN(TestInterrupt)
#include "tst_interrupt.moc"
