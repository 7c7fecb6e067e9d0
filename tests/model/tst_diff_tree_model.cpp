// The comparison tree on the cmp_variants fixture (base vs perturbed, renamed, with_optimizer), checked by
// QAbstractItemModelTester through reset, metric updates, sorting and filtering: leaves are the diff's
// rows, groups count what differs, the filter keeps only changed leaves or drops optimizer state.
#include "io/artifact.h"
#include "model/compare/artifact_diff.h"
#include "model/items/diff_filter_proxy.h"
#include "model/items/diff_tree_model.h"
#include "model/items/natural_compare.h"

#include <QAbstractItemModelTester>
#include <QtTest>
#include <filesystem>
#include <optional>

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

// Every row of the proxy: its filter counts agree with what it shows (acceptedChildCount answers without
// building the row's mapping, so the expansion budget and hasChildren rely on this).
void checkCounts(const model::DiffFilterProxy& proxy, const QModelIndex& parent = {})
{
    for (int r = 0; r < proxy.rowCount(parent); ++r) {
        const QModelIndex i = proxy.index(r, 0, parent);
        QCOMPARE(proxy.acceptedChildCount(i), proxy.rowCount(i));
        QCOMPARE(proxy.hasChildren(i), proxy.rowCount(i) > 0);
        checkCounts(proxy, i);
    }
}

// Siblings in the proxy are in order by `column` (names naturally, numbers descending).
void checkOrder(const QAbstractItemModel& m, int column, const QModelIndex& parent = {})
{
    for (int r = 0; r < m.rowCount(parent); ++r) {
        const QModelIndex i = m.index(r, column, parent);
        if (r > 0) {
            const QModelIndex prev = m.index(r - 1, column, parent);
            if (column == model::DiffTreeModel::Name)
                QVERIFY2(model::naturalCompare(prev.data().toString(), i.data().toString()) <= 0,
                    qPrintable(prev.data().toString() + QStringLiteral(" > ") + i.data().toString()));
            else
                QVERIFY(prev.data(model::DiffTreeModel::SortRole).toDouble()
                    >= i.data(model::DiffTreeModel::SortRole).toDouble());
        }
        checkOrder(m, column, i.siblingAtColumn(0));
    }
}

// Two variants behind a DiffTreeModel and its filter proxy, both under QAbstractItemModelTester: `plan` is
// the metadata-only diff the model shows first, `filled` the same with every pair's metrics, shown by
// showMetrics() (as the compare window's metrics job does). Tests QVERIFY(f.ok()) first.
struct DiffFixture {
    std::shared_ptr<const io::Artifact> a, b;
    model::DiffTreeModel tree;
    model::DiffFilterProxy proxy;
    QAbstractItemModelTester treeTester { &tree, QAbstractItemModelTester::FailureReportingMode::QtTest };
    std::optional<QAbstractItemModelTester> proxyTester;
    model::ArtifactDiff plan, filled;
    bool metricsOk = false;

    DiffFixture(const char* nameA, const char* nameB)
        : a(open(nameA))
        , b(open(nameB))
    {
        proxy.setSourceModel(&tree);
        proxyTester.emplace(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        if (!a || !b) return;
        plan = model::planDiff(a->bundle.get(), b->bundle.get());
        filled = plan;
        metricsOk = model::fillDiffMetrics(filled, *a->bundle, *b->bundle).isOk();
        tree.setDiff(a, b, plan);
    }
    bool ok() const { return a && b && metricsOk; }
    void showMetrics() { tree.updateRows(std::vector<model::DiffRow>(filled.rows)); }
};

std::vector<std::pair<int, int>> sidesOf(const model::ArtifactDiff& diff)
{
    std::vector<std::pair<int, int>> sides;
    for (const auto& row : diff.rows)
        sides.emplace_back(row.a, row.b);
    return sides;
}

} // namespace

class TestDiffTreeModel : public QObject {
    Q_OBJECT
private slots:
    void perturbedVariant()
    {
        DiffFixture f("base", "perturbed");
        QVERIFY(f.ok());
        auto& tree = f.tree;
        auto& proxy = f.proxy;
        const auto& filled = f.filled;
        const size_t rows = f.plan.rows.size();
        QCOMPARE(countLeaves(tree), int(rows));
        f.showMetrics();

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

    // The name filter: matchDiffRows marks the rows whose A or B key contains the text in any case; the
    // proxy keeps exactly those leaves (and with "changed only", those that also differ).
    void nameFilterKeepsMatchingLeaves()
    {
        DiffFixture f("base", "perturbed");
        QVERIFY(f.ok());
        f.showMetrics();
        auto& proxy = f.proxy;
        const auto &a = f.a, &b = f.b;
        const auto &plan = f.plan, &filled = f.filled;

        const QString text = QStringLiteral("DENSE2/");
        int expected = 0, expectedChanged = 0;
        for (const auto& row : filled.rows) {
            const auto keyHas = [&](const io::BundleReader& r, int e) {
                return e >= 0
                    && QString::fromStdString(r.entries()[static_cast<size_t>(e)].key)
                           .contains(text, Qt::CaseInsensitive);
            };
            if (keyHas(*a->bundle, row.a) || keyHas(*b->bundle, row.b)) {
                expected++;
                expectedChanged += row.status != io::PairStatus::Identical ? 1 : 0;
            }
        }
        QVERIFY(expected > 1);
        QCOMPARE(expectedChanged, 1);
        auto matches = std::make_shared<const std::vector<uint8_t>>(
            model::matchDiffRows(sidesOf(plan), a->bundle.get(), b->bundle.get(), text.toStdString()));
        proxy.setRowMatches(matches);
        QVERIFY(proxy.filtering());
        QCOMPARE(countLeaves(proxy), expected);
        QCOMPARE(proxy.acceptedLeafCount(), expected);
        checkCounts(proxy);
        proxy.setChangedOnly(true);
        QCOMPARE(countLeaves(proxy), 1);
        checkCounts(proxy);
        proxy.setChangedOnly(false);
        proxy.setRowMatches(nullptr);
        QVERIFY(!proxy.filtering());
        QCOMPARE(countLeaves(proxy), int(plan.rows.size()));

        io::CancelToken cancelled;
        cancelled.cancel();
        QVERIFY(model::matchDiffRows(sidesOf(plan), a->bundle.get(), b->bundle.get(), "dense", &cancelled)
                    .empty());
    }

    // New metrics arrive as a layout change: an index kept across it still names the same variable.
    void metricsKeepPersistentIndexes()
    {
        DiffFixture f("base", "perturbed");
        QVERIFY(f.ok());
        auto& tree = f.tree;
        auto& proxy = f.proxy;
        const std::string key = "model/dense2/kernel/.ATTRIBUTES/VARIABLE_VALUE";
        const QPersistentModelIndex kept = proxy.mapFromSource(tree.indexOfKey(key));
        QVERIFY(kept.isValid());
        QSignalSpy resets(&tree, &QAbstractItemModel::modelReset);
        QSignalSpy layouts(&tree, &QAbstractItemModel::layoutChanged);
        const quint64 before = tree.generation();
        f.showMetrics();
        QCOMPARE(resets.count(), 0);
        QCOMPARE(layouts.count(), 1);
        QVERIFY(tree.generation() != before);
        QVERIFY(kept.isValid());
        QCOMPARE(proxy.mapToSource(kept), tree.indexOfKey(key));
        QCOMPARE(kept.data(model::DiffTreeModel::StatusRole).toString(), QStringLiteral("changed"));
    }

    // Names sort naturally; metric columns by their numbers; the filter counts agree with the rows under
    // every combination of filters.
    void sortsAndCountsWithOptimizerState()
    {
        DiffFixture f("base", "with_optimizer");
        QVERIFY(f.ok());
        f.showMetrics();
        auto& proxy = f.proxy;
        proxy.sort(model::DiffTreeModel::Name, Qt::AscendingOrder);
        checkOrder(proxy, model::DiffTreeModel::Name);
        proxy.sort(model::DiffTreeModel::MaxAbs, Qt::DescendingOrder);
        checkOrder(proxy, model::DiffTreeModel::MaxAbs);
        for (bool changed : { false, true })
            for (bool hide : { false, true }) {
                proxy.setChangedOnly(changed);
                proxy.setHideOptimizer(hide);
                checkCounts(proxy);
            }
    }

    void optimizerStateCanBeHidden()
    {
        DiffFixture f("base", "with_optimizer");
        QVERIFY(f.ok());
        auto& tree = f.tree;
        auto& proxy = f.proxy;
        const auto& plan = f.plan;
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
