// The compare window under the offscreen platform, on the cmp_variants fixture: both artifacts open in
// the background, the rows appear, the metrics arrive, "changed only" leaves the one perturbed variable,
// selecting it shows both statistics and histograms on shared bins, the grids and the heatmap of b−a; a
// missing artifact is reported.
#include "app/gui/compare_window.h"
#include "io/element.h"
#include "model/items/diff_tree_model.h"
#include "widgets/compare_view.h"
#include "widgets/heatmap_view.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QTableWidget>
#include <QTreeView>
#include <QtTest>
#include <qcustomplot.h>

using namespace tscope;

namespace {

QString variant(const char* name)
{
    return QStringLiteral(TSCOPE_FIXTURES_DIR "/tf215/cmp_variants/") + QLatin1String(name)
        + QStringLiteral("/ckpt.index");
}

int countLeaves(const QAbstractItemModel& m, const QModelIndex& parent = {})
{
    int n = 0;
    for (int r = 0; r < m.rowCount(parent); ++r) {
        const QModelIndex i = m.index(r, 0, parent);
        n += m.rowCount(i) ? countLeaves(m, i) : 1;
    }
    return n;
}

QModelIndex firstLeaf(const QAbstractItemModel& m, const QModelIndex& parent = {})
{
    for (int r = 0; r < m.rowCount(parent); ++r) {
        const QModelIndex i = m.index(r, 0, parent);
        if (i.data(model::DiffTreeModel::RowRole).toInt() >= 0) return i;
        if (QModelIndex leaf = firstLeaf(m, i); leaf.isValid()) return leaf;
    }
    return {};
}

} // namespace

class TestCompareWindow : public QObject {
    Q_OBJECT
private slots:
    void perturbedVariableEndToEnd()
    {
        app::CompareWindow window(variant("base"), variant("perturbed"));
        QSignalSpy metrics(&window, &app::CompareWindow::metricsReady);
        window.show();
        QVERIFY(metrics.wait(30000));
        auto* view = window.findChild<ui::CompareView*>();
        QVERIFY(view);
        QTreeView* tree = view->tree();
        const int all = countLeaves(*tree->model());
        QCOMPARE(all, 8);
        view->changedOnly()->setChecked(true);
        QCOMPARE(countLeaves(*tree->model()), 1);
        const QModelIndex leaf = firstLeaf(*tree->model());
        QCOMPARE(leaf.data().toString(), QStringLiteral("kernel"));
        QCOMPARE(leaf.data(model::DiffTreeModel::StatusRole).toString(), QStringLiteral("changed"));

        QSignalSpy shown(&window, &app::CompareWindow::pairShown);
        tree->setCurrentIndex(leaf);
        QVERIFY(shown.wait(30000));
        auto* plot = view->findChild<QCustomPlot*>(QStringLiteral("overlayHistogram"));
        QVERIFY(plot && plot->graphCount() == 2);
        QVERIFY(!plot->graph(0)->data()->isEmpty() && !plot->graph(1)->data()->isEmpty());
        // Shared bins: both series start at the same edge.
        QCOMPARE(plot->graph(0)->data()->begin()->key, plot->graph(1)->data()->begin()->key);
        auto* stats = view->findChild<QTableWidget*>(QStringLiteral("pairStats"));
        QVERIFY(stats && stats->rowCount() > 0);
        QCOMPARE(stats->item(0, 0)->text(), QStringLiteral("6")); // elements of dense2/kernel [3, 2]
        // Pair details: the histogram of b−a and the value grids on the same slice, changed cells marked.
        auto* diffPlot = view->findChild<QCustomPlot*>(QStringLiteral("diffHistogram"));
        QVERIFY(diffPlot && !diffPlot->graph(0)->data()->isEmpty());
        auto* gridA = view->findChild<QTableWidget*>(QStringLiteral("gridA"));
        auto* gridDiff = view->findChild<QTableWidget*>(QStringLiteral("gridDiff"));
        QVERIFY(gridA && gridDiff);
        QCOMPARE(gridA->rowCount(), 3);
        QCOMPARE(gridA->columnCount(), 2);
        int marked = 0, nonzero = 0;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 2; ++c) {
                marked += gridDiff->item(r, c)->background().style() != Qt::NoBrush;
                nonzero += gridDiff->item(r, c)->text() != QStringLiteral("0");
            }
        QVERIFY(marked > 0);
        QCOMPARE(marked, nonzero); // a perturbed value changes its bits and its difference together
        // The heatmap of b−a: every cell (3 x 2, nothing skipped) is the b−a the grid shows, same place.
        ui::HeatmapView* heatmap = view->differenceHeatmap();
        QVERIFY(heatmap && heatmap->stateMessage().isEmpty());
        QVERIFY(view->showDetailsTab(QStringLiteral("heatmap")));
        auto* map = qobject_cast<QCPColorMap*>(heatmap->plot()->plottable(0));
        QVERIFY(map);
        QCOMPARE(map->data()->keySize(), 2);
        QCOMPARE(map->data()->valueSize(), 3);
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 2; ++c)
                QCOMPARE(QString::fromStdString(io::formatDouble(map->data()->cell(c, r))),
                    gridDiff->item(r, c)->text());
        view->changedOnly()->setChecked(false);
        QCOMPARE(countLeaves(*tree->model()), all);
    }

    // The name filter: typing part of a key keeps the variables whose A or B key contains it (any case),
    // searched off the GUI thread after a pause in typing, and expands the tree so they are in sight;
    // clearing it brings every variable back.
    void nameFilterShowsMatchesExpanded()
    {
        app::CompareWindow window(variant("base"), variant("perturbed"));
        QSignalSpy metrics(&window, &app::CompareWindow::metricsReady);
        window.show();
        QVERIFY(metrics.wait(30000));
        auto* view = window.findChild<ui::CompareView*>();
        QVERIFY(view && view->filterEdit());
        QTreeView* tree = view->tree();
        const int all = countLeaves(*tree->model());
        view->filterEdit()->setText(QStringLiteral("Dense2/Kernel"));
        QTRY_COMPARE_WITH_TIMEOUT(countLeaves(*tree->model()), 1, 10000);
        QCOMPARE(view->filterStatus(), QStringLiteral("1 of %1 variables").arg(all));
        const QModelIndex leaf = firstLeaf(*tree->model());
        QCOMPARE(leaf.data().toString(), QStringLiteral("kernel"));
        for (QModelIndex p = leaf.parent(); p.isValid(); p = p.parent())
            QVERIFY(tree->isExpanded(p)); // a match is in sight without clicking
        view->filterEdit()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(countLeaves(*tree->model()), all, 10000);
        QVERIFY(view->filterStatus().isEmpty());
        view->filterEdit()->setText(QStringLiteral("no such variable"));
        QTRY_COMPARE_WITH_TIMEOUT(tree->model()->rowCount(), 0, 10000);
        QCOMPARE(view->filterStatus(), QStringLiteral("No variable matches"));
    }

    // The compatibility verdict in the summary (the same model::checkFit as `check`, which the conformance
    // suite holds against TensorFlow's assert_existing_objects_matched): a SavedModel is the target.
    void summarySaysWhetherTheCheckpointFits()
    {
        const QString savedModel = QStringLiteral(TSCOPE_FIXTURES_DIR "/tf215/cmp_variants/saved_model");
        {
            app::CompareWindow window(savedModel, variant("lost_layer"));
            QSignalSpy metrics(&window, &app::CompareWindow::metricsReady);
            QVERIFY(metrics.wait(30000));
            QVERIFY(window.fit() && !window.fit()->fits());
            const QString verdict = window.fitVerdict();
            QVERIFY2(verdict.contains(QStringLiteral("B does not fit A")), qPrintable(verdict));
            QVERIFY2(verdict.contains(QStringLiteral("dense2/kernel"))
                    && verdict.contains(QStringLiteral("dense2/bias")),
                qPrintable(verdict));
            bool shown = false;
            for (const QLabel* label : window.findChildren<QLabel*>())
                shown = shown || label->text().contains(verdict);
            QVERIFY(shown);
        }
        {
            app::CompareWindow window(variant("reshaped"), variant("base"));
            QSignalSpy metrics(&window, &app::CompareWindow::metricsReady);
            QVERIFY(metrics.wait(30000));
            QVERIFY(window.fit() && window.fit()->mismatched.size() == 2);
            QVERIFY2(window.fitVerdict().contains(QStringLiteral("float32[3, 5] vs float32[3, 2]")),
                qPrintable(window.fitVerdict()));
        }
        {
            app::CompareWindow window(variant("with_optimizer"), savedModel);
            QSignalSpy metrics(&window, &app::CompareWindow::metricsReady);
            QVERIFY(metrics.wait(30000));
            QVERIFY(window.fit() && window.fit()->fits() && !window.fit()->unexpected.empty());
            QVERIFY2(
                window.fitVerdict().contains(QStringLiteral("A fits B")), qPrintable(window.fitVerdict()));
        }
    }

    // The Map field renames A's scope like `diff --map`: a renamed layer then matches, nothing differs,
    // and the checkpoint fits; a rule that does not parse is reported and changes nothing.
    void mapRulesMatchARenamedScope()
    {
        app::CompareWindow window(variant("renamed"), variant("base"));
        QSignalSpy metrics(&window, &app::CompareWindow::metricsReady);
        window.show();
        QVERIFY(metrics.wait(30000));
        auto* view = window.findChild<ui::CompareView*>();
        QVERIFY(window.fit() && !window.fit()->fits());
        view->changedOnly()->setChecked(true);
        QCOMPARE(countLeaves(*view->tree()->model()), 4); // two only in A, two only in B
        QLineEdit* rules = view->mappingRules();
        rules->setText(QStringLiteral("([=x"));
        QTest::keyClick(rules, Qt::Key_Return);
        QLabel* summary = nullptr;
        for (QLabel* label : view->findChildren<QLabel*>())
            if (label->text().contains(QStringLiteral("Map rule not applied"))) summary = label;
        QVERIFY(summary);
        rules->setText(QStringLiteral("^model/block1/=model/dense1/"));
        QTest::keyClick(rules, Qt::Key_Return);
        QVERIFY(metrics.wait(30000));
        QCOMPARE(countLeaves(*view->tree()->model()), 0);
        QVERIFY(window.fit() && window.fit()->fits());
        QVERIFY2(
            summary->text().contains(QStringLiteral("2 by your Map rules")), qPrintable(summary->text()));
    }

    void missingArtifactIsReported()
    {
        app::CompareWindow window(variant("base"), QStringLiteral(TSCOPE_FIXTURES_DIR "/no/such/ckpt.index"));
        window.show();
        auto* view = window.findChild<ui::CompareView*>();
        QVERIFY(view);
        auto reported = [view] {
            for (const QLabel* label : view->findChildren<QLabel*>())
                if (label->text().contains(QStringLiteral("Cannot compare"))) return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(reported(), 30000);
    }
};

QTEST_MAIN(TestCompareWindow)
#include "tst_compare_window.moc"
