#include "app/gui/screenshot_driver.h"

#include "app/gui/export_dialog.h"
#include "app/gui/main_window.h"
#include "app/gui/signature_builder_dialog.h"
#include "model/session/artifact_session.h"
#include "model/session/checksum_verifier.h"
#include "model/session/inspection_controller.h"
#include "widgets/activity_indicator.h"
#include "widgets/saved_model_view.h"
#include "widgets/tensor_inspector.h"
#include "widgets/variable_tree_view.h"
#include "widgets/verify_report_dialog.h"

#include <QAction>
#include <QApplication>
#include <QLineEdit>
#include <QProgressBar>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

namespace tscope::app {

ScreenshotDriver::ScreenshotDriver(
    MainWindow* window, QString file, QString variable, QString view, bool verify)
    : QObject(window)
    , m_window(window)
    , m_file(std::move(file))
    , m_variable(std::move(variable))
    , m_view(std::move(view))
    , m_verify(verify)
{ }

void ScreenshotDriver::showView()
{
    if (m_view == QLatin1String("summary"))
        m_window->pages()->setCurrentIndex(0);
    else if (m_view == QLatin1String("savedmodel"))
        m_window->pages()->setCurrentIndex(2);
    else if (m_view == QLatin1String("functions")) {
        m_window->pages()->setCurrentIndex(2);
        if (auto* tabs = m_window->savedModelView()->findChild<QTabWidget*>())
            tabs->setCurrentIndex(tabs->count() - 1);
    } else if (m_view == QLatin1String("histogram"))
        m_window->inspector()->tabs()->setCurrentIndex(0);
    else if (m_view == QLatin1String("values"))
        m_window->inspector()->tabs()->setCurrentIndex(1);
    else if (m_view == QLatin1String("heatmap"))
        m_window->inspector()->tabs()->setCurrentIndex(2);
}

void ScreenshotDriver::start()
{
    const double dpr = m_window->devicePixelRatioF();
    m_window->resize(static_cast<int>(kScreenWidth / dpr), static_cast<int>(kScreenHeight / dpr));
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
    if (!m_filter.isEmpty()) {
        m_window->treeView()->filterEdit()->setText(m_filter);
        m_window->treeView()->applyFilterNow();
    }
    afterFilter();
}

void ScreenshotDriver::afterFilter()
{
    if (m_window->treeView()->filterPending()) { // matched on a worker thread: shoot the result
        QTimer::singleShot(20, this, &ScreenshotDriver::afterFilter);
        return;
    }
    auto artifact = m_window->session()->artifact();
    if (m_variable.isEmpty() || !artifact) {
        ready(300);
        return;
    }
    if (artifact->findEntry(m_variable.toStdString()) < 0) {
        if (m_window->treeView()->selectGroup(m_variable)) { // a layer: its aggregate, nothing to compute
            ready(300);
            return;
        }
        std::fprintf(stderr, "tensorscope: no variable '%s'\n", qPrintable(m_variable));
        QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
        return;
    }
    if (m_view == QLatin1String("computing")) { // mid-analysis of a big tensor
        grabOnceProgressShows();
        m_window->treeView()->selectVariable(m_variable);
        return;
    }
    connect(
        m_window->findChild<model::InspectionController*>(), &model::InspectionController::analysisReady,
        this, [this] { ready(500); }, Qt::SingleShotConnection);
    m_window->treeView()->selectVariable(m_variable);
}

void ScreenshotDriver::ready(int settleMs)
{
    // the File > Export… dialog for the selected variable; export-savedmodel: with the SavedModel choice and
    // the template in TSCOPE_EXPORT_TEMPLATE
    // export-tf1: the SavedModel choice with the checkpoint's .meta graph and the signature in
    // TSCOPE_EXPORT_INPUTS / TSCOPE_EXPORT_OUTPUTS (NAME=TENSOR, comma-separated); signature-builder: the
    // builder on that graph and signature, its search set to TSCOPE_SIGNATURE_SEARCH.
    if (m_view == QLatin1String("export-tf1") || m_view == QLatin1String("signature-builder")) {
        auto artifact = m_window->session()->artifact();
        const QString meta = artifact && artifact->bundle
            ? QString::fromStdString(artifact->bundle->prefix().string() + ".meta")
            : QString();
        io::Tf1SignatureSpec spec;
        for (const auto& b : qEnvironmentVariable("TSCOPE_EXPORT_INPUTS").split(u',', Qt::SkipEmptyParts))
            spec.inputs.push_back(b.toStdString());
        for (const auto& b : qEnvironmentVariable("TSCOPE_EXPORT_OUTPUTS").split(u',', Qt::SkipEmptyParts))
            spec.outputs.push_back(b.toStdString());
        QDialog* dialog = nullptr;
        if (m_view == QLatin1String("export-tf1")) {
            auto* d = new ExportDialog(artifact, QString(), m_window);
            d->chooseTf1(meta, spec);
            dialog = d;
        } else if (auto graph = io::Tf1Graph::open(meta.toStdString())) {
            auto* d = new SignatureBuilderDialog(*graph, spec, m_window);
            d->setFilter(qEnvironmentVariable("TSCOPE_SIGNATURE_SEARCH"));
            dialog = d;
        } else {
            std::fprintf(stderr, "tensorscope: %s\n", graph.status().toString().c_str());
            QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
            return;
        }
        dialog->show();
        QTimer::singleShot(settleMs, this, [this, dialog] { grabWidgetAndQuit(dialog); });
        return;
    }
    if (m_view == QLatin1String("export") || m_view == QLatin1String("export-savedmodel")) {
        auto artifact = m_window->session()->artifact();
        const int entry = artifact ? artifact->findEntry(m_variable.toStdString()) : -1;
        const QString key = entry >= 0 && artifact->bundle
            ? QString::fromStdString(artifact->bundle->entries()[static_cast<size_t>(entry)].key)
            : QString();
        auto* dialog = new ExportDialog(artifact, key, m_window);
        if (m_view == QLatin1String("export-savedmodel"))
            dialog->chooseSavedModel(qEnvironmentVariable("TSCOPE_EXPORT_TEMPLATE"));
        dialog->show();
        QTimer::singleShot(settleMs, this, [this, dialog] { grabWidgetAndQuit(dialog); });
        return;
    }
    showView();
    if (m_verify)
        verify();
    else
        QTimer::singleShot(settleMs, this, &ScreenshotDriver::grabAndQuit);
}

void ScreenshotDriver::grabOnceProgressShows()
{
    m_window->activity()->setShowDelay(0);
    auto* poll = new QTimer(this);
    connect(poll, &QTimer::timeout, this, [this, poll] {
        if (m_window->activity()->isVisible() && m_window->activity()->bar()->value() >= 5) {
            poll->stop();
            grabAndQuit();
        }
    });
    poll->start(10);
}

void ScreenshotDriver::verify()
{
    model::ChecksumVerifier* verifier = m_window->verifier();
    if (!verifier->canVerify()) {
        std::fprintf(stderr, "tensorscope: nothing to verify\n");
        QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
        return;
    }
    if (m_view == QLatin1String("verifying")) {
        grabOnceProgressShows();
    } else {
        connect(verifier, &model::ChecksumVerifier::finished, this, [this] {
            if (m_view == QLatin1String("problems")) {
                m_window->showVerifyReport();
                QTimer::singleShot(300, this, [this] { grabWidgetAndQuit(m_window->verifyReport()); });
            } else {
                QTimer::singleShot(300, this, &ScreenshotDriver::grabAndQuit);
            }
        });
    }
    connect(verifier, &model::ChecksumVerifier::cancelled, this, &ScreenshotDriver::grabAndQuit);
    m_window->verifyAction()->trigger();
}

void ScreenshotDriver::grabAndQuit()
{
    grabWidgetAndQuit(m_window);
}

void ScreenshotDriver::grabWidgetAndQuit(QWidget* widget)
{
    const bool ok = widget && widget->grab().save(m_file);
    std::fprintf(stderr, "tensorscope: %s %s\n", ok ? "saved" : "could not save", qPrintable(m_file));
    QApplication::exit(ok ? 0 : 1);
}

} // namespace tscope::app
