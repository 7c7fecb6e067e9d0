#include "app/gui/run_window.h"

#include "app/gui/compare_window.h"
#include "app/gui/fit_to_screen.h"
#include "app/gui/screenshot_driver.h"
#include "model/kernels/compute_pool.h"
#include "model/run/run_watcher.h"
#include "model/run/step_list_model.h"
#include "model/session/job_runner.h"
#include "widgets/activity_indicator.h"
#include "widgets/run_view.h"

#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QListWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <cstdio>

namespace tscope::app {

struct RunWindow::Computed {
    std::vector<std::string> steps; // the prefixes computed over
    std::map<std::string, std::shared_ptr<io::Artifact>> opened; // every step, opened
    std::vector<model::VariableSeries> series;
    QStringList variables; // of the last step, when listed
    std::string listedFrom; // that last step's prefix
    QStringList requested;
    io::Status error;
    std::vector<io::Status> stepErrors; // per step of `steps`: why it did not open (ok when it did)
};

namespace {

std::shared_ptr<io::Artifact> openStep(std::map<std::string, std::shared_ptr<io::Artifact>>& open,
    const std::string& prefix, const io::CancelToken& cancel, io::Status& error)
{
    if (auto it = open.find(prefix); it != open.end()) return it->second;
    io::OpenOptions options;
    options.cancel = &cancel;
    auto a = io::openArtifact(prefix + ".index", options);
    if (!a) {
        error = a.status();
        return nullptr;
    }
    open[prefix] = *a;
    return *a;
}

} // namespace

RunWindow::RunWindow(const QString& path, QWidget* parent)
    : QMainWindow(parent)
    , m_path(path)
    , m_watcher(new model::RunWatcher(this))
    , m_stepModel(new model::StepListModel(this))
    , m_jobs(new model::JobRunner(this))
    , m_view(new ui::RunView(this))
{
    setWindowTitle(tr("Training run %1 — Tensorscope").arg(QFileInfo(path).fileName()));
    m_view->setStepModel(m_stepModel);
    setCentralWidget(m_view);
    auto* activity = new ui::ActivityIndicator(this);
    activity->watch(m_jobs);
    statusBar()->addPermanentWidget(activity);
    resize(1280, 820);
    fitWindowToScreen(this);
    connect(m_watcher, &model::RunWatcher::stepsChanged, this, &RunWindow::onStepsChanged);
    connect(m_watcher, &model::RunWatcher::scanFailed, this,
        [this](const QString& message) { statusBar()->showMessage(message); });
    connect(m_view, &ui::RunView::variablesSelected, this, &RunWindow::showSeries);
    connect(m_view, &ui::RunView::runChosen, this, &RunWindow::showRun);
    connect(m_view, &ui::RunView::compareRequested, this, [this](int a, int b) {
        const auto& steps = m_stepModel->steps();
        if (a < 0 || b >= static_cast<int>(steps.size())) return;
        auto* window = new CompareWindow(
            QString::fromStdString(steps[static_cast<size_t>(a)].prefix.string() + ".index"),
            QString::fromStdString(steps[static_cast<size_t>(b)].prefix.string() + ".index"));
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->show();
    });
    const std::filesystem::path input(QFileInfo(path).absoluteFilePath().toStdString());
    std::error_code ec;
    m_directory = std::filesystem::is_directory(input, ec) ? input : input.parent_path();
    m_watcher->watch(input);
    if (m_stepModel->steps().empty())
        m_view->setMessage(
            tr("No complete checkpoint in %1 yet; watching for new ones.").arg(path.toHtmlEscaped()));
}

RunWindow::~RunWindow() = default;

const std::string& RunWindow::runName() const
{
    return m_watcher->runName();
}

const std::vector<std::string>& RunWindow::runNames() const
{
    return m_watcher->runNames();
}

void RunWindow::showRun(const QString& name)
{
    if (name.toStdString() == m_watcher->runName()) return;
    m_jobs->cancelAll();
    m_open.clear();
    m_cache.clear();
    m_cacheSteps.clear();
    m_watcher->watch(m_directory, name.toStdString());
    onStepsChanged(); // also when the new run has no complete step yet (the watcher then stays quiet)
}

std::vector<std::string> RunWindow::stepSignature() const
{
    std::vector<std::string> out;
    for (const auto& s : m_stepModel->steps())
        out.push_back(s.prefix.string());
    return out;
}

void RunWindow::onStepsChanged()
{
    m_stepModel->setSteps(m_watcher->steps());
    QStringList runs;
    for (const auto& name : m_watcher->runNames())
        runs << QString::fromStdString(name);
    m_view->setRuns(runs, QString::fromStdString(m_watcher->runName()));
    const auto sig = stepSignature();
    // Deleted steps close their files.
    for (auto it = m_open.begin(); it != m_open.end();)
        it = std::find(sig.begin(), sig.end(), it->first) == sig.end() ? m_open.erase(it) : std::next(it);
    const QString run = QString::fromStdString(m_watcher->runName());
    statusBar()->showMessage(sig.size() == 1
            ? tr("1 complete checkpoint of run '%1'").arg(run)
            : tr("%1 complete checkpoints of run '%2'").arg(sig.size()).arg(run));
    listVariables();
}

void RunWindow::listVariables()
{
    const auto sig = stepSignature();
    if (sig.empty()) {
        m_view->setVariables({});
        m_view->setSeries({}, {});
        return;
    }
    auto open = m_open;
    const QStringList requested = m_view->selectedVariables();
    m_jobs->run<std::shared_ptr<Computed>>(
        QStringLiteral("variables"), this,
        [open, sig](const io::CancelToken& cancel) mutable {
            auto out = std::make_shared<Computed>();
            // The newest step that opens: a damaged or half-deleted last checkpoint does not hide the run.
            std::shared_ptr<io::Artifact> a;
            for (auto it = sig.rbegin(); it != sig.rend() && !a && !cancel.isCancelled(); ++it) {
                io::Status error;
                a = openStep(open, *it, cancel, error);
                if (a)
                    out->listedFrom = *it;
                else if (out->error.isOk())
                    out->error = error;
            }
            if (a) out->error = io::Status();
            out->opened = std::move(open);
            if (!a || !a->bundle) return out;
            for (size_t i = 0; i < a->bundle->entries().size(); ++i) {
                const auto& note = a->tree.annotations[i];
                if (note.role == io::EntryRole::Variable && !note.optimizerState)
                    out->variables << QString::fromStdString(a->bundle->entries()[i].key);
            }
            return out;
        },
        [this, requested](std::shared_ptr<Computed> c) {
            m_open.insert(c->opened.begin(), c->opened.end());
            if (!c->error.isOk()) {
                const QString message = tr("No step of this run can be opened: %1")
                                            .arg(QString::fromStdString(c->error.toString()));
                m_view->setMessage(message.toHtmlEscaped());
                emit problem(message);
                return;
            }
            m_view->setVariables(c->variables);
            emit lastStepOpened(QString::fromStdString(c->listedFrom), static_cast<int>(c->variables.size()));
            emit variablesListed();
            showSeries(m_view->selectedVariables());
        });
}

void RunWindow::showSeries(const QStringList& keys)
{
    const auto sig = stepSignature();
    if (sig != m_cacheSteps) {
        m_cache.clear();
        m_cacheSteps = sig;
        m_stepErrors.clear();
    }
    QStringList missing;
    for (const auto& k : keys)
        if (!m_cache.contains(k)) missing << k;
    if (missing.isEmpty() || sig.empty()) {
        auto c = std::make_shared<Computed>();
        c->steps = sig;
        c->requested = keys;
        onComputed(c);
        return;
    }
    auto open = m_open;
    m_view->setMessage(tr("Reading %n variable(s) over %1 steps…", nullptr, static_cast<int>(missing.size()))
                           .arg(sig.size()));
    m_jobs->runWithProgress<std::shared_ptr<Computed>>(
        QStringLiteral("series"), tr("Computing the run's series"), this,
        [open, sig, missing, keys](const io::CancelToken& cancel, const io::ProgressFn& progress) mutable {
            auto out = std::make_shared<Computed>();
            out->steps = sig;
            out->requested = keys;
            // A step that does not open is plotted as a gap and named in the message; the rest still plot.
            std::vector<std::shared_ptr<io::Artifact>> steps;
            for (const auto& p : sig) {
                io::Status error;
                steps.push_back(openStep(open, p, cancel, error));
                if (!error.isOk() && error.code() == io::ErrorCode::Cancelled) {
                    out->error = error;
                    return out;
                }
                out->stepErrors.push_back(error);
            }
            out->opened = std::move(open);
            model::SeriesOptions options;
            options.stepErrors = out->stepErrors;
            for (const auto& k : missing)
                options.variables.push_back(k.toStdString());
            options.cancel = &cancel;
            options.progress = progress;
            options.executor = &model::sharedExecutor();
            auto series = model::computeVariableSeries({ steps.begin(), steps.end() }, options);
            if (!series)
                out->error = series.status();
            else
                out->series = std::move(*series);
            return out;
        },
        [this](std::shared_ptr<Computed> c) { onComputed(c); });
}

void RunWindow::onComputed(const std::shared_ptr<Computed>& c)
{
    if (c->steps != stepSignature()) return; // steps changed meanwhile: the new scan recomputes
    m_open.insert(c->opened.begin(), c->opened.end());
    if (!c->error.isOk()) {
        m_view->setMessage(QString::fromStdString(c->error.toString()).toHtmlEscaped());
        emit problem(QString::fromStdString(c->error.toString()));
        return;
    }
    for (auto& s : c->series)
        m_cache.insert(QString::fromStdString(s.key), std::move(s));
    std::vector<model::VariableSeries> shown;
    for (const auto& k : c->requested)
        if (m_cache.contains(k)) shown.push_back(m_cache.value(k));
    // x: the step number, or the row for checkpoints without one in their name.
    std::vector<double> x;
    const auto& steps = m_stepModel->steps();
    for (size_t i = 0; i < steps.size(); ++i)
        x.push_back(steps[i].step ? static_cast<double>(*steps[i].step) : static_cast<double>(i));
    m_view->setSeries(x, shown);
    if (!c->stepErrors.empty() && c->steps == m_cacheSteps) m_stepErrors = c->stepErrors;
    QStringList unreadable;
    for (size_t i = 0; i < m_stepErrors.size() && i < c->steps.size(); ++i)
        if (!m_stepErrors[i].isOk())
            unreadable << tr("%1 (%2)").arg(
                QString::fromStdString(std::filesystem::path(c->steps[i]).filename().string()),
                QString::fromStdString(m_stepErrors[i].message()));
    if (!unreadable.isEmpty()) {
        m_view->setMessage(tr("%n step(s) could not be opened and are left out of the plots: %1", nullptr,
            static_cast<int>(unreadable.size()))
                               .arg(unreadable.join(QStringLiteral("; ")))
                               .toHtmlEscaped());
        emit problem(unreadable.join(QStringLiteral("; ")));
    } else {
        m_view->setMessage(
            shown.empty() ? tr("Select one or more variables to plot them against the step.") : QString());
    }
    emit seriesShown();
}

void RunWindow::screenshotWhenReady(const QString& file, const QString& keys)
{
    // The reviewers' screen (GUI-REVIEW.md): 1600x1000 device pixels, at any QT_SCALE_FACTOR.
    resize(static_cast<int>(ScreenshotDriver::kScreenWidth / devicePixelRatioF()),
        static_cast<int>(ScreenshotDriver::kScreenHeight / devicePixelRatioF()));
    auto shoot = [this, file] {
        QTimer::singleShot(300, this, [this, file] {
            const bool ok = grab().save(file);
            std::fprintf(stderr, "tensorscope: %s %s\n", ok ? "saved" : "could not save", qPrintable(file));
            QApplication::exit(ok ? 0 : 1);
        });
    };
    connect(this, &RunWindow::variablesListed, this, [this, keys, shoot] {
        disconnect(this, &RunWindow::variablesListed, nullptr, nullptr);
        connect(this, &RunWindow::seriesShown, this, [this, shoot] {
            disconnect(this, &RunWindow::seriesShown, nullptr, nullptr);
            shoot();
        });
        QStringList wanted = keys.isEmpty() ? QStringList() : keys.split(QLatin1Char(','));
        if (wanted.isEmpty()) {
            // The first three variables of the list.
            auto* list = m_view->findChild<QListWidget*>();
            for (int i = 0; list && i < list->count() && wanted.size() < 3; ++i)
                wanted << list->item(i)->data(Qt::UserRole).toString();
        }
        if (m_stepModel->rowCount() >= 2) {
            auto* sel = m_view->stepTable()->selectionModel();
            sel->select(m_stepModel->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
            sel->select(m_stepModel->index(m_stepModel->rowCount() - 1, 0),
                QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
        m_view->selectVariables(wanted);
    });
    QTimer::singleShot(60000, this, [] {
        std::fprintf(stderr, "tensorscope: the run's series did not finish within 60 s\n");
        QApplication::exit(1);
    });
}

void openRunDialog(QWidget* parent)
{
    const QString dir = QFileDialog::getExistingDirectory(parent, QObject::tr("Open Training Run"));
    if (dir.isEmpty()) return;
    auto* window = new RunWindow(dir);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
}

} // namespace tscope::app
