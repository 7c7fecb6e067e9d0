#include "app/gui/screenshot_driver.h"

#include "app/gui/main_window.h"
#include "model/session/artifact_session.h"
#include "model/session/inspection_controller.h"
#include "widgets/tensor_inspector.h"
#include "widgets/variable_tree_view.h"

#include <QApplication>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

namespace tscope::app {

ScreenshotDriver::ScreenshotDriver(MainWindow* window, QString file, QString variable, QString view)
    : QObject(window)
    , m_window(window)
    , m_file(std::move(file))
    , m_variable(std::move(variable))
    , m_view(std::move(view))
{ }

void ScreenshotDriver::showView()
{
    if (m_view == QLatin1String("summary"))
        m_window->pages()->setCurrentIndex(0);
    else if (m_view == QLatin1String("savedmodel"))
        m_window->pages()->setCurrentIndex(2);
    else if (m_view == QLatin1String("histogram"))
        m_window->inspector()->tabs()->setCurrentIndex(0);
    else if (m_view == QLatin1String("values"))
        m_window->inspector()->tabs()->setCurrentIndex(1);
    else if (m_view == QLatin1String("heatmap"))
        m_window->inspector()->tabs()->setCurrentIndex(2);
}

void ScreenshotDriver::start()
{
    connect(m_window->session(), &model::ArtifactSession::opened, this, &ScreenshotDriver::onOpened);
    connect(m_window->session(), &model::ArtifactSession::failed, this,
        [this] { QTimer::singleShot(200, this, &ScreenshotDriver::grabAndQuit); });
    // Nothing to open (start page): shoot what is there.
    if (m_window->session()->state() == model::ArtifactSession::State::Empty)
        QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
    QTimer::singleShot(60000, this, [] {
        std::fprintf(stderr, "tensorscope: screenshot timed out\n");
        QApplication::exit(2);
    });
}

void ScreenshotDriver::onOpened()
{
    auto artifact = m_window->session()->artifact();
    if (m_variable.isEmpty() || !artifact) {
        showView();
        QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
        return;
    }
    if (artifact->findEntry(m_variable.toStdString()) < 0) {
        std::fprintf(stderr, "tensorscope: no variable '%s'\n", qPrintable(m_variable));
        QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
        return;
    }
    connect(m_window->findChild<model::InspectionController*>(), &model::InspectionController::analysisReady,
        this, [this] {
            showView();
            QTimer::singleShot(500, this, &ScreenshotDriver::grabAndQuit);
        });
    m_window->treeView()->selectVariable(m_variable);
}

void ScreenshotDriver::grabAndQuit()
{
    const bool ok = m_window->grab().save(m_file);
    std::fprintf(stderr, "tensorscope: %s %s\n", ok ? "saved" : "could not save", qPrintable(m_file));
    QApplication::exit(ok ? 0 : 1);
}

} // namespace tscope::app
