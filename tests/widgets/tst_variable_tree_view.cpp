// The variable tree widget offscreen: the match count line, an invalid regular expression said in
// words, clearing a filter giving back the expansion the tree had before it, and the filter matched on a
// worker thread showing the rows an independent reference computes.
#include "io/artifact.h"
#include "model/items/variable_filter_proxy.h"
#include "model/items/variable_tree_model.h"
#include "widgets/variable_tree_view.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QTreeView>
#include <QtTest>
#include <algorithm>
#include <cctype>
#include <set>
#include <string>

using namespace tscope;

namespace {
std::shared_ptr<const io::Artifact> openCorpus(const char* slug)
{
    auto a = io::openArtifact(std::string(TSCOPE_CORPUS_DIR) + "/" + slug);
    if (!a) qFatal("cannot open %s: %s", slug, a.status().toString().c_str());
    return a.value();
}

std::set<int> expandedIds(const QTreeView& tree, const QModelIndex& parent = {})
{
    std::set<int> ids;
    const auto* m = tree.model();
    for (int r = 0; r < m->rowCount(parent); ++r) {
        const QModelIndex i = m->index(r, 0, parent);
        if (tree.isExpanded(i)) {
            ids.insert(model::VariableFilterProxy::nodeIdOf(i));
            ids.merge(expandedIds(tree, i));
        }
    }
    return ids;
}
// Every row the model shows (expanded or not), as node ids.
std::set<int> shownIds(const QAbstractItemModel& m, const QModelIndex& parent = {})
{
    std::set<int> ids;
    for (int r = 0; r < m.rowCount(parent); ++r) {
        const QModelIndex i = m.index(r, 0, parent);
        ids.insert(model::VariableFilterProxy::nodeIdOf(i));
        ids.merge(shownIds(m, i));
    }
    return ids;
}

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// From the artifact alone: the variables whose object path, label or checkpoint key contains `needle`
// (ASCII, ignoring case), and their ancestors up to the root's children.
std::set<int> referenceRows(const io::Artifact& a, const std::string& needle)
{
    std::set<int> ids;
    const auto& nodes = a.tree.nodes;
    for (size_t id = 1; id < nodes.size(); ++id) {
        const auto& n = nodes[id];
        if (n.entry < 0) continue;
        const std::string& key = a.bundle->entries()[static_cast<size_t>(n.entry)].key;
        const std::string n1 = lower(needle);
        if (lower(n.path.empty() ? n.name : n.path).find(n1) == std::string::npos
            && lower(n.label()).find(n1) == std::string::npos && lower(key).find(n1) == std::string::npos)
            continue;
        for (int up = static_cast<int>(id); up > 0; up = nodes[static_cast<size_t>(up)].parent)
            ids.insert(up);
    }
    return ids;
}
} // namespace

class TestVariableTreeView : public QObject {
    Q_OBJECT
private slots:
    void filterCountsAndRestoresExpansion()
    {
        auto artifact = openCorpus("ckpt-tf2-a2c-3ckpts");
        ui::VariableTreeView view;
        view.resize(600, 800);
        view.show();
        view.model()->setArtifact(artifact, 0);
        view.reset();
        QTreeView* tree = view.tree();
        const int variables = view.proxy()->variableCount();
        QCOMPARE(view.matchLabel()->text(), QStringLiteral("%1 variables").arg(variables));

        // A hand-made expansion: collapse the first top-level node, expand everything under the last.
        const QModelIndex first = tree->model()->index(0, 0);
        const QModelIndex last = tree->model()->index(tree->model()->rowCount() - 1, 0);
        QVERIFY(first != last);
        tree->collapse(first);
        tree->expandRecursively(last);
        const std::set<int> before = expandedIds(*tree);
        QVERIFY(!before.empty());

        QTest::keyClicks(view.filterEdit(), QStringLiteral("hidden1"));
        QTRY_VERIFY(view.proxy()->isFiltering()); // after the typing pause
        int expected = 0; // from the artifact, not from the proxy
        for (const auto& e : artifact->bundle->entries())
            expected
                += QString::fromStdString(e.key).contains(QStringLiteral("hidden1"), Qt::CaseInsensitive);
        QVERIFY(expected > 0);
        // Object paths can match where keys do not; at least the keys' matches are counted.
        QVERIFY(view.proxy()->matchCount() >= expected);
        QVERIFY(view.matchLabel()->text().startsWith(
            QStringLiteral("%1 of %2").arg(view.proxy()->matchCount()).arg(variables)));

        view.filterEdit()->clear();
        QTRY_VERIFY(!view.proxy()->isFiltering());
        QCOMPARE(expandedIds(*tree), before);
    }

    void invalidRegexIsSaidInWords()
    {
        auto artifact = openCorpus("ckpt-tf2-a2c-3ckpts");
        ui::VariableTreeView view;
        view.show();
        view.model()->setArtifact(artifact, 0);
        view.reset();
        view.filterEdit()->setText(QStringLiteral("critic"));
        view.applyFilterNow();
        QTRY_VERIFY(!view.filterPending()); // matched on a worker thread
        const int rows = view.proxy()->rowCount();
        QVERIFY(rows > 0);
        view.filterEdit()->setText(QStringLiteral("critic("));
        for (auto* box : view.findChildren<QCheckBox*>())
            if (box->text() == QStringLiteral(".*")) box->setChecked(true);
        view.applyFilterNow();
        QVERIFY2(view.matchLabel()->text().startsWith(QStringLiteral("Invalid regular expression")),
            qPrintable(view.matchLabel()->text()));
        QCOMPARE(view.proxy()->rowCount(), rows); // the previous result stays, the tree is not emptied
    }

    // Typed key by key (each key a newer text that wins over the pending one) and cleared: the rows the
    // view shows are the reference's, and clearing gives back every row shown before.
    void typingAndClearingShowTheReferenceRows()
    {
        auto artifact = openCorpus("ckpt-tf2-a2c-3ckpts");
        ui::VariableTreeView view;
        view.show();
        view.model()->setArtifact(artifact, 0);
        view.reset();
        QAbstractItemModelTester tester(view.proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const std::set<int> all = shownIds(*view.proxy());
        QVERIFY(all.size() > 10);
        for (const char* needle : { "critic", "KERNEL", "optimizer/m", "zzz-no-such" }) {
            QTest::keyClicks(view.filterEdit(), QString::fromLatin1(needle));
            QTRY_VERIFY(!view.filterPending());
            QVERIFY(view.proxy()->isFiltering());
            const std::set<int> expected = referenceRows(*artifact, needle);
            QCOMPARE(expected.empty(), std::string(needle) == "zzz-no-such"); // the others do match
            QCOMPARE(shownIds(*view.proxy()), expected);
            QVERIFY(view.matchLabel()->text().startsWith(QStringLiteral("%1 of %2")
                                                             .arg(view.proxy()->matchCount())
                                                             .arg(view.proxy()->variableCount())));
            view.filterEdit()->clear();
            QTRY_VERIFY(!view.filterPending());
            QVERIFY(!view.proxy()->isFiltering());
            QCOMPARE(shownIds(*view.proxy()), all);
        }
        // A stale result never lands: a text replaced before its match finished shows the newer one.
        view.filterEdit()->setText(QStringLiteral("actor"));
        view.applyFilterNow();
        view.filterEdit()->setText(QStringLiteral("critic"));
        view.applyFilterNow();
        QTRY_VERIFY(!view.filterPending());
        QCOMPARE(shownIds(*view.proxy()), referenceRows(*artifact, "critic"));
    }
};

QTEST_MAIN(TestVariableTreeView)
#include "tst_variable_tree_view.moc"
