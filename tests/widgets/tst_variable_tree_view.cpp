// The variable tree widget offscreen: the match count line, an invalid regular expression said in
// words, and clearing a filter giving back the expansion the tree had before it.
#include "io/artifact.h"
#include "model/items/variable_filter_proxy.h"
#include "model/items/variable_tree_model.h"
#include "widgets/variable_tree_view.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QTreeView>
#include <QtTest>
#include <set>

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
};

QTEST_MAIN(TestVariableTreeView)
#include "tst_variable_tree_view.moc"
