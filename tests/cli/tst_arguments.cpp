// The parsing rules of tensorscope-cli: options belong to their command, unknown options and commands are
// usage errors (exit 2) with a one-line reason, `COMMAND --help` works for every registered command, and
// --version prints the CMake project version.

#include "app/cli/arguments.h"
#include "app/cli/command.h"
#include "app/cli/exit_codes.h"
#include "cli_runner.h"
#include "tscope_version.h"

#include <QTest>
#include <sstream>
#include <string>
#include <vector>

using namespace tscope::cli;

namespace {

using test::cli;
using test::Run;

const std::string kCheckpoint = std::string(TSCOPE_FIXTURES_DIR) + "/tf215/ckpt_train_adam/train/ckpt-1";
const std::string kBias = "model/layer_with_weights-0/bias"; // a 1-D variable of that checkpoint

} // namespace

class TestArguments : public QObject {
    Q_OBJECT

private slots:
    void versionComesFromCMake()
    {
        const Run r = cli({ "--version" });
        QCOMPARE(r.exitCode, int(kExitOk));
        QCOMPARE(r.out, std::string("tensorscope-cli ") + tscope::kTensorscopeVersion + "\n");
    }

    void helpListsEveryCommand()
    {
        const Run r = cli({ "--help" });
        QCOMPARE(r.exitCode, int(kExitOk));
        for (const auto& c : allCommands())
            QVERIFY2(r.out.find(c->name()) != std::string::npos, c->name());
    }

    void everyCommandHasItsOwnHelp()
    {
        for (const auto& c : allCommands()) {
            const Run r = cli({ c->name(), "--help" });
            QCOMPARE(r.exitCode, int(kExitOk));
            QVERIFY2(r.out.find("PATH") != std::string::npos, c->name());
            QVERIFY2(r.err.empty(), r.err.c_str());
        }
        const Run show = cli({ "show", "--help" });
        QVERIFY(show.out.find("--slice") != std::string::npos);
        QVERIFY(show.out.find("--flat") == std::string::npos);
        const Run ls = cli({ "ls", "--help" });
        QVERIFY(ls.out.find("--no-slots") != std::string::npos);
        QVERIFY(ls.out.find("--slice") == std::string::npos);
    }

    void optionOfAnotherCommandIsAnError_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentioned");
        QTest::newRow("show --flat") << QStringList { "show", "P", "v", "--flat" } << "--flat";
        QTest::newRow("ls --slice") << QStringList { "ls", "P", "--slice", "0" } << "--slice";
        QTest::newRow("info --no-slots") << QStringList { "info", "P", "--no-slots" } << "--no-slots";
        QTest::newRow("verify --format") << QStringList { "verify", "P", "--format", "csv" } << "--format";
        QTest::newRow("unknown option") << QStringList { "stats", "P", "--bogus" } << "--bogus";
    }
    void optionOfAnotherCommandIsAnError()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentioned);
        std::vector<std::string> a;
        for (const auto& s : args)
            a.push_back(s.toStdString());
        const Run r = cli(a);
        QCOMPARE(r.exitCode, int(kExitUsage));
        QVERIFY2(r.err.rfind("tensorscope-cli: ", 0) == 0, r.err.c_str());
        QVERIFY2(r.err.find(mentioned.toStdString()) != std::string::npos, r.err.c_str());
        QVERIFY(r.out.empty());
    }

    void usageErrors()
    {
        QCOMPARE(cli({}).exitCode, int(kExitUsage));
        QCOMPARE(cli({ "frobnicate", "P" }).exitCode, int(kExitUsage));
        QCOMPARE(cli({ "info" }).exitCode, int(kExitUsage)); // PATH missing
        QCOMPARE(cli({ "show", "P" }).exitCode, int(kExitUsage)); // VAR missing
        QCOMPARE(cli({ "show", "P", "a", "b" }).exitCode, int(kExitUsage)); // one VAR only
        QCOMPARE(cli({ "info", "P", "extra" }).exitCode, int(kExitUsage));
        QCOMPARE(cli({ "show", "P", "v", "--format", "xml" }).exitCode, int(kExitUsage));
        QCOMPARE(cli({ "show", "P", "v", "--slice" }).exitCode, int(kExitUsage)); // value missing
    }

    void validCommandsRun()
    {
        QCOMPARE(cli({ "ls", kCheckpoint, "--flat", "--no-slots" }).exitCode, int(kExitOk));
        QCOMPARE(cli({ "stats", kCheckpoint, "--json" }).exitCode, int(kExitOk));
        const Run show = cli({ "show", kCheckpoint, kBias, "--slice=1:3", "--format=json" });
        QCOMPARE(show.exitCode, int(kExitOk));
        QVERIFY(show.out.find("\"schema\": \"tensorscope.tensor/1\"") != std::string::npos);
        QVERIFY(show.out.find("\"slice\": \"1:3\"") != std::string::npos);
        // A negative index is a value, not an option.
        const Run neg = cli({ "show", kCheckpoint, kBias, "--slice", "-1" });
        QVERIFY2(neg.exitCode == int(kExitOk), neg.err.c_str());
        QVERIFY(neg.out.find("[-1] -> []") != std::string::npos);
    }

    void openFailureIsExit3WithErrorDocument()
    {
        const Run r = cli({ "info", "/nonexistent/tensorscope/path", "--json" });
        QCOMPARE(r.exitCode, int(kExitOpenFailed));
        QVERIFY(r.out.find("\"schema\": \"tensorscope.error/1\"") != std::string::npos);
        QVERIFY(r.err.rfind("tensorscope-cli: ", 0) == 0);
    }

    void missingVariableIsExit5()
    {
        QCOMPARE(cli({ "show", kCheckpoint, "no/such/variable" }).exitCode, int(kExitNoSuchVariable));
        QCOMPARE(cli({ "stats", kCheckpoint, "no/such/variable" }).exitCode, int(kExitNoSuchVariable));
    }
};

QTEST_APPLESS_MAIN(TestArguments)
#include "tst_arguments.moc"
