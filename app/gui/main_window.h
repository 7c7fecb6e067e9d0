// The main window: start page, opening state (progress, cancel), and the artifact view with the
// variable tree on the left and summary / tensor / SavedModel pages on the right.
#pragma once

#include "app/gui/settings.h"

#include <QMainWindow>
#include <functional>
#include <memory>
#include <string>

class QAction;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTextBrowser;

namespace tscope::io {
class Status;
}

namespace tscope::model {
class ArtifactSession;
class ChecksumVerifier;
class InspectionController;
struct VerifyOutcome;
} // namespace tscope::model

namespace tscope::ui {
class ActivityIndicator;
class MessageBar;
class SavedModelView;
class StartPage;
class TensorInspector;
class VariableTreeView;
class VerifyReportDialog;
} // namespace tscope::ui

namespace tscope::app {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void openPath(const QString& path);
    // Opens a compare window: the shown artifact as A, `other` as B (a Ctrl-drop, a Summary link).
    QMainWindow* compareWithShown(const QString& other);
    void openDemo();
    void selectWhenOpen(const QString& variable); // --select VAR: selects it once the artifact is open
    void fitToScreen(); // shrinks and moves the window onto the available screen area
    static QString demoPath(const QString& which = QStringLiteral("saved_model"));

    // For tests and screenshots.
    model::ArtifactSession* session() const { return m_session; }
    ui::VariableTreeView* treeView() const { return m_tree; }
    ui::TensorInspector* inspector() const { return m_inspector; }
    ui::SavedModelView* savedModelView() const { return m_savedModel; }
    QTabWidget* pages() const { return m_pages; }
    ui::StartPage* startPage() const { return m_start; }
    ui::ActivityIndicator* activity() const { return m_activity; }
    model::ChecksumVerifier* verifier() const { return m_verifier; }
    ui::MessageBar* artifactMessage() const { return m_artifactMessage; }
    ui::VerifyReportDialog* verifyReport() const { return m_verifyReport; } // null until first shown
    QAction* verifyAction() const { return m_verify; }
    void showVerifyReport(); // the problems of the last verification (the message bar's button)
    QStackedWidget* stack() const { return m_stack; }

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createMenus();
    void updateActions();
    void updateRecentMenu();
    void onOpened();
    void onFailed(const io::Status& status);
    void onReopenFailed(const io::Status& status);
    void chooseFile();
    void chooseFolder();
    void exportHistogram();
    void exportHeatmap();
    // Gives the tree pane the width at which its names read whole (48% to 55% of the splitter), unless
    // the user moved the splitter: at QT_SCALE_FACTOR=2 a fixed share left names cut at 25 characters.
    void fitSplitterToNames();
    // Asks for a PNG/SVG/PDF file name (starting in the last used folder) and saves a plot through `save`.
    void exportPlot(const QString& what, const QString& suffix, const QString& state,
        const std::function<bool(const QString&)>& save);
    void onVerified(const std::shared_ptr<const model::VerifyOutcome>& outcome);
    std::function<QString(const std::string&)> variableName() const; // of the open artifact's entries

    Settings m_settings;
    model::ArtifactSession* m_session;
    model::InspectionController* m_controller;
    model::ChecksumVerifier* m_verifier;
    ui::VerifyReportDialog* m_verifyReport = nullptr;
    QStackedWidget* m_stack;
    ui::StartPage* m_start;
    QWidget* m_openingPage;
    QLabel* m_openingLabel;
    QProgressBar* m_openingProgress;
    QWidget* m_artifactPage;
    ui::MessageBar* m_artifactMessage;
    bool m_messageIsVerifyResult = false; // its button then opens the verify problems
    bool m_messageOffersReload = false; // the artifact message's action reopens (file changed on disk)
    // A SavedModel's variables opened alone: the SavedModel the message offers to open, and that message
    // (its button is ours only while the bar still shows it).
    QString m_enclosingSavedModel;
    QString m_enclosingSavedModelMessage;
    QSplitter* m_splitter;
    ui::VariableTreeView* m_tree;
    QTabWidget* m_pages;
    QTextBrowser* m_summary;
    ui::TensorInspector* m_inspector;
    ui::SavedModelView* m_savedModel;
    QLabel* m_statusLabel;
    ui::ActivityIndicator* m_activity;

    QAction* m_openFile = nullptr;
    QAction* m_openFolder = nullptr;
    QAction* m_openDemo = nullptr;
    QAction* m_openDemoRun = nullptr;
    QAction* m_close = nullptr;
    QAction* m_exportData = nullptr;
    QAction* m_exportHistogram = nullptr;
    QAction* m_exportHeatmap = nullptr;
    bool m_userMovedSplitter = false;
    QAction* m_verify = nullptr;
    QAction* m_quit = nullptr;
    QAction* m_find = nullptr;
    QAction* m_copyName = nullptr;
    QAction* m_showSlots = nullptr;
    QAction* m_expandAll = nullptr;
    QAction* m_collapseAll = nullptr;
    QAction* m_about = nullptr;
    QMenu* m_recentMenu = nullptr;
};

} // namespace tscope::app
