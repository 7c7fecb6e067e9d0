// The comparison tree on the cmp_variants fixture (base vs perturbed, renamed, with_optimizer), checked by
// QAbstractItemModelTester through reset, metric updates, sorting and filtering: leaves are the diff's
// rows, groups count what differs, the filter keeps only changed leaves or drops optimizer state.
#include "io/artifact.h"
#include "model/compare/artifact_diff.h"
#include "model/items/diff_filter_proxy.h"
#include "model/items/diff_tree_model.h"

#include <QAbstractItemModelTester>
#include <QtTest>
#include <filesystem>

using namespace tscope;

namespace {

std::filesystem::path variant(const char* name)
{
    return std::filesystem::path(TSCOPE_FIXTURES_DIR) / "tf215" / "cmp_variants" / name / "ckpt";
}

std::shared_ptr<const io::Artifact> open(const char* name)
{
    auto a = io::openArtifact(variant(name));
    return a ? std::shared_ptr<const io::Artifact>(*a) : nullptr;
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

} // namespace

class TestDiffTreeModel : public QObject {
    Q_OBJECT
private slots:
    void perturbedVariant()
    {
        auto a = open("base"), b = open("perturbed");
        QVERIFY(a && b);
        model::DiffTreeModel tree;
        QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model::DiffFilterProxy proxy;
        proxy.setSourceModel(&tree);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

        auto plan = model::planDiff(a->bundle.get(), b->bundle.get());
        const size_t rows = plan.rows.size();
        tree.setDiff(a, b, plan);
        QCOMPARE(countLeaves(tree), int(rows));
        auto filled = plan;
        QVERIFY(model::fillDiffMetrics(filled, *a->bundle, *b->bundle).isOk());
        tree.updateRows(std::vector<model::DiffRow>(filled.rows));

        const QModelIndex kernel = tree.indexOfKey("model/dense2/kernel/.ATTRIBUTES/VARIABLE_VALUE");
        QVERIFY(kernel.isValid());
        QCOMPARE(kernel.data(model::DiffTreeModel::StatusRole).toString(), QStringLiteral("changed"));
        const auto& row
            = filled.rows[static_cast<size_t>(kernel.data(model::DiffTreeModel::RowRole).toInt())];
        QCOMPARE(tree.index(kernel.row(), model::DiffTreeModel::MaxAbs, kernel.parent())
                     .data(model::DiffTreeModel::SortRole)
                     .toDouble(),
            *row.metrics->maxAbsDiff);
        // The group above counts one differing leaf.
        QVERIFY(tree.index(kernel.parent().row(), model::DiffTreeModel::Status, kernel.parent().parent())
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("1 of")));

        proxy.setChangedOnly(true);
        QCOMPARE(countLeaves(proxy), 1);
        proxy.sort(model::DiffTreeModel::MaxAbs, Qt::DescendingOrder);
        proxy.setChangedOnly(false);
        QCOMPARE(countLeaves(proxy), int(rows));
    }

    void optimizerStateCanBeHidden()
    {
        auto a = open("base"), b = open("with_optimizer");
        QVERIFY(a && b);
        model::DiffTreeModel tree;
        QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model::DiffFilterProxy proxy;
        proxy.setSourceModel(&tree);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto plan = model::planDiff(a->bundle.get(), b->bundle.get());
        tree.setDiff(a, b, plan);
        const int all = countLeaves(proxy);
        proxy.setHideOptimizer(true);
        QCOMPARE(countLeaves(proxy), int(plan.rows.size() - plan.mapping.onlyInB.size()));
        QVERIFY(countLeaves(proxy) < all);
        tree.clear();
        QCOMPARE(tree.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDiffTreeModel)
#include "tst_diff_tree_model.moc"
