// The mapping engine (io/compare): TF1 names, object graphs walked together (a checkpoint's `model/` subtree
// against a SavedModel-like root, shared objects matched through any path, slots through their variable),
// user rules, and what metadata alone says about a pair. Bundles are written with BundleWriter and
// hand-built TrackableObjectGraph protos.

#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/compare/mapping_rule.h"
#include "io/compare/pair_status.h"
#include "io/compare/variable_mapping.h"
#include "io/variable_tree.h"
#include "io_test_util.h"
#include "trackable_object_graph.pb.h"

#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <string>
#include <vector>

using namespace iotest;
using namespace tscope::io;

namespace {

// A small object graph: nodes by index, edges by name, a VARIABLE_VALUE attribute per variable node.
struct GraphSpec {
    struct Node {
        std::vector<std::pair<std::string, int>> children;
        std::string variableKey; // non-empty: this node is a variable stored under the key
        std::vector<std::tuple<int, int, std::string>> slotVars; // (original, slot, name) on optimizers
    };
    std::vector<Node> nodes;

    std::string serialize() const
    {
        tensorflow::TrackableObjectGraph g;
        for (const auto& n : nodes) {
            auto* node = g.add_nodes();
            for (const auto& [name, id] : n.children) {
                auto* c = node->add_children();
                c->set_local_name(name);
                c->set_node_id(id);
            }
            if (!n.variableKey.empty()) {
                auto* a = node->add_attributes();
                a->set_name("VARIABLE_VALUE");
                a->set_checkpoint_key(n.variableKey);
            }
            for (const auto& [original, slot, name] : n.slotVars) {
                auto* s = node->add_slot_variables();
                s->set_original_variable_node_id(original);
                s->set_slot_variable_node_id(slot);
                s->set_slot_name(name);
            }
        }
        return g.SerializeAsString();
    }
};

// Writes float32 [2] tensors under `keys` (value = index + `offset`) and the object graph when given.
std::shared_ptr<BundleReader> writeBundle(const QTemporaryDir& dir, const std::string& name,
    const std::vector<std::string>& keys, const GraphSpec* graph = nullptr, float offset = 0)
{
    const auto prefix = std::filesystem::path(dir.path().toStdString()) / name;
    {
        BundleWriter w(prefix);
        float v = offset;
        for (const auto& k : keys) {
            const float values[2] = { v, v + 1 };
            v += 2;
            if (!w.add(k, DType::Float, { 2 }, std::as_bytes(std::span(values))).isOk()) return nullptr;
        }
        if (graph && !w.addStrings(std::string(kObjectGraphKey), {}, { graph->serialize() }).isOk())
            return nullptr;
        if (!w.finish().isOk()) return nullptr;
    }
    auto reader = BundleReader::open(prefix);
    return reader ? *reader : nullptr;
}

std::string key(const std::shared_ptr<BundleReader>& r, int index)
{
    return r->entries()[static_cast<size_t>(index)].key;
}

// "keyA -> keyB (method)" for every match, to compare whole mappings at once.
std::vector<std::string> describeMatches(
    const VariableMapping& m, const std::shared_ptr<BundleReader>& a, const std::shared_ptr<BundleReader>& b)
{
    std::vector<std::string> out;
    for (const auto& x : m.matches)
        out.push_back(key(a, x.a) + " -> " + key(b, x.b) + " (" + matchMethodName(x.method) + ")");
    return out;
}

std::vector<std::string> keysOf(const std::vector<int>& indices, const std::shared_ptr<BundleReader>& r)
{
    std::vector<std::string> out;
    for (int i : indices)
        out.push_back(key(r, i));
    return out;
}

const std::string kVV = "/.ATTRIBUTES/VARIABLE_VALUE";

} // namespace

class TestVariableMapping : public QObject {
    Q_OBJECT

private slots:
    void namesPairTf1Checkpoints()
    {
        QTemporaryDir dir;
        auto a = writeBundle(dir, "a", { "layer/b", "layer/w", "only_a" });
        auto b = writeBundle(dir, "b", { "layer/b", "layer/w", "only_b" });
        QVERIFY(a && b);
        const auto m = mapVariables(*a, *b);
        QVERIFY(!m.objectGraph);
        QCOMPARE(describeMatches(m, a, b),
            (std::vector<std::string> { "layer/b -> layer/b (name)", "layer/w -> layer/w (name)" }));
        QCOMPARE(keysOf(m.onlyInA, a), std::vector<std::string> { "only_a" });
        QCOMPARE(keysOf(m.onlyInB, b), std::vector<std::string> { "only_b" });
    }

    void checkpointModelSubtreeMeetsSavedModelRoot()
    {
        // A: root -> model -> dense -> kernel, root -> save_counter. B: root -> dense -> kernel.
        GraphSpec ga;
        ga.nodes.resize(5);
        ga.nodes[0].children = { { "model", 1 }, { "save_counter", 4 } };
        ga.nodes[1].children = { { "dense", 2 } };
        ga.nodes[2].children = { { "kernel", 3 } };
        ga.nodes[3].variableKey = "model/dense/kernel" + kVV;
        ga.nodes[4].variableKey = "save_counter" + kVV;
        GraphSpec gb;
        gb.nodes.resize(3);
        gb.nodes[0].children = { { "dense", 1 } };
        gb.nodes[1].children = { { "kernel", 2 } };
        gb.nodes[2].variableKey = "dense/kernel" + kVV;
        QTemporaryDir dir;
        auto a = writeBundle(dir, "a", { "model/dense/kernel" + kVV, "save_counter" + kVV }, &ga);
        auto b = writeBundle(dir, "b", { "dense/kernel" + kVV }, &gb);
        QVERIFY(a && b);
        const auto m = mapVariables(*a, *b);
        QVERIFY(m.objectGraph);
        QCOMPARE(m.rootA, std::string("model"));
        QCOMPARE(m.rootB, std::string(""));
        QCOMPARE(m.matches.size(), size_t(1));
        QCOMPARE(m.matches[0].method, MatchMethod::ObjectGraph);
        QCOMPARE(m.matches[0].pathA, std::string("model/dense/kernel"));
        QCOMPARE(m.matches[0].pathB, std::string("dense/kernel"));
        QCOMPARE(keysOf(m.onlyInA, a), std::vector<std::string> { "save_counter" + kVV });
        QVERIFY(m.onlyInB.empty()); // the object graph itself never takes part
    }

    void sharedObjectsMatchThroughAnyPath()
    {
        // A keys its weight by the first breadth-first path (variables/0), B by layer/kernel; both graphs
        // share the edge root -> layer -> kernel, so the walk pairs them although the keys differ.
        GraphSpec ga;
        ga.nodes.resize(4);
        ga.nodes[0].children = { { "variables", 1 }, { "layer", 2 } };
        ga.nodes[1].children = { { "0", 3 } };
        ga.nodes[2].children = { { "kernel", 3 } };
        ga.nodes[3].variableKey = "variables/0" + kVV;
        GraphSpec gb;
        gb.nodes.resize(3);
        gb.nodes[0].children = { { "layer", 1 } };
        gb.nodes[1].children = { { "kernel", 2 } };
        gb.nodes[2].variableKey = "layer/kernel" + kVV;
        QTemporaryDir dir;
        auto a = writeBundle(dir, "a", { "variables/0" + kVV }, &ga);
        auto b = writeBundle(dir, "b", { "layer/kernel" + kVV }, &gb);
        QVERIFY(a && b);
        const auto m = mapVariables(*a, *b);
        QCOMPARE(describeMatches(m, a, b),
            std::vector<std::string> { "variables/0" + kVV + " -> layer/kernel" + kVV + " (object_graph)" });
        QCOMPARE(m.matches[0].pathA, std::string("layer/kernel"));
    }

    void slotsPairThroughTheirVariable()
    {
        // The optimizers have different names and A's sits outside the walked `model` subtree.
        const std::string slotA = "model/w/.OPTIMIZER_SLOT/opt/m" + kVV,
                          slotB = "w/.OPTIMIZER_SLOT/optimizer/m" + kVV;
        GraphSpec ga;
        ga.nodes.resize(5);
        ga.nodes[0].children = { { "model", 1 }, { "opt", 3 } };
        ga.nodes[1].children = { { "w", 2 } };
        ga.nodes[2].variableKey = "model/w" + kVV;
        ga.nodes[3].slotVars = { { 2, 4, "m" } };
        ga.nodes[4].variableKey = slotA;
        GraphSpec gb;
        gb.nodes.resize(4);
        gb.nodes[0].children = { { "w", 1 }, { "optimizer", 2 } };
        gb.nodes[1].variableKey = "w" + kVV;
        gb.nodes[2].slotVars = { { 1, 3, "m" } };
        gb.nodes[3].variableKey = slotB;
        QTemporaryDir dir;
        auto a = writeBundle(dir, "a", { "model/w" + kVV, slotA }, &ga);
        auto b = writeBundle(dir, "b", { "w" + kVV, slotB }, &gb);
        QVERIFY(a && b);
        const auto m = mapVariables(*a, *b);
        QCOMPARE(m.rootA, std::string("model"));
        QCOMPARE(describeMatches(m, a, b),
            (std::vector<std::string> { "model/w" + kVV + " -> w" + kVV + " (object_graph)",
                slotA + " -> " + slotB + " (object_graph)" }));
        QVERIFY(m.onlyInA.empty() && m.onlyInB.empty());
    }

    void rulesRenameWhatIsLeft()
    {
        QTemporaryDir dir;
        auto a = writeBundle(dir, "a", { "old_scope/w", "same" });
        auto b = writeBundle(dir, "b", { "new_scope/w", "same" });
        QVERIFY(a && b);
        MappingOptions options;
        auto unused = parseMappingRule("^nothing/=x/");
        auto rule = parseMappingRule("^old_(\\w+)/=new_$1/");
        QVERIFY(unused && rule);
        options.rules = { *unused, *rule };
        const auto m = mapVariables(*a, *b, options);
        QCOMPARE(describeMatches(m, a, b),
            (std::vector<std::string> { "old_scope/w -> new_scope/w (rule)", "same -> same (name)" }));
        QCOMPARE(m.matches[0].rule, 1);
        QCOMPARE(rule->apply("old_scope/w"), std::optional<std::string>("new_scope/w"));
        QCOMPARE(rule->apply("other"), std::optional<std::string>());
    }

    void badRulesAreRefused()
    {
        QCOMPARE(parseMappingRule("no equals sign").status().code(), ErrorCode::InvalidArgument);
        QCOMPARE(parseMappingRule("=x").status().code(), ErrorCode::InvalidArgument);
        QCOMPARE(parseMappingRule("([=x").status().code(), ErrorCode::InvalidArgument);
        auto lastEquals = parseMappingRule("a=b=c"); // the pattern may hold '=', the replacement not
        QVERIFY(lastEquals);
        QCOMPARE(lastEquals->pattern, std::string("a=b"));
        QCOMPARE(lastEquals->replacement, std::string("c"));
    }

    void undecodableObjectGraphFallsBackToNames()
    {
        QTemporaryDir dir;
        const auto prefix = std::filesystem::path(dir.path().toStdString()) / "bad";
        {
            BundleWriter w(prefix);
            const float v[2] = { 1, 2 };
            QVERIFY(w.add("w", DType::Float, { 2 }, std::as_bytes(std::span(v))).isOk());
            QVERIFY(
                w.addStrings(std::string(kObjectGraphKey), {}, { std::string("\xff\xff\xff", 3) }).isOk());
            QVERIFY(w.finish().isOk());
        }
        auto a = BundleReader::open(prefix);
        auto b = writeBundle(dir, "b", { "w" });
        QVERIFY(a && b);
        const auto m = mapVariables(**a, *b);
        QVERIFY(!m.objectGraph);
        QCOMPARE(m.warnings.size(), size_t(1));
        QCOMPARE(m.matches.size(), size_t(1));
        QCOMPARE(m.matches[0].method, MatchMethod::Name);
    }

    void metadataVerdicts()
    {
        QTemporaryDir dir;
        const auto prefix = std::filesystem::path(dir.path().toStdString()) / "m";
        {
            BundleWriter w(prefix);
            const float two[2] = { 1, 2 }, other[2] = { 1, 3 };
            const double twoD[2] = { 1, 2 };
            const float three[3] = { 1, 2, 3 };
            QVERIFY(w.add("a", DType::Float, { 2 }, std::as_bytes(std::span(two))).isOk());
            QVERIFY(w.add("same_bytes", DType::Float, { 2 }, std::as_bytes(std::span(two))).isOk());
            QVERIFY(w.add("other_bytes", DType::Float, { 2 }, std::as_bytes(std::span(other))).isOk());
            QVERIFY(w.add("double", DType::Double, { 2 }, std::as_bytes(std::span(twoD))).isOk());
            QVERIFY(w.add("longer", DType::Float, { 3 }, std::as_bytes(std::span(three))).isOk());
            QVERIFY(w.finish().isOk());
        }
        auto r = BundleReader::open(prefix);
        QVERIFY(r);
        auto e = [&](const char* k) { return *(*r)->find(k); };
        QCOMPARE(classifyByMetadata(e("a"), e("same_bytes")), MetadataVerdict::SameChecksum);
        QCOMPARE(classifyByMetadata(e("a"), e("other_bytes")), MetadataVerdict::NeedsData);
        QCOMPARE(classifyByMetadata(e("a"), e("double")), MetadataVerdict::DtypeChanged);
        QCOMPARE(classifyByMetadata(e("a"), e("longer")), MetadataVerdict::ShapeChanged);
        QCOMPARE(std::string(pairStatusName(PairStatus::OnlyInA)), std::string("only_in_a"));
    }
};

QTEST_GUILESS_MAIN(TestVariableMapping)
#include "tst_variable_mapping.moc"
