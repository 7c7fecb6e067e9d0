#include "app/gui/screenshot_driver.h"

#include "app/gui/main_window.h"
#include "model/artifact_session.h"
#include "model/inspection_controller.h"
#include "widgets/tensor_inspector.h"
#include "widgets/variable_tree_view.h"

#include <QApplication>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

namespace tscope::app {

ScreenshotDriver::ScreenshotDriver(MainWindow* window, QString file, QString variable)
    : QObject(window), m_window(window), m_file(std::move(file)), m_variable(std::move(variable))
{
}

void ScreenshotDriver::start()
{
    connect(m_window->session(), &model::ArtifactSession::opened, this, &ScreenshotDriver::onOpened);
    connect(m_window->session(), &model::ArtifactSession::failed, this, [this] { QTimer::singleShot(200, this, &ScreenshotDriver::grabAndQuit); });
    // Nothing to open (start page): shoot what is there.
    if (m_window->session()->state() == model::ArtifactSession::State::Empty) QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
    QTimer::singleShot(60000, this, [] {
        std::fprintf(stderr, "tensorscope: screenshot timed out\n");
        QApplication::exit(2);
    });
}

void ScreenshotDriver::onOpened()
{
    auto artifact = m_window->session()->artifact();
    if (m_variable.isEmpty() || !artifact) {
        QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
        return;
    }
    if (m_variable == QLatin1String("-savedmodel")) { // show the SavedModel page instead of a variable
        m_window->pages()->setCurrentIndex(2);
        QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
        return;
    }
    int entry = artifact->findEntry(m_variable.toStdString());
    if (entry < 0) {
        std::fprintf(stderr, "tensorscope: no variable '%s'\n", qPrintable(m_variable));
        QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
        return;
    }
    connect(m_window->findChild<model::InspectionController*>(), &model::InspectionController::analysisReady, this, [this] { QTimer::singleShot(500, this, &ScreenshotDriver::grabAndQuit); });
    m_window->treeView()->selectEntry(entry);
}

void ScreenshotDriver::grabAndQuit()
{
    const bool ok = m_window->grab().save(m_file);
    std::fprintf(stderr, "tensorscope: %s %s\n", ok ? "saved" : "could not save", qPrintable(m_file));
    QApplication::exit(ok ? 0 : 1);
}

} // namespace tscope::app
