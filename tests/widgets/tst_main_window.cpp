// The main window under the offscreen platform: opens real artifacts, selects variables, waits for
// the statistics computed on worker threads, and checks what is shown, including failures.
#include "app/gui/compare_window.h"
#include "app/gui/main_window.h"
#include "app/gui/run_window.h"
#include "model/items/signature_table_model.h"
#include "model/items/value_table_model.h"
#include "model/items/variable_tree_model.h"
#include "model/run/step_list_model.h"
#include "model/session/artifact_session.h"
#include "widgets/activity_indicator.h"
#include "widgets/histogram_plot.h"
#include "widgets/message_bar.h"
#include "widgets/saved_model_view.h"
#include "widgets/start_page.h"
#include "widgets/tensor_inspector.h"
#include "widgets/variable_tree_view.h"

#include <QAbstractButton>
#include <QLineEdit>
#include <QMenuBar>
#include <QMimeData>
#include <QScreen>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTreeView>
#include <QtTest>
#include <qcustomplot.h>

using namespace tscope;

namespace {
QString corpus(const char* slug)
{
    return QStringLiteral(TSCOPE_CORPUS_DIR "/") + QLatin1String(slug);
}
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // keep the user's recent files and layout untouched
        QCoreApplication::setOrganizationName(QStringLiteral("TensorscopeTest"));
    }

    void opensCheckpointAndShowsStatistics()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        QCOMPARE(w.stack()->currentIndex(), 2);
        QVERIFY(w.windowTitle().contains(QStringLiteral("ckpt-4")));
        auto artifact = w.session()->artifact();
        const int entry = artifact->findEntry("critic/hidden2/kernel");
        QVERIFY(entry >= 0);
        const model::TensorRef ref = w.session()->ref(artifact->bundle->entries()[size_t(entry)].key);
        w.treeView()->selectTensor(ref);
        QVERIFY(w.inspector()->tensor() == ref);
        QTRY_VERIFY(w.inspector()->statsText().contains(QStringLiteral("mean")));
        QVERIFY(w.inspector()->histogram()->plot()->plottable(0)->interface1D()->dataCount() > 0);
        // The value grid shows the 5x5 kernel.
        QCOMPARE(w.inspector()->valueModel()->rowCount(), 5);
        QCOMPARE(w.inspector()->valueModel()->columnCount(), 5);
        // The status bar's activity indicator lives there and is hidden once nothing runs.
        QCOMPARE(w.activity()->parentWidget(), static_cast<QWidget*>(w.statusBar()));
        QTRY_VERIFY(!w.activity()->isVisible());
    }

    void rapidSelectionShowsOnlyTheLastVariable()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("keras-tf27-heart-savedmodel"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        auto artifact = w.session()->artifact();
        const int n = int(artifact->bundle->entries().size());
        for (int e = 0; e < n; ++e) // click through everything quickly
            w.treeView()->selectTensor(w.session()->ref(artifact->bundle->entries()[size_t(e)].key));
        const model::TensorRef last = w.inspector()->tensor();
        QTRY_VERIFY(w.inspector()->statsText().contains(QStringLiteral("mean"))
            || w.inspector()->statsText().contains(QStringLiteral("not numeric")));
        QVERIFY(w.inspector()->tensor() == last);
        QCOMPARE(w.inspector()->valueModel()->tensor()->elementCount(),
            w.session()->resolve(last)->elementCount());
    }

    void savedModelWithoutSignaturesShowsWarning()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("tf115-savedmodel-2shards"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        QVERIFY(w.pages()->isTabEnabled(2));
        QVERIFY(w.savedModelView()->banner()->isVisibleTo(w.savedModelView()));
        QVERIFY(w.savedModelView()->banner()->text().contains(QStringLiteral("no signatures")));
    }

    void savedModelSignaturesTable()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("tfserving-half-plus-two-tf1-assets"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        auto* sigs = w.savedModelView()->signatureModel();
        QVERIFY(sigs->rowCount() >= 5);
        QVERIFY(!w.savedModelView()->banner()->isVisibleTo(w.savedModelView()));
    }

    void functionsTabListsConcreteSignatures()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("keras-tf27-heart-savedmodel"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        const QString text = w.savedModelView()->details()->toPlainText();
        int signatures = 0;
        for (const auto& n : w.session()->artifact()->savedModel->metaGraphs[0].objects)
            if (n.kind == "function" && !n.path.empty())
                for (const auto& sig : n.functionSignatures) {
                    ++signatures;
                    QVERIFY2(text.contains(QString::fromStdString(n.path + sig)), (n.path + sig).c_str());
                }
        QVERIFY(signatures > 0);
    }

    void failureIsShownInline_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("needle");
        QTest::addRow("legacy V1") << corpus("tf1-legacy-v1-ckpt-vocal") << QStringLiteral("V1");
        QTest::addRow("LFS pointer") << corpus("odd-lfs-pointer-hub-module") << QStringLiteral("LFS");
        QTest::addRow("missing") << QStringLiteral("/nonexistent/ckpt-1") << QStringLiteral("no such file");
    }
    void failureIsShownInline()
    {
        QFETCH(QString, path);
        QFETCH(QString, needle);
        app::MainWindow w;
        w.show();
        w.openPath(path);
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Failed);
        QCOMPARE(w.stack()->currentIndex(), 0);
        QVERIFY(w.startPage()->messageBar()->isVisibleTo(w.startPage()));
        QVERIFY2(w.startPage()->messageBar()->text().contains(needle, Qt::CaseInsensitive),
            qPrintable(w.startPage()->messageBar()->text()));
    }

    void failedOpenKeepsTheOpenArtifact()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        const auto artifact = w.session()->artifact();
        const auto id = w.session()->artifactId();
        const QString title = w.windowTitle();
        const int rows = w.treeView()->tree()->model()->rowCount();
        w.openPath(QStringLiteral("/nonexistent/ckpt-1"));
        QTRY_COMPARE(w.stack()->currentIndex(), 2);
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        QCOMPARE(w.session()->artifact(), artifact);
        QCOMPARE(w.session()->artifactId(), id);
        QCOMPARE(w.treeView()->tree()->model()->rowCount(), rows);
        QCOMPARE(w.windowTitle(), title);
        QVERIFY(w.artifactMessage()->isVisibleTo(&w));
        QVERIFY2(w.artifactMessage()->text().contains(QStringLiteral("/nonexistent/ckpt-1"))
                && w.artifactMessage()->text().contains(QStringLiteral("no such file"), Qt::CaseInsensitive),
            qPrintable(w.artifactMessage()->text()));
        QVERIFY(!w.artifactMessage()->text().contains(QStringLiteral("NotFound")));
        // Close, then the start page has the plain title again (defect 7).
        w.session()->close();
        QCOMPARE(w.stack()->currentIndex(), 0);
        QCOMPARE(w.windowTitle(), QStringLiteral("Tensorscope"));
    }

    void summaryCheckpointListSwitchesCheckpoints()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        const auto first = w.session()->artifact();
        QVERIFY(first->location.run && first->location.run->checkpoints.size() > 1);
        auto* summary = w.findChild<QTextBrowser*>();
        QVERIFY(summary);
        // Every other existing checkpoint of the run is a link; the shown one is not.
        static const QRegularExpression href(QStringLiteral("href=\"([^\"]+)\""));
        // Besides: one "#run" link (the run view) and a "#compare" link beside each other checkpoint.
        QStringList links, compareLinks, runLinks;
        for (auto it = href.globalMatch(summary->toHtml()); it.hasNext();) {
            const QString link = it.next().captured(1);
            const QString fragment = QUrl(link).fragment();
            (fragment == QLatin1String("compare")      ? compareLinks
                    : fragment == QLatin1String("run") ? runLinks
                                                       : links)
                << link;
        }
        int others = 0;
        for (const auto& c : first->location.run->checkpoints)
            others += c.exists && c.prefix != first->location.checkpointPrefix;
        QCOMPARE(links.size(), others);
        QCOMPARE(compareLinks.size(), others);
        QCOMPARE(runLinks.size(), 1);
        const QUrl target(links.first());
        emit summary->anchorClicked(target);
        QTRY_VERIFY(w.session()->artifact() != first);
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        QCOMPARE(QString::fromStdString(w.session()->artifact()->location.checkpointPrefix.string()),
            target.toLocalFile());
    }

    // Issue 11: from the Summary of a run, "compare with the shown one" opens the two steps older → newer,
    // and the run link opens the run view on the shown checkpoint's run.
    void summaryLinksOpenCompareAndRunViews()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts")); // shows the latest, ckpt-4
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        const auto shown = w.session()->artifact()->location.checkpointPrefix;
        QCOMPARE(QString::fromStdString(shown.filename().string()), QStringLiteral("ckpt-4"));
        auto* summary = w.findChild<QTextBrowser*>();
        const QUrl older
            = QUrl::fromLocalFile(QString::fromStdString((shown.parent_path() / "ckpt-2").string()));
        QVERIFY(summary->toHtml().contains(older.toString(QUrl::FullyEncoded) + QStringLiteral("#compare")));
        QUrl compareLink = older;
        compareLink.setFragment(QStringLiteral("compare"));
        const auto before = QApplication::topLevelWidgets();
        emit summary->anchorClicked(compareLink);
        app::CompareWindow* compare = nullptr;
        app::RunWindow* run = nullptr;
        for (QWidget* top : QApplication::topLevelWidgets())
            if (auto* c = qobject_cast<app::CompareWindow*>(top); c && !before.contains(top)) compare = c;
        QVERIFY(compare);
        // A is the older step: the title names ckpt-2 first.
        QVERIFY2(compare->windowTitle().indexOf(QStringLiteral("ckpt-2"))
                < compare->windowTitle().indexOf(QStringLiteral("ckpt-4")),
            qPrintable(compare->windowTitle()));
        QUrl runLink = QUrl::fromLocalFile(QString::fromStdString(shown.string()));
        runLink.setFragment(QStringLiteral("run"));
        QVERIFY(summary->toHtml().contains(runLink.toString(QUrl::FullyEncoded)));
        const auto beforeRun = QApplication::topLevelWidgets();
        emit summary->anchorClicked(runLink);
        for (QWidget* top : QApplication::topLevelWidgets())
            if (auto* r = qobject_cast<app::RunWindow*>(top); r && !beforeRun.contains(top)) run = r;
        QVERIFY(run);
        QTRY_COMPARE_WITH_TIMEOUT(run->stepModel()->rowCount(), 3, 20000);
        delete compare;
        delete run;
    }

    // Issue 11: Ctrl while dropping a second artifact compares it with the shown one; a plain drop opens it.
    void ctrlDropOpensCompareWindow()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts/ckpt-4.index"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        const QString other = corpus("ckpt-tf2-a2c-3ckpts/ckpt-3.index");
        QMimeData mime;
        mime.setUrls({ QUrl::fromLocalFile(other) });
        const auto before = QApplication::topLevelWidgets();
        QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::ControlModifier);
        QApplication::sendEvent(&w, &enter); // Qt delivers a drop to the widget that accepted the enter
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::ControlModifier);
        QApplication::sendEvent(&w, &drop);
        app::CompareWindow* compare = nullptr;
        for (QWidget* top : QApplication::topLevelWidgets())
            if (auto* c = qobject_cast<app::CompareWindow*>(top); c && !before.contains(top)) compare = c;
        QVERIFY(compare);
        QVERIFY2(
            compare->windowTitle().contains(QStringLiteral("ckpt-3")), qPrintable(compare->windowTitle()));
        delete compare;
        // Without the modifier the dropped checkpoint replaces the shown one, no new window.
        const auto beforePlain = QApplication::topLevelWidgets();
        QDragEnterEvent enterPlain(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enterPlain);
        QDropEvent plain(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &plain);
        for (QWidget* top : QApplication::topLevelWidgets())
            QVERIFY(beforePlain.contains(top) || !qobject_cast<QMainWindow*>(top));
        QTRY_COMPARE(
            QString::fromStdString(w.session()->artifact()->location.checkpointPrefix.filename().string()),
            QStringLiteral("ckpt-3"));
    }

    void mnemonicsAreUniqueAndWindowFitsTheScreen()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        // Every Alt+letter reachable at once in the window: menu titles, tabs, buttons and boxes.
        QStringList texts;
        for (QAction* a : w.menuBar()->actions())
            texts << a->text();
        for (QTabBar* bar : w.findChildren<QTabBar*>())
            for (int i = 0; i < bar->count(); ++i)
                texts << bar->tabText(i);
        for (QAbstractButton* b : w.findChildren<QAbstractButton*>())
            if (b->isVisibleTo(&w)) texts << b->text();
        QMap<QChar, QString> seen;
        static const QRegularExpression mnemonic(QStringLiteral("&([^&])"));
        for (const auto& t : texts) {
            const auto m = mnemonic.match(t);
            if (!m.hasMatch()) continue;
            const QChar key = m.captured(1).at(0).toLower();
            QVERIFY2(!seen.contains(key),
                qPrintable(QStringLiteral("Alt+%1: '%2' and '%3'").arg(key).arg(seen[key], t)));
            seen[key] = t;
        }
        QVERIFY(seen.size() >= 5);
        // The window is sized to the screen it is on (QT_SCALE_FACTOR=2 shrinks the available area).
        // (Never below the layout's minimum: the offscreen screen at scale 2 is only 400x400.)
        const QSize avail = w.screen()->availableGeometry().size().expandedTo(w.minimumSizeHint());
        QVERIFY2(w.width() <= avail.width() && w.height() <= avail.height(),
            qPrintable(QStringLiteral("%1x%2 on %3x%4")
                           .arg(w.width())
                           .arg(w.height())
                           .arg(avail.width())
                           .arg(avail.height())));
    }

    void missingDataShowsErrorInInspector()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("tf20alpha-keras-export-3metagraphs-nodata"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        w.treeView()->selectTensor(w.session()->ref(w.session()->artifact()->bundle->entries().front().key));
        QTRY_VERIFY(w.inspector()->statsText().contains(QStringLiteral("cannot be read")));
    }

    void filterBoxFiltersTheTree()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        auto* tree = w.treeView()->tree();
        const int before = tree->model()->rowCount();
        QTest::keyClicks(w.treeView()->filterEdit(), QStringLiteral("critic_optimizer"));
        QTRY_VERIFY(tree->model()->rowCount() < before); // after the typing pause
        // Every visible leaf matches; a non-matching variable shows only as the parent of a matching slot.
        int leaves = 0;
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& p) {
            for (int r = 0; r < tree->model()->rowCount(p); ++r) {
                QModelIndex i = tree->model()->index(r, 0, p);
                if (i.data(model::VariableTreeModel::TensorRefRole).value<model::TensorRef>().isValid()
                    && tree->model()->rowCount(i) == 0) {
                    ++leaves;
                    QVERIFY(i.data(model::VariableTreeModel::FilterRole)
                                .toString()
                                .contains(QStringLiteral("critic_optimizer")));
                }
                walk(i);
            }
        };
        walk({});
        QVERIFY(leaves > 5);
    }

    void histogramAcceptsEmptyAndNaNOnlyData()
    {
        ui::HistogramPlot plot;
        plot.setHistogram({});
        model::HistogramData nanOnly;
        nanOnly.edges = { 0, 1 };
        nanOnly.counts = { 0 };
        nanOnly.nans = 5;
        plot.setHistogram(nanOnly);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
