// A SavedModel whose variables data shard is missing (corpus tf20alpha-keras-export-3metagraphs-nodata):
// the object graph lives in the data file, so the tree is built from the TF2 keys alone. It must still read
// like the object tree: no blank-named rows, no `.ATTRIBUTES`/`.OPTIMIZER_SLOT` path segments, slots under
// their variables, and no group row holding a tensor of its own (which showed as `string []` with a
// parameter count that disagreed with the inspector's).
#include "io/artifact.h"
#include "io_test_util.h"

#include <QtTest>

using namespace tscope::io;

class TestMissingDataShard : public QObject {
    Q_OBJECT
private slots:
    void treeFromTf2KeysAlone()
    {
        const auto dir = iotest::corpusDir() / "tf20alpha-keras-export-3metagraphs-nodata";
        if (!std::filesystem::exists(dir)) QSKIP("corpus not available");
        auto opened = openArtifact(dir);
        if (!opened) QFAIL(opened.status().toString().c_str());
        const Artifact& a = **opened;
        QVERIFY(a.bundle);
        QVERIFY(!a.tree.objectBased); // the object graph cannot be read
        const auto& nodes = a.tree.nodes;
        int slotRows = 0;
        for (size_t i = 1; i < nodes.size(); ++i) {
            const auto& n = nodes[i];
            QVERIFY2(!n.name.empty(), "a blank-named row");
            QVERIFY2(
                !n.name.starts_with(".ATTRIBUTES") && !n.name.starts_with(".OPTIMIZER_SLOT"), n.name.c_str());
            if (!n.children.empty() && n.kind != NodeKind::Variable)
                QVERIFY2(n.entry < 0, ("group row with a tensor: " + n.name).c_str());
            if (n.kind == NodeKind::Slot) {
                ++slotRows;
                QCOMPARE(nodes[static_cast<size_t>(n.parent)].kind, NodeKind::Variable);
                QVERIFY(n.slotName() == "m" || n.slotName() == "v");
                QCOMPARE(n.optimizerPath(), std::string("optimizer"));
            }
            // Every row's count is what its tensor or its children hold (the inspector's numbers).
            uint64_t expected
                = n.entry >= 0 ? a.bundle->entries()[static_cast<size_t>(n.entry)].elementCount() : 0;
            for (int c : n.children)
                if (nodes[static_cast<size_t>(c)].kind != NodeKind::Slot)
                    expected += nodes[static_cast<size_t>(c)].parameters;
            QCOMPARE(n.parameters, expected);
        }
        QCOMPARE(slotRows, 8); // m and v of two kernels and two biases
        // The root object's attribute is a leaf of the root, named after the attribute.
        bool rootConfig = false;
        for (int c : nodes[0].children)
            rootConfig = rootConfig || nodes[static_cast<size_t>(c)].name == "OBJECT_CONFIG_JSON";
        QVERIFY(rootConfig);
        const int kernel = a.findEntry("layer_with_weights-0/kernel");
        QVERIFY(kernel >= 0);
        QCOMPARE(a.tree.annotations[static_cast<size_t>(kernel)].role, EntryRole::Variable);
    }
};

QTEST_GUILESS_MAIN(TestMissingDataShard)
#include "tst_missing_data_shard.moc"
