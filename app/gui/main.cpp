// tensorscope: the desktop app. `tensorscope [PATH...]` opens each PATH (anything the CLI accepts); when
// Tensorscope already runs for this user and display, the files go to it and this process exits.
#include "app/gui/compare_window.h"
#include "app/gui/dark_palette.h"
#include "app/gui/main_window.h"
#include "app/gui/run_step_reporter.h"
#include "app/gui/run_window.h"
#include "app/gui/screenshot_driver.h"
#include "app/gui/single_instance.h"
#include "app/gui/startup_timing.h"
#include "app/gui/window_opener.h"
#include "model/session/artifact_session.h"
#include "tscope_version.h"
#include "widgets/compare_view.h"
#include "widgets/variable_tree_view.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QPointer>
#include <QTimer>
#include <QTreeView>
#include <cstdio>
#include <optional>

namespace {

// `tensorscope --help` and `--version` must work in a terminal without a display (over ssh, in a
// package build): they show no window, so they get the offscreen platform.
void noDisplayForHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--help" || arg == "-h" || arg == "--help-all" || arg == "--version" || arg == "-v")
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }
}

// The files of a start given nothing but paths (as a file manager starts us), or nothing when any option
// is given: only such starts hand over before the application exists; the rest decide after parsing.
std::optional<QStringList> onlyPaths(int argc, char** argv)
{
    QStringList paths;
    for (int i = 1; i < argc; ++i) {
        if (argv[i][0] == '-') return std::nullopt;
        paths.append(QString::fromLocal8Bit(argv[i]));
    }
    return paths;
}

} // namespace

int main(int argc, char** argv)
{
    const double mainMs = tscope::app::msSinceProcessStart(); // first thing: pins the clock
    noDisplayForHelpOrVersion(argc, argv);

    // A second start hands its files to the running Tensorscope before QApplication connects to the display,
    // so it works (and is quick) even when this process could not reach the display. Holding the start lock
    // from here to serve() below keeps two simultaneous starts from both becoming the running instance.
    std::optional<QApplication> app; // declared first: it outlives the instance's server
    tscope::app::SingleInstance instance;
    std::optional<tscope::io::Result<tscope::app::SingleInstance::Outcome>> early;
    if (auto paths = onlyPaths(argc, argv)) {
        early = instance.handOverOrLock(*paths);
        if (*early && **early == tscope::app::SingleInstance::Outcome::HandedOver) return 0;
    }

    app.emplace(argc, argv);
    const double appMs = tscope::app::msSinceProcessStart();
    QApplication::setApplicationName(QStringLiteral("Tensorscope"));
    QApplication::setOrganizationName(QStringLiteral("Tensorscope"));
    QApplication::setApplicationVersion(QString::fromLatin1(tscope::kTensorscopeVersion));
    QApplication::setDesktopFileName(QStringLiteral("io.github.tensorscope.Tensorscope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Browse TensorFlow checkpoints and SavedModels."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the bundled demo SavedModel."));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("Save a screenshot of the window to FILE once the artifact is open (and VAR "
                       "selected), then quit."),
        QStringLiteral("FILE"));
    QCommandLineOption select(QStringLiteral("select"),
        QStringLiteral("Select variable VAR (checkpoint key or object path)."), QStringLiteral("VAR"));
    QCommandLineOption view(QStringLiteral("view"),
        QStringLiteral(
            "With --screenshot: what to show, one of summary, savedmodel, histogram, values, heatmap; "
            "computing (the selected variable's analysis mid-way); "
            "export (the File > Export… dialog); with --verify also problems (the problems dialog) or "
            "verifying (the status bar mid-way); with --compare the pair tab: histograms, difference, "
            "heatmap or values."),
        QStringLiteral("VIEW"));
    QCommandLineOption verify(QStringLiteral("verify"),
        QStringLiteral("With --screenshot: run Tools > Verify Checksums and shoot its result."));
    QCommandLineOption dark(
        QStringLiteral("dark"), QStringLiteral("Use the Fusion style with a dark palette."));
    QCommandLineOption compare(QStringLiteral("compare"),
        QStringLiteral("Compare artifact A with the artifact given as the path argument (B)."),
        QStringLiteral("A"));
    parser.addOption(compare);
    QCommandLineOption run(QStringLiteral("run"),
        QStringLiteral("Open DIR (or one of its checkpoints) as a training run and follow it live; with "
                       "--screenshot, --select names the variables to plot (comma-separated)."),
        QStringLiteral("DIR"));
    parser.addOption(run);
    QCommandLineOption reportSteps(QStringLiteral("report-steps"),
        QStringLiteral("With --run: print the step list as a JSON line on stdout at every change (tests)."));
    reportSteps.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(reportSteps);
    QCommandLineOption filter(QStringLiteral("filter"),
        QStringLiteral("With --screenshot: type TEXT into the variable filter first."),
        QStringLiteral("TEXT"));
    parser.addOption(filter);
    parser.addOption(view);
    parser.addOption(verify);
    parser.addOption(dark);
    parser.addOption(demo);
    parser.addOption(screenshot);
    parser.addOption(select);
    QCommandLineOption newInstance(QStringLiteral("new-instance"),
        QStringLiteral("Start a separate Tensorscope even if one is running (by default the files are "
                       "handed to the running one, which opens them in new windows)."));
    parser.addOption(newInstance);
    QCommandLineOption startupTiming(QStringLiteral("startup-timing"),
        QStringLiteral(
            "Print when the application was ready, the artifact (with --compare: both) was open and "
            "the variable tree first painted its rows, in ms since the process started, one "
            "\"startup-timing STEP MS\" line each on stdout; then quit."));
    parser.addOption(startupTiming);
    parser.addPositionalArgument(QStringLiteral("paths"),
        QStringLiteral("Checkpoints (.index, data shard, prefix), `checkpoint` state files, SavedModels "
                       "(saved_model.pb/.pbtxt or directory) or training directories. Files of one artifact "
                       "open it once; several artifacts open a window each."),
        QStringLiteral("[paths...]"));
    parser.process(*app);
    if (parser.isSet(dark)) tscope::app::useDarkFusionPalette(*app);
    tscope::app::StartupTiming* timing = nullptr;
    if (parser.isSet(startupTiming)) {
        timing = new tscope::app::StartupTiming(stdout, &*app);
        std::printf("startup-timing main %.1f\nstartup-timing qapplication %.1f\n", mainMs, appMs);
    }

    if (parser.isSet(compare)) {
        if (parser.positionalArguments().isEmpty()) parser.showHelp(2);
        tscope::app::CompareWindow window(parser.value(compare), parser.positionalArguments().first());
        if (timing) {
            QObject::connect(&window, &tscope::app::CompareWindow::artifactsOpened, timing,
                [timing] { timing->mark("opened"); });
            QObject::connect(
                &window, &tscope::app::CompareWindow::openFailed, timing, &tscope::app::StartupTiming::fail);
            timing->watchFirstPaint(window.findChild<tscope::ui::CompareView*>()->tree());
        }
        window.show();
        // --view histograms|difference|heatmap|values picks the pair details tab.
        if (parser.isSet(view)) {
            auto* compareView = window.findChild<tscope::ui::CompareView*>();
            if (!compareView || !compareView->showDetailsTab(parser.value(view))) parser.showHelp(2);
        }
        if (parser.isSet(screenshot))
            window.screenshotWhenReady(parser.value(screenshot), parser.value(select));
        return app->exec();
    }

    if (parser.isSet(run)) {
        tscope::app::RunWindow window(parser.value(run));
        window.show();
        if (parser.isSet(reportSteps)) new tscope::app::RunStepReporter(&window, stdout);
        if (parser.isSet(screenshot))
            window.screenshotWhenReady(parser.value(screenshot), parser.value(select));
        return app->exec();
    }

    // Scripted runs (screenshots, the demo) never hand over to, or serve, a running Tensorscope.
    const bool scripted = parser.isSet(screenshot) || parser.isSet(demo) || timing;
    if (!parser.isSet(newInstance) && !scripted) {
        auto outcome = early ? std::move(*early) : instance.handOverOrLock(parser.positionalArguments());
        if (outcome && *outcome == tscope::app::SingleInstance::Outcome::HandedOver) return 0;
        if (outcome) {
            if (auto listening = instance.serve(); !listening.isOk()) outcome = listening;
        }
        if (!outcome)
            qWarning("Tensorscope: running as a separate instance: %s", outcome.status().toString().c_str());
    }

    tscope::app::WindowOpener opener;
    QObject::connect(&instance, &tscope::app::SingleInstance::filesReceived, &opener,
        [&opener](const QStringList& files) { opener.openFiles(files); });
    QList<tscope::app::MainWindow*> windows;
    if (parser.isSet(demo)) {
        windows.append(opener.newWindow());
        windows.first()->openDemo();
    } else {
        windows = opener.openFiles(parser.positionalArguments());
    }
    if (timing) {
        if (windows.isEmpty()) parser.showHelp(2);
        auto* session = windows.first()->session();
        QObject::connect(
            session, &tscope::model::ArtifactSession::opened, timing, [timing] { timing->mark("opened"); });
        QObject::connect(session, &tscope::model::ArtifactSession::failed, timing,
            [timing](const tscope::io::Status& status) {
                timing->fail(QString::fromStdString(status.toString()));
            });
        timing->watchFirstPaint(windows.first()->treeView()->tree());
    }
    if (parser.isSet(select) && !parser.isSet(screenshot) && !windows.isEmpty())
        windows.first()->selectWhenOpen(parser.value(select));

    if (parser.isSet(screenshot) && !windows.isEmpty()) {
        // Scripted screenshots (README): wait for the artifact, select a variable, wait for its
        // statistics, grab the window, quit.
        auto* driver = new tscope::app::ScreenshotDriver(windows.first(), parser.value(screenshot),
            parser.value(select), parser.value(view), parser.isSet(verify));
        driver->setFilter(parser.value(filter));
        driver->start();
    }
    const int rc = app->exec();
    // Windows still open when a script quit the app are deleted while the application still exists.
    QList<QPointer<QMainWindow>> open;
    for (QWidget* w : QApplication::topLevelWidgets())
        if (auto* window = qobject_cast<QMainWindow*>(w)) open.append(window);
    for (const auto& window : open)
        delete window.data();
    return rc;
}
