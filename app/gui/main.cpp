// tensorscope: the desktop app. `tensorscope [PATH]` opens PATH (anything the CLI accepts).
#include "app/gui/dark_palette.h"
#include "app/gui/main_window.h"
#include "app/gui/screenshot_driver.h"
#include "tscope_version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
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
            "with --verify also problems (the problems dialog) or verifying (the status bar mid-way)."),
        QStringLiteral("VIEW"));
    QCommandLineOption verify(QStringLiteral("verify"),
        QStringLiteral("With --screenshot: run Tools > Verify Checksums and shoot its result."));
    QCommandLineOption dark(
        QStringLiteral("dark"), QStringLiteral("Use the Fusion style with a dark palette."));
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
    parser.addPositionalArgument(
        QStringLiteral("path"), QStringLiteral("Checkpoint, SavedModel or training directory to open."));
    parser.process(app);
    if (parser.isSet(dark)) tscope::app::useDarkFusionPalette(app);

    tscope::app::MainWindow window;
    window.show();
    if (parser.isSet(demo))
        window.openDemo();
    else if (!parser.positionalArguments().isEmpty())
        window.openPath(parser.positionalArguments().first());
    if (parser.isSet(select) && !parser.isSet(screenshot)) window.selectWhenOpen(parser.value(select));

    if (parser.isSet(screenshot)) {
        // Scripted screenshots (README): wait for the artifact, select a variable, wait for its
        // statistics, grab the window, quit.
        auto* driver = new tscope::app::ScreenshotDriver(&window, parser.value(screenshot),
            parser.value(select), parser.value(view), parser.isSet(verify));
        driver->setFilter(parser.value(filter));
        driver->start();
    }
    return app.exec();
}
