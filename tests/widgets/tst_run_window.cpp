// The training run window on the bundled demo run (issue 11): the step list, the plotted series equal
// computeVariableSeries over the same checkpoints, re-selecting a variable is served from the cache
// (shown synchronously, no job), and two selected steps open a compare window.
#include "app/gui/compare_window.h"
#include "app/gui/run_window.h"
#include "model/run/step_list_model.h"
#include "widgets/run_view.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

using namespace tscope;

namespace {
const QString kDemoRun = QStringLiteral(TSCOPE_FIXTURES_DIR "/../../resources/demo/training_run");
}

class TestRunWindow : public QObject {
    Q_OBJECT
private slots:
    void plotsTheSeriesOfTheDemoRun();
    void directoryWithTwoRunsOpensTheStateFilesAndSwitches();
    void damagedNewestStepIsNamedAndTheOthersStillPlot();
};

void TestRunWindow::plotsTheSeriesOfTheDemoRun()
{
    app::RunWindow window(kDemoRun);
    QAbstractItemModelTester tester(
        window.stepModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy listed(&window, &app::RunWindow::variablesListed);
    QVERIFY(listed.wait(20000) || listed.count() > 0);
    const auto& steps = window.stepModel()->steps();
    QVERIFY(steps.size() >= 2);

    // The expected series, computed directly over the same checkpoints.
    std::vector<std::shared_ptr<io::Artifact>> opened;
    for (const auto& s : steps) {
        auto a = io::openArtifact(s.prefix.string() + ".index");
        QVERIFY(a);
        opened.push_back(*a);
    }
    auto all = model::computeVariableSeries({ opened.begin(), opened.end() });
    QVERIFY(all && all->size() >= 2);
    const QString first = QString::fromStdString((*all)[0].key),
                  second = QString::fromStdString((*all)[1].key);

    QSignalSpy shown(&window, &app::RunWindow::seriesShown);
    window.view()->selectVariables({ first, second });
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0, 20000);
    QCOMPARE(window.view()->selectedVariables(), QStringList({ first, second }));
    QCustomPlot* plot = window.view()->metricPlot();
    QCOMPARE(plot->graphCount(), 2);
    for (int g = 0; g < 2; ++g) {
        const auto& expected = (*all)[static_cast<size_t>(g)];
        QVERIFY(QString::fromStdString(expected.key).startsWith(plot->graph(g)->name()));
        QCOMPARE(plot->graph(g)->data()->size(), static_cast<int>(steps.size()));
        int i = 0;
        for (auto it = plot->graph(g)->data()->constBegin(); it != plot->graph(g)->data()->constEnd();
             ++it, ++i) {
            QCOMPARE(it->key, static_cast<double>(*steps[static_cast<size_t>(i)].step));
            QCOMPARE(it->value, expected.points[static_cast<size_t>(i)].stats.l2); // bit-exact
        }
    }
    // The update ratio ‖Δw‖/‖w‖ on a log axis: each step after the first at its rel_change (bit-exact).
    QCustomPlot* ratio = window.view()->ratioPlot();
    QCOMPARE(ratio->graphCount(), 2);
    QCOMPARE(ratio->yAxis->scaleType(), QCPAxis::stLogarithmic);
    for (int g = 0; g < 2; ++g) {
        const auto& expected = (*all)[static_cast<size_t>(g)];
        std::vector<std::pair<double, double>> want;
        for (size_t i = 0; i < steps.size(); ++i)
            if (expected.points[i].relChange && *expected.points[i].relChange > 0)
                want.emplace_back(static_cast<double>(*steps[i].step), *expected.points[i].relChange);
        QVERIFY(!want.empty()); // the demo run trains every layer
        QCOMPARE(ratio->graph(g)->data()->size(), static_cast<int>(want.size()));
        size_t i = 0;
        for (auto it = ratio->graph(g)->data()->constBegin(); it != ratio->graph(g)->data()->constEnd();
             ++it, ++i) {
            QCOMPARE(it->key, want[i].first);
            QCOMPARE(it->value, want[i].second);
        }
    }

    // Cached: selecting one of them again is shown at once, inside the call.
    window.view()->selectVariables({ first });
    const int before = static_cast<int>(shown.count());
    window.view()->selectVariables({ second });
    QCOMPARE(static_cast<int>(shown.count()), before + 1);
    QCOMPARE(plot->graphCount(), 1);
    QVERIFY(second.startsWith(plot->graph(0)->name()));

    // Two steps → a compare window.
    auto* sel = window.view()->stepTable()->selectionModel();
    sel->select(window.stepModel()->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    sel->select(window.stepModel()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QPushButton* compare = nullptr;
    for (auto* b : window.findChildren<QPushButton*>())
        if (b->text().contains(QStringLiteral("Compare"))) compare = b;
    QVERIFY(compare && compare->isEnabled());
    compare->click();
    app::CompareWindow* opened_ = nullptr;
    for (QWidget* w : QApplication::topLevelWidgets())
        if (auto* c = qobject_cast<app::CompareWindow*>(w)) opened_ = c;
    QVERIFY(opened_);
    QVERIFY(opened_->windowTitle().contains(QStringLiteral("ckpt-1")));
    delete opened_;
}

// The corpus's tf1-saver-two-prefixes: two Savers' prefixes (model.ckpt, train_model.ckpt) in one
// directory, the state file naming model.ckpt. Both are listed, model.ckpt is shown, the chooser switches.
void TestRunWindow::directoryWithTwoRunsOpensTheStateFilesAndSwitches()
{
    const QString dir = QStringLiteral(TSCOPE_CORPUS_DIR "/tf1-saver-two-prefixes");
    app::RunWindow window(dir);
    window.show();
    QAbstractItemModelTester tester(
        window.stepModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy opened(&window, &app::RunWindow::lastStepOpened);
    QTRY_VERIFY_WITH_TIMEOUT(opened.count() > 0, 20000);
    QCOMPARE(window.runNames(), std::vector<std::string>({ "model.ckpt", "train_model.ckpt" }));
    QCOMPARE(window.runName(), std::string("model.ckpt"));
    QCOMPARE(window.stepModel()->rowCount(), 1);
    QCOMPARE(QString::fromStdString(window.stepModel()->steps()[0].prefix.filename().string()),
        QStringLiteral("model.ckpt"));
    QComboBox* chooser = window.view()->runChooser();
    QVERIFY(chooser->isVisible());
    QCOMPARE(chooser->count(), 2);
    QCOMPARE(chooser->currentText(), QStringLiteral("model.ckpt"));
    QVERIFY(opened.last().at(0).toString().endsWith(QStringLiteral("/model.ckpt")));

    // The user picks the other run: its step is listed and its checkpoint opened.
    opened.clear();
    chooser->setCurrentIndex(1);
    emit chooser->activated(1);
    QCOMPARE(window.runName(), std::string("train_model.ckpt"));
    QTRY_VERIFY_WITH_TIMEOUT(opened.count() > 0, 20000);
    QVERIFY(opened.last().at(0).toString().endsWith(QStringLiteral("/train_model.ckpt")));
    QCOMPARE(window.stepModel()->rowCount(), 1);
    QCOMPARE(QString::fromStdString(window.stepModel()->steps()[0].prefix.filename().string()),
        QStringLiteral("train_model.ckpt"));
    QCOMPARE(chooser->currentText(), QStringLiteral("train_model.ckpt"));
}

// A copy of the demo run whose newest checkpoint's index was cut short (a full disk while saving): the
// variables are listed from the newest step that opens, the series plot every other step, and the damaged
// step is named in a problem message instead of the whole run failing.
void TestRunWindow::damagedNewestStepIsNamedAndTheOthersStillPlot()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QDir source(kDemoRun);
    for (const QString& name : source.entryList(QDir::Files))
        QVERIFY(QFile::copy(source.filePath(name), tmp.filePath(name)));
    const QStringList indexes
        = QDir(tmp.path()).entryList({ QStringLiteral("ckpt-*.index") }, QDir::Files, QDir::Name);
    QVERIFY(indexes.size() >= 3);
    const QString newest = indexes.last(); // ckpt-4.index: names sort by step below 10
    QFile index(tmp.filePath(newest));
    QVERIFY(index.open(QIODevice::ReadWrite));
    QVERIFY(index.resize(100));
    index.close();

    app::RunWindow window(tmp.path());
    QSignalSpy opened(&window, &app::RunWindow::lastStepOpened);
    QSignalSpy problems(&window, &app::RunWindow::problem);
    QTRY_VERIFY_WITH_TIMEOUT(opened.count() > 0, 20000);
    // Listed from the step before the damaged one.
    QVERIFY(opened.last().at(0).toString().endsWith(
        QLatin1Char('/') + QFileInfo(indexes[indexes.size() - 2]).completeBaseName()));
    const auto& steps = window.stepModel()->steps();
    QCOMPARE(static_cast<int>(steps.size()), indexes.size());

    QSignalSpy shown(&window, &app::RunWindow::seriesShown);
    auto first = window.view()->selectedVariables();
    if (first.isEmpty()) {
        auto* list = window.view()->findChild<QListWidget*>();
        QVERIFY(list && list->count() > 0);
        first = { list->item(0)->data(Qt::UserRole).toString() };
        window.view()->selectVariables(first);
    }
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0, 20000);
    QCustomPlot* plot = window.view()->metricPlot();
    QVERIFY(plot->graphCount() >= 1);
    QCOMPARE(plot->graph(0)->data()->size(), indexes.size() - 1); // the damaged step is a gap
    QTRY_VERIFY_WITH_TIMEOUT(!problems.isEmpty(), 5000);
    QVERIFY(problems.last().at(0).toString().contains(QFileInfo(newest).completeBaseName()));
}

QTEST_MAIN(TestRunWindow)
#include "tst_run_window.moc"
