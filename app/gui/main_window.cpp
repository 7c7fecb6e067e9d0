#include "app/gui/main_window.h"

#include "app/gui/about_text.h"
#include "app/gui/compare_window.h"
#include "app/gui/export_dialog.h"
#include "app/gui/fit_to_screen.h"
#include "app/gui/run_window.h"
#include "io/run/training_run.h"
#include "model/items/artifact_summary.h"
#include "model/items/variable_filter_proxy.h"
#include "model/items/variable_title.h"
#include "model/items/variable_tree_model.h"
#include "model/session/artifact_session.h"
#include "model/session/checksum_verifier.h"
#include "model/session/inspection_controller.h"
#include "widgets/activity_indicator.h"
#include "widgets/heatmap_view.h"
#include "widgets/histogram_plot.h"
#include "widgets/message_bar.h"
#include "widgets/plot_export.h"
#include "widgets/saved_model_view.h"
#include "widgets/start_page.h"
#include "widgets/tensor_inspector.h"
#include "widgets/variable_tree_view.h"
#include "widgets/verify_report_dialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>

namespace tscope::app {

namespace {
enum Page { StartPageIndex, OpeningPageIndex, ArtifactPageIndex };
enum Tab { SummaryTab, TensorTab, SavedModelTab };
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Tensorscope"));
    setAcceptDrops(true);
    m_session = new model::ArtifactSession(this);
    m_controller = new model::InspectionController(m_session, this);
    m_verifier = new model::ChecksumVerifier(m_session, this);

    m_start = new ui::StartPage(this);
    // Opening: a progress bar (busy until io reports a total) and a cancel button; the GUI stays live.
    m_openingPage = new QWidget(this);
    m_openingLabel = new QLabel(m_openingPage);
    m_openingLabel->setAlignment(Qt::AlignCenter);
    m_openingProgress = new QProgressBar(m_openingPage);
    m_openingProgress->setRange(0, 0);
    m_openingProgress->setMinimumWidth(m_openingProgress->fontMetrics().averageCharWidth() * 48);
    m_openingProgress->setMaximumWidth(m_openingProgress->minimumWidth() * 2);
    auto* cancel = new QPushButton(tr("Cancel"), m_openingPage);
    auto* ol = new QVBoxLayout(m_openingPage);
    ol->addStretch();
    ol->addWidget(m_openingLabel);
    ol->addWidget(m_openingProgress, 0, Qt::AlignHCenter);
    ol->addWidget(cancel, 0, Qt::AlignHCenter);
    ol->addStretch();
    connect(cancel, &QPushButton::clicked, m_session, &model::ArtifactSession::cancelOpen);

    m_artifactPage = new QWidget(this);
    m_artifactMessage = new ui::MessageBar(m_artifactPage);
    m_tree = new ui::VariableTreeView(m_artifactPage);
    m_tree->setSession(m_session);
    m_summary = new QTextBrowser(m_artifactPage);
    m_summary->setOpenLinks(false);
    m_inspector = new ui::TensorInspector(m_controller, m_artifactPage);
    m_savedModel = new ui::SavedModelView(m_artifactPage);
    m_savedModel->setSession(m_session);
    m_pages = new QTabWidget(m_artifactPage);
    m_pages->addTab(m_summary, tr("Summary"));
    m_pages->addTab(m_inspector, tr("Tensor"));
    m_pages->addTab(m_savedModel, tr("SavedModel"));
    m_splitter = new QSplitter(Qt::Horizontal, m_artifactPage);
    m_splitter->addWidget(m_tree);
    m_splitter->addWidget(m_pages);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setChildrenCollapsible(false);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] { m_userMovedSplitter = true; });
    auto* al = new QVBoxLayout(m_artifactPage);
    al->setContentsMargins(4, 4, 4, 4);
    al->addWidget(m_artifactMessage);
    al->addWidget(m_splitter, 1);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_start);
    m_stack->addWidget(m_openingPage);
    m_stack->addWidget(m_artifactPage);
    setCentralWidget(m_stack);

    m_statusLabel = new QLabel(this);
    statusBar()->addWidget(m_statusLabel, 1);
    m_activity = new ui::ActivityIndicator(this);
    m_activity->watch(&m_session->jobs());
    m_activity->watch(&m_controller->jobs());
    statusBar()->addPermanentWidget(m_activity);

    createActions();
    createMenus();

    connect(m_start, &ui::StartPage::openFileRequested, this, &MainWindow::chooseFile);
    connect(m_start, &ui::StartPage::openFolderRequested, this, &MainWindow::chooseFolder);
    connect(m_start, &ui::StartPage::demoRequested, this, &MainWindow::openDemo);
    connect(m_start, &ui::StartPage::openRequested, this, &MainWindow::openPath);
    connect(m_session, &model::ArtifactSession::opened, this, &MainWindow::onOpened);
    connect(m_session, &model::ArtifactSession::failed, this, &MainWindow::onFailed);
    connect(m_session, &model::ArtifactSession::reopenFailed, this, &MainWindow::onReopenFailed);
    connect(m_session, &model::ArtifactSession::progressChanged, this, [this](int percent) {
        m_openingProgress->setRange(0, percent < 0 ? 0 : 100);
        m_openingProgress->setValue(std::max(percent, 0));
    });
    connect(m_session, &model::ArtifactSession::stateChanged, this, [this](model::ArtifactSession::State s) {
        if (s == model::ArtifactSession::State::Opening) {
            m_openingLabel->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(m_session->path())));
            m_stack->setCurrentIndex(OpeningPageIndex);
        } else if (s == model::ArtifactSession::State::Empty) {
            m_stack->setCurrentIndex(StartPageIndex); // closed, or a cancelled first open
            m_start->setRecent(m_settings.recentPaths());
            setWindowTitle(tr("Tensorscope"));
            m_statusLabel->clear();
        } else if (s == model::ArtifactSession::State::Open && m_stack->currentIndex() == OpeningPageIndex) {
            m_stack->setCurrentIndex(ArtifactPageIndex); // a cancelled re-open returns to the open artifact
        }
        updateActions();
    });
    connect(m_tree, &ui::VariableTreeView::tensorSelected, this, [this](const model::TensorRef& ref) {
        if (!ref.isValid()) return;
        m_inspector->showTensor(ref);
        if (m_pages->currentIndex() != TensorTab) m_pages->setCurrentIndex(TensorTab);
    });
    // The inspector's links (a slot's variable, a variable's slots) select in the tree like a click there.
    connect(m_inspector, &ui::TensorInspector::tensorLinkActivated, this,
        [this](const model::TensorRef& ref) { m_tree->selectTensor(ref); });
    connect(m_tree, &ui::VariableTreeView::groupSelected, this, [this](int nodeId) {
        m_inspector->showGroup(nodeId);
        if (m_pages->isTabEnabled(TensorTab) && m_pages->currentIndex() != TensorTab)
            m_pages->setCurrentIndex(TensorTab);
    });
    // The Summary lists a training run's checkpoints as links: a click opens that checkpoint; "#compare"
    // links compare it with the shown one, the "#run" link opens the run view on the directory.
    connect(m_summary, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (!url.isLocalFile()) return;
        if (url.fragment() == QLatin1String("compare")) {
            compareWithShown(url.toLocalFile());
        } else if (url.fragment() == QLatin1String("run")) {
            auto* window = new RunWindow(url.toLocalFile());
            window->setAttribute(Qt::WA_DeleteOnClose);
            window->show();
        } else {
            openPath(url.toLocalFile());
        }
    });
    connect(m_inspector->histogram(), &ui::HistogramPlot::binsChanged, this,
        [this](int bins) { m_settings.setHistogramBins(bins); });
    connect(m_tree->slotsToggle(), &QCheckBox::toggled, m_showSlots, &QAction::setChecked);
    connect(m_verifier, &model::ChecksumVerifier::started, this, [this] {
        if (m_messageIsVerifyResult) m_artifactMessage->hide(); // an older result
        if (m_verifyReport) m_verifyReport->hide();
    });
    connect(m_verifier, &model::ChecksumVerifier::finished, this, &MainWindow::onVerified);
    connect(m_verifier, &model::ChecksumVerifier::cleared, this, [this] {
        m_tree->model()->clearTensorProblems();
        if (m_verifyReport) m_verifyReport->hide();
    });
    connect(m_verifier, &model::ChecksumVerifier::cancelled, this, [this] {
        m_artifactMessage->showMessage(
            ui::MessageBar::Kind::Info, tr("Verification cancelled; nothing was marked."));
        m_messageIsVerifyResult = true;
    });
    // Found while inspecting one tensor: values failing their CRC32C (marked in the tree like Verify does),
    // and a data file that changed on disk since opening (offer to reload).
    connect(m_controller, &model::InspectionController::tensorDamaged, this,
        [this](const model::TensorRef& ref, const io::Status& problem) {
            auto problems = m_tree->model()->tensorProblems();
            problems[ref.key] = problem;
            m_tree->model()->setTensorProblems(ref.artifact, std::move(problems));
            m_messageIsVerifyResult = m_messageOffersReload = false;
            // Named by its object path, as the tree and the inspector name it (not the raw checkpoint key).
            QString name = QString::fromStdString(ref.key);
            if (const auto artifact = m_session->artifact(); artifact && artifact->bundle) {
                const int entry = artifact->bundle->indexOf(ref.key);
                if (entry >= 0) name = model::variableTitle(*artifact, entry).title;
            }
            m_artifactMessage->showMessage(ui::MessageBar::Kind::Warning,
                tr("%1 is damaged: its values do not match their checksum (shown as stored, marked in the "
                   "tree).")
                    .arg(name));
        });
    connect(m_controller, &model::InspectionController::fileChangedOnDisk, this,
        [this](const io::Status& status) {
            m_messageIsVerifyResult = false;
            m_messageOffersReload = true;
            // A read past the end may mean the file was already short when it was opened (a copy cut off, a
            // save still running), not only a change while open: say what is known.
            const QString file = status.path().empty()
                ? tr("a data file")
                : QFileInfo(QString::fromStdString(status.path())).fileName();
            m_artifactMessage->showMessage(ui::MessageBar::Kind::Warning,
                tr("%1: %2 is shorter than its index says (truncated, or changed on disk since it was "
                   "opened).")
                    .arg(m_session->displayName(), file),
                tr("Reload"));
        });
    connect(m_artifactMessage, &ui::MessageBar::actionTriggered, this, [this] {
        if (!m_enclosingSavedModel.isEmpty() && m_artifactMessage->text() == m_enclosingSavedModelMessage) {
            openPath(m_enclosingSavedModel);
            return;
        }
        if (m_messageIsVerifyResult) showVerifyReport();
        if (m_messageOffersReload) {
            m_messageOffersReload = false;
            openPath(m_session->path());
        }
    });

    m_start->setRecent(m_settings.recentPaths());
    m_tree->slotsToggle()->setChecked(m_settings.showOptimizerSlots());
    m_inspector->histogram()->setBins(m_settings.histogramBins());
    if (!restoreGeometry(m_settings.windowGeometry())) resize(1280, 820);
    fitToScreen();
    restoreState(m_settings.windowState());
    // The tree gets 48%: its names ("layer_with_weights-1 — batch_normalization (BatchNormalization)")
    // are the longest text in the window.
    if (!m_splitter->restoreState(m_settings.splitterState())) m_splitter->setSizes({ 48000, 52000 });
    m_inspector->restoreSplitterState(m_settings.inspectorSplitterState());
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::fitToScreen()
{
    fitWindowToScreen(this);
}

void MainWindow::selectWhenOpen(const QString& variable)
{
    // A command-line --select: applied to the artifact being opened, once it is open.
    if (variable.isEmpty()) return;
    auto select = [this, variable] {
        if (!m_tree->selectVariable(variable))
            m_artifactMessage->showMessage(ui::MessageBar::Kind::Warning,
                tr("No variable %1 in %2.").arg(variable, m_session->displayName()));
    };
    if (m_session->state() == model::ArtifactSession::State::Open)
        select();
    else
        connect(m_session, &model::ArtifactSession::opened, this, select, Qt::SingleShotConnection);
}

void MainWindow::createActions()
{
    m_openFile = new QAction(tr("&Open File…"), this);
    m_openFile->setShortcut(QKeySequence::Open);
    m_openFile->setStatusTip(tr("Open a checkpoint file, a checkpoint state file or saved_model.pb/.pbtxt"));
    connect(m_openFile, &QAction::triggered, this, &MainWindow::chooseFile);
    m_openFolder = new QAction(tr("Open &Folder…"), this);
    m_openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openFolder->setStatusTip(tr("Open a SavedModel or training directory"));
    connect(m_openFolder, &QAction::triggered, this, &MainWindow::chooseFolder);
    m_openDemo = new QAction(tr("Open &Demo SavedModel"), this);
    connect(m_openDemo, &QAction::triggered, this, &MainWindow::openDemo);
    m_openDemoRun = new QAction(tr("Open Demo &Training Run"), this);
    connect(m_openDemoRun, &QAction::triggered, this,
        [this] { openPath(demoPath(QStringLiteral("training_run"))); });
    m_close = new QAction(tr("&Close"), this);
    m_close->setShortcut(QKeySequence::Close);
    connect(m_close, &QAction::triggered, m_session, &model::ArtifactSession::close); // panels follow
    m_exportData = new QAction(tr("&Export…"), this);
    m_exportData->setStatusTip(
        tr("Write the checkpoint as .npz, .safetensors or a smaller checkpoint, or the "
           "selected tensor as .npy/.csv"));
    connect(m_exportData, &QAction::triggered, this, [this] {
        const auto* entry = m_session->resolve(m_inspector->tensor());
        exportFromSession(this, m_session, entry ? QString::fromStdString(entry->key) : QString());
    });
    m_exportHistogram = new QAction(tr("Export &Histogram Image…"), this);
    m_exportHistogram->setStatusTip(tr("Save the selected variable's histogram as PNG, SVG or PDF"));
    connect(m_exportHistogram, &QAction::triggered, this, &MainWindow::exportHistogram);
    m_exportHeatmap = new QAction(tr("Export Heat&map Image…"), this);
    m_exportHeatmap->setStatusTip(
        tr("Save the selected variable's heatmap (the slice shown) as PNG, SVG or PDF"));
    connect(m_exportHeatmap, &QAction::triggered, this, &MainWindow::exportHeatmap);
    // The plots offer the same export in their context menu and under an "Export Image…" button.
    m_inspector->histogram()->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_inspector->histogram()->addAction(m_exportHistogram);
    m_inspector->heatmap()->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_inspector->heatmap()->addAction(m_exportHeatmap);
    connect(
        m_inspector->histogram(), &ui::HistogramPlot::exportRequested, this, &MainWindow::exportHistogram);
    connect(m_inspector->heatmap(), &ui::HeatmapView::exportRequested, this, &MainWindow::exportHeatmap);
    m_verify = new QAction(tr("&Verify Checksums"), this);
    m_verify->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    m_verify->setStatusTip(tr("Re-read every index block and tensor of the checkpoint and check its CRC"));
    connect(m_verify, &QAction::triggered, m_verifier, &model::ChecksumVerifier::start);
    m_quit = new QAction(tr("&Quit"), this);
    m_quit->setShortcut(QKeySequence::Quit);
    m_quit->setMenuRole(QAction::QuitRole);
    connect(m_quit, &QAction::triggered, this, &QWidget::close);

    m_find = new QAction(tr("&Find Variable"), this);
    m_find->setShortcut(QKeySequence::Find);
    connect(m_find, &QAction::triggered, m_tree, &ui::VariableTreeView::focusFilter);
    m_copyName = m_tree->copyNameAction(); // the tree's context menu shows the same action

    m_showSlots = new QAction(tr("Show &Optimizer Slots"), this);
    m_showSlots->setCheckable(true);
    m_showSlots->setChecked(true);
    m_showSlots->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    connect(m_showSlots, &QAction::toggled, this, [this](bool on) {
        m_tree->slotsToggle()->setChecked(on);
        m_settings.setShowOptimizerSlots(on);
    });
    m_expandAll = new QAction(tr("&Expand All"), this);
    m_expandAll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Plus));
    connect(m_expandAll, &QAction::triggered, m_tree->tree(), &QTreeView::expandAll);
    m_collapseAll = new QAction(tr("C&ollapse All"), this);
    m_collapseAll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));
    connect(m_collapseAll, &QAction::triggered, m_tree->tree(), &QTreeView::collapseAll);
    m_about = new QAction(tr("&About Tensorscope"), this);
    connect(m_about, &QAction::triggered, this,
        [this] { QMessageBox::about(this, tr("About Tensorscope"), aboutHtml()); });
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openFile);
    file->addAction(m_openFolder);
    file->addAction(tr("&Compare…"), this, [this] { openCompareDialog(this); }); // two artifacts side by side
    file->addAction(
        tr("Open Training R&un…"), this, [this] { openRunDialog(this); }); // steps of one run, live
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::updateRecentMenu);
    file->addSeparator();
    file->addAction(m_openDemo);
    file->addAction(m_openDemoRun);
    file->addSeparator();
    file->addAction(m_exportData);
    file->addAction(m_exportHistogram);
    file->addAction(m_exportHeatmap);
    file->addSeparator();
    file->addAction(m_close);
    file->addAction(m_quit);
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_find);
    edit->addAction(m_copyName);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_showSlots);
    view->addSeparator();
    view->addAction(m_expandAll);
    view->addAction(m_collapseAll);
    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(m_verify);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_about);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_settings.recentPaths();
    for (const auto& p : recent)
        m_recentMenu->addAction(QDir::toNativeSeparators(p), this, [this, p] { openPath(p); });
    if (recent.isEmpty()) m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
}

void MainWindow::updateActions()
{
    const bool open = m_session->state() == model::ArtifactSession::State::Open;
    m_close->setEnabled(open || m_session->state() == model::ArtifactSession::State::Failed);
    m_find->setEnabled(open);
    m_copyName->setEnabled(open);
    m_expandAll->setEnabled(open);
    m_collapseAll->setEnabled(open);
    m_exportHistogram->setEnabled(open);
    m_exportHeatmap->setEnabled(open);
    m_exportData->setEnabled(open && m_session->artifact() && m_session->artifact()->bundle);
    m_verify->setEnabled(m_verifier->canVerify());
    const bool hasDemo = !demoPath().isEmpty();
    m_openDemo->setEnabled(hasDemo);
    m_openDemoRun->setEnabled(!demoPath(QStringLiteral("training_run")).isEmpty());
    m_start->demoButton()->setEnabled(hasDemo);
}

QString MainWindow::demoPath(const QString& which)
{
    QStringList roots;
    const QByteArray env = qgetenv("TSCOPE_DEMO_DIR");
    if (!env.isEmpty()) roots << QString::fromLocal8Bit(env);
    roots << QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tensorscope/demo");
#ifdef TSCOPE_SOURCE_DEMO_DIR
    roots << QStringLiteral(TSCOPE_SOURCE_DEMO_DIR);
#endif
    for (const auto& r : roots) {
        const QString p = QDir::cleanPath(r + QLatin1Char('/') + which);
        if (QFileInfo::exists(p)) return p;
    }
    return {};
}

void MainWindow::openDemo()
{
    const QString path = demoPath();
    if (path.isEmpty()) {
        m_start->messageBar()->showMessage(
            ui::MessageBar::Kind::Error, tr("The demo files are not installed."));
        return;
    }
    openPath(path);
}

void MainWindow::openPath(const QString& path)
{
    if (path.isEmpty()) return;
    m_start->messageBar()->hide();
    m_openingProgress->setRange(0, 0);
    m_session->open(path);
}

void MainWindow::onOpened()
{
    // The tree, the inspector and the SavedModel page follow the session themselves; this is the
    // window's own part: recent files, summary, tabs, title and status line.
    auto artifact = m_session->artifact();
    m_settings.addRecentPath(m_session->path());
    {
        const QFileInfo opened(m_session->path());
        m_settings.setLastDirectory(
            opened.isDir() ? opened.absoluteDir().absolutePath() : opened.absolutePath());
    }
    m_summary->setHtml(model::summaryHtml(*artifact));
    m_pages->setTabEnabled(SavedModelTab, artifact->savedModel.has_value());
    m_pages->setTabEnabled(TensorTab, artifact->bundle != nullptr);
    m_pages->setCurrentIndex(SummaryTab);
    m_enclosingSavedModel = QString::fromStdString(artifact->location.enclosingSavedModel.string());
    if (!m_enclosingSavedModel.isEmpty()) {
        // Its note is on the Summary page too; the bar offers the way to what was most likely meant.
        m_enclosingSavedModelMessage = tr("This is the variables directory of the SavedModel %1.")
                                           .arg(QDir::toNativeSeparators(m_enclosingSavedModel));
        m_artifactMessage->showMessage(
            ui::MessageBar::Kind::Info, m_enclosingSavedModelMessage, tr("Open the SavedModel"));
    } else if (!artifact->warnings.empty()) {
        QString text = QString::fromStdString(io::warningText(artifact->warnings.front()));
        if (artifact->warnings.size() > 1)
            text += tr(" (and %1 more on the Summary page)").arg(artifact->warnings.size() - 1);
        m_artifactMessage->showMessage(ui::MessageBar::Kind::Warning, text);
    } else {
        m_artifactMessage->hide();
    }
    m_messageIsVerifyResult = false;
    const auto totals = artifact->totals();
    // "variables" alone would not say which model (GUI-REVIEW: a meaningful window title).
    if (!m_enclosingSavedModel.isEmpty())
        setWindowTitle(tr("%1 of %2 — Tensorscope")
                           .arg(m_session->displayName(), QFileInfo(m_enclosingSavedModel).fileName()));
    else
        setWindowTitle(tr("%1 — Tensorscope").arg(m_session->displayName()));
    m_statusLabel->setText(tr("%1: %2 variables, %3 parameters, %4")
                               .arg(QString::fromStdString(artifact->format()))
                               .arg(QLocale().toString(static_cast<qulonglong>(totals.variables)))
                               .arg(model::formatCount(totals.parameters), model::formatBytes(totals.bytes)));
    m_stack->setCurrentIndex(ArtifactPageIndex);
    updateActions();
    QTimer::singleShot(0, this, &MainWindow::fitSplitterToNames); // once the tree has laid out its rows
}

void MainWindow::fitSplitterToNames()
{
    if (m_userMovedSplitter || m_stack->currentIndex() != ArtifactPageIndex) return;
    const QList<int> sizes = m_splitter->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    if (total <= 0) return;
    const int tree = std::clamp(m_tree->readableWidth(), total * 48 / 100, total * 55 / 100);
    if (tree > sizes.value(0)) m_splitter->setSizes({ tree, total - tree }); // never narrower than restored
}

void MainWindow::onFailed(const io::Status& status)
{
    const QString message = model::statusToText(status);
    const QString path = m_session->path();
    m_start->setRecent(m_settings.recentPaths());
    m_start->messageBar()->showMessage(
        ui::MessageBar::Kind::Error, tr("Cannot open %1\n%2").arg(QDir::toNativeSeparators(path), message));
    m_stack->setCurrentIndex(StartPageIndex);
    setWindowTitle(tr("Tensorscope"));
    m_statusLabel->clear();
    updateActions();
}

void MainWindow::onReopenFailed(const io::Status& status)
{
    // The artifact that was open stays open (the panels never left it); the error goes beside it.
    m_artifactMessage->showMessage(ui::MessageBar::Kind::Error,
        tr("Cannot open %1: %2 — still showing %3.")
            .arg(QDir::toNativeSeparators(m_session->lastOpenAttempt()), model::statusToText(status),
                m_session->displayName()));
    m_messageIsVerifyResult = false;
    m_stack->setCurrentIndex(ArtifactPageIndex);
    updateActions();
}

void MainWindow::onVerified(const std::shared_ptr<const model::VerifyOutcome>& outcome)
{
    const QLocale locale;
    const auto& report = outcome->report;
    m_tree->model()->setTensorProblems(outcome->artifact, outcome->damaged);
    if (!outcome->damaged.empty()) m_tree->revealTensor(m_session->ref(outcome->damaged.begin()->first));
    if (outcome->intact()) {
        m_artifactMessage->showMessage(ui::MessageBar::Kind::Info,
            tr("Checksums verified: all %1 tensors and %2 index blocks of %3 are intact (%4 in %5 files).")
                .arg(locale.toString(static_cast<qulonglong>(report.tensorsChecked)),
                    locale.toString(static_cast<qulonglong>(report.blocksChecked)), m_session->displayName(),
                    model::formatBytes(report.bytesChecked),
                    locale.toString(static_cast<qulonglong>(report.filesChecked))));
    } else {
        const auto damaged = static_cast<qulonglong>(outcome->damaged.size());
        const auto others = std::count_if(report.problems.begin(), report.problems.end(),
            [](const io::Status& p) { return p.tensor().empty(); }); // the index, a missing shard
        const QString checked = locale.toString(static_cast<qulonglong>(report.tensorsChecked));
        QString text = damaged == 1
            ? tr("Checksums: 1 of %1 tensors is damaged (marked in the tree).").arg(checked)
            : damaged > 1 ? tr("Checksums: %1 of %2 tensors are damaged (marked in the tree).")
                                .arg(locale.toString(damaged), checked)
            : others == 1
            ? tr("Checksums: the tensors are intact, but one file is damaged.")
            : tr("Checksums: the tensors are intact, but the files have %1 problems.").arg(others);
        if (damaged > 0 && others == 1)
            text += QLatin1Char(' ') + tr("One more problem in the files.");
        else if (damaged > 0 && others > 1)
            text += QLatin1Char(' ') + tr("%1 more problems in the files.").arg(others);
        m_artifactMessage->showMessage(ui::MessageBar::Kind::Error, text, tr("Show Problems…"));
    }
    m_messageIsVerifyResult = true;
    if (m_verifyReport) {
        m_verifyReport->setReport(m_session->displayName(), report, variableName());
        if (outcome->intact()) m_verifyReport->hide();
    }
}

std::function<QString(const std::string&)> MainWindow::variableName() const
{
    return [artifact = m_session->artifact()](const std::string& key) {
        const int entry = artifact && artifact->bundle ? artifact->bundle->indexOf(key) : -1;
        return QString::fromStdString(entry < 0 ? key : model::variableDisplayName(*artifact, entry));
    };
}

void MainWindow::showVerifyReport()
{
    auto outcome = m_verifier->outcome();
    if (!outcome) return;
    if (!m_verifyReport) {
        m_verifyReport = new ui::VerifyReportDialog(this);
        connect(m_verifyReport, &ui::VerifyReportDialog::tensorActivated, this,
            [this](const QByteArray& key) { m_tree->selectTensor(m_session->ref(key.toStdString())); });
    }
    m_verifyReport->setReport(m_session->displayName(), outcome->report, variableName());
    m_verifyReport->show();
    m_verifyReport->raise();
}

void MainWindow::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open TensorFlow Artifact"),
        m_settings.lastDirectory(),
        tr("TensorFlow artifacts (*.index *.data-* checkpoint saved_model.pb saved_model.pbtxt *.meta);;All "
           "files (*)"));
    openPath(path);
}

void MainWindow::chooseFolder()
{
    const QString path = QFileDialog::getExistingDirectory(
        this, tr("Open SavedModel or Training Directory"), m_settings.lastDirectory());
    openPath(path);
}

void MainWindow::exportHistogram()
{
    auto* plot = m_inspector->histogram();
    exportPlot(tr("Histogram"), QStringLiteral("-histogram.png"), plot->stateMessage(),
        [plot](const QString& path) { return plot->saveImage(path); });
}

void MainWindow::exportHeatmap()
{
    auto* plot = m_inspector->heatmap();
    if (m_inspector->tabs()->currentWidget() != plot->parentWidget()) // drawn only when its tab is shown
        m_inspector->tabs()->setCurrentWidget(plot->parentWidget());
    if (plot->isBusy()) { // its plane is being computed: ask for the file name once it is drawn
        connect(
            m_controller, &model::InspectionController::planeReady, this,
            [this, ref = m_inspector->tensor()] {
                if (m_inspector->tensor() == ref) QTimer::singleShot(0, this, &MainWindow::exportHeatmap);
            },
            Qt::SingleShotConnection);
        return;
    }
    exportPlot(tr("Heatmap"), QStringLiteral("-heatmap.png"), plot->stateMessage(),
        [plot](const QString& path) { return plot->saveImage(path); });
}

void MainWindow::exportPlot(const QString& what, const QString& suffix, const QString& state,
    const std::function<bool(const QString&)>& save)
{
    const QString caption = tr("Export %1").arg(what);
    if (!state.isEmpty()) { // before the dialog: no file name asked for nothing
        QMessageBox::information(
            this, caption, tr("There is no %1 to export: %2").arg(what.toLower(), state));
        return;
    }
    const QString name = ui::TensorInspector::safeFileName(m_inspector->titleText()) + suffix;
    const QString path = QFileDialog::getSaveFileName(
        this, caption, QDir(m_settings.lastDirectory()).filePath(name), ui::plotFileFilters());
    if (path.isEmpty()) return;
    if (!save(path))
        QMessageBox::warning(this, caption, tr("Cannot write %1").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_settings.setWindowGeometry(saveGeometry());
    m_settings.setWindowState(saveState());
    m_settings.setSplitterState(m_splitter->saveState());
    m_settings.setInspectorSplitterState(m_inspector->splitterState());
    m_session->jobs().cancelAll();
    m_controller->cancel();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

QMainWindow* MainWindow::compareWithShown(const QString& other)
{
    auto artifact = m_session->artifact();
    if (!artifact) return nullptr;
    // Two steps of one run compare older → newer (b − a is the update), whichever was clicked.
    QString shown = m_session->path(), with = other;
    const auto& prefix = artifact->location.checkpointPrefix;
    if (!prefix.empty()) {
        shown = QString::fromStdString(prefix.string() + ".index");
        const auto stepShown = io::splitStepNumber(prefix.filename().string());
        QString otherName = QFileInfo(other).fileName(); // a prefix, its .index or a data shard
        if (otherName.endsWith(QLatin1String(".index")))
            otherName.chop(6);
        else if (const auto shard = otherName.indexOf(QLatin1String(".data-")); shard > 0)
            otherName.truncate(shard);
        const auto o = io::splitStepNumber(otherName.toStdString());
        if (stepShown.first == o.first && stepShown.second && o.second && *o.second < *stepShown.second)
            std::swap(shown, with);
    }
    auto* window = new CompareWindow(shown, with);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    return window;
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const auto urls = event->mimeData()->urls();
    // Ctrl (Cmd on macOS) while dropping: compare the dropped artifact with the shown one; two artifacts
    // dropped together: compare them with each other.
    const bool compare = event->modifiers().testFlag(Qt::ControlModifier) && m_session->artifact();
    if (urls.size() == 2 && urls[0].isLocalFile() && urls[1].isLocalFile()) {
        auto* window = new CompareWindow(urls[0].toLocalFile(), urls[1].toLocalFile());
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->show();
        event->acceptProposedAction();
        return;
    }
    if (compare && !urls.isEmpty() && urls.first().isLocalFile()) {
        compareWithShown(urls.first().toLocalFile());
        event->acceptProposedAction();
        return;
    }
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        openPath(urls.first().toLocalFile());
        event->acceptProposedAction();
    }
}

} // namespace tscope::app
