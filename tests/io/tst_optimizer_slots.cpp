// Slot inference for the Keras optimizers of TF >= 2.11 (io/optimizer_slots): hand-made object graphs for
// the layouts that must be linked, and those that must stay undecided (frozen layers among identical
// shapes, lists that do not fit), then TensorFlow's own checkpoints from tests/fixtures.
#include "io/artifact.h"
#include "io/bundle_writer.h"
#include "io/optimizer_slots.h"
#include "io/variable_tree.h"
#include "trackable_object_graph.pb.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <map>

using namespace tscope::io;
namespace fs = std::filesystem;

namespace {

// A graph under construction: node 0 is the root; variables get one bundle entry each.
class GraphBuilder {
public:
    GraphBuilder() { node(""); }

    int node(const std::string& path)
    {
        m_graph.add_nodes();
        m_path.push_back(path);
        m_variableEntry.push_back(-1);
        return m_graph.nodes_size() - 1;
    }
    int variable(const std::string& path, Shape shape, DType dtype = DType::Float)
    {
        const int id = node(path);
        TensorEntry e;
        e.key = path + "/.ATTRIBUTES/VARIABLE_VALUE";
        e.dtype = dtype;
        e.shape = std::move(shape);
        e.elements = shapeElementCount(e.shape).value_or(0);
        m_variableEntry.back() = static_cast<int>(m_entries.size());
        auto* attr = m_graph.mutable_nodes(id)->add_attributes();
        attr->set_name("VARIABLE_VALUE");
        attr->set_full_name(path);
        attr->set_checkpoint_key(e.key);
        m_entries.push_back(std::move(e));
        return id;
    }
    // The graph and its variables (zeros) as a real bundle at `prefix`.
    Status write(const fs::path& prefix) const
    {
        std::map<std::string, const TensorEntry*> sorted;
        for (const auto& e : m_entries)
            sorted[e.key] = &e;
        BundleWriter w(prefix);
        std::string graph;
        m_graph.SerializeToString(&graph);
        if (auto st = w.addStrings(std::string(kObjectGraphKey), {}, { graph }); !st) return st;
        for (const auto& [key, e] : sorted) {
            std::vector<std::byte> zeros(e->byteSize());
            if (auto st = w.add(key, e->dtype, e->shape, zeros); !st) return st;
        }
        return w.finish();
    }
    void edge(int parent, const std::string& name, int child)
    {
        auto* ref = m_graph.mutable_nodes(parent)->add_children();
        ref->set_node_id(child);
        ref->set_local_name(name);
    }
    // A tracked list `parent.name = [elements]`.
    int list(int parent, const std::string& name, const std::vector<int>& elements)
    {
        const int id = node(m_path[static_cast<size_t>(parent)] + "/" + name);
        edge(parent, name, id);
        for (size_t i = 0; i < elements.size(); ++i)
            edge(id, std::to_string(i), elements[i]);
        return id;
    }

    std::vector<InferredSlot> infer() const
    {
        std::vector<char> none(static_cast<size_t>(m_graph.nodes_size()), 0);
        // Through the decoder the tree builder uses: the serialized graph, decoded in place.
        const std::string bytes = m_graph.SerializeAsString();
        ObjectGraphView view;
        if (!ObjectGraphView::decode(bytes, view))
            qFatal("the object graph decoder declined a graph protobuf wrote");
        return inferKerasOptimizerSlots({ view, m_path, m_variableEntry, m_entries }, none);
    }
    const std::string& key(int node) const
    {
        return m_entries[static_cast<size_t>(m_variableEntry[static_cast<size_t>(node)])].key;
    }

private:
    tensorflow::TrackableObjectGraph m_graph;
    std::vector<std::string> m_path;
    std::vector<int> m_variableEntry;
    std::vector<TensorEntry> m_entries;
};

// A model of `shapes.size()` layers (kernel, bias each) under root/model, in order.
struct Model {
    std::vector<int> variables; // kernel0, bias0, kernel1, ...
};

Model addModel(GraphBuilder& g, const std::vector<std::pair<Shape, Shape>>& layers)
{
    Model m;
    const int model = g.node("model");
    g.edge(0, "model", model);
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::string lp = "model/layer_with_weights-" + std::to_string(i);
        const int layer = g.node(lp);
        g.edge(model, "layer_with_weights-" + std::to_string(i), layer);
        const int k = g.variable(lp + "/kernel", layers[i].first);
        const int b = g.variable(lp + "/bias", layers[i].second);
        g.edge(layer, "kernel", k);
        g.edge(layer, "bias", b);
        m.variables.push_back(k);
        m.variables.push_back(b);
    }
    return m;
}

// A Keras 2.11+ Adam over `trained` (model variables, in order): _variables = [iterations, m0, v0, m1, ...].
struct Optimizer {
    int node = -1;
    std::vector<int> m, v;
};

Optimizer addAdam(
    GraphBuilder& g, const std::vector<int>& trained, const std::vector<Shape>& shapes, bool keras3)
{
    Optimizer o;
    o.node = g.node("optimizer");
    g.edge(0, "optimizer", o.node);
    const int iterations = g.variable("optimizer/_iterations", {}, DType::Int64);
    std::vector<int> all = { iterations };
    for (size_t i = 0; i < trained.size(); ++i) {
        o.m.push_back(g.variable("optimizer/_variables/" + std::to_string(all.size()), shapes[i]));
        all.push_back(o.m.back());
        o.v.push_back(g.variable("optimizer/_variables/" + std::to_string(all.size()), shapes[i]));
        all.push_back(o.v.back());
    }
    g.list(o.node, "_variables", all);
    if (keras3) g.list(o.node, "_trainable_variables", trained);
    g.edge(o.node, "_iterations", iterations);
    g.list(o.node, "_momentums", o.m);
    g.list(o.node, "_velocities", o.v);
    return o;
}

std::map<int, InferredSlot> byNode(const std::vector<InferredSlot>& found)
{
    std::map<int, InferredSlot> out;
    for (const auto& s : found)
        out[s.node] = s;
    return out;
}

const fs::path kFixtures = TSCOPE_FIXTURES_DIR;

} // namespace

class TestOptimizerSlots : public QObject {
    Q_OBJECT
private slots:
    void keras2DistinctShapesAreInferred()
    {
        GraphBuilder g;
        const Model model = addModel(g, { { { 3, 4 }, { 4 } }, { { 4, 2 }, { 2 } } });
        const Optimizer opt = addAdam(g, model.variables, { { 3, 4 }, { 4 }, { 4, 2 }, { 2 } }, false);
        const auto found = byNode(g.infer());
        QCOMPARE(found.size(), size_t(8));
        for (size_t i = 0; i < model.variables.size(); ++i) {
            const auto& m = found.at(opt.m[i]);
            QCOMPARE(m.link.confidence, SlotLinkConfidence::Inferred);
            QCOMPARE(m.link.variableKey, g.key(model.variables[i]));
            QCOMPARE(m.link.slotName, std::string("m"));
            QCOMPARE(found.at(opt.v[i]).link.slotName, std::string("v"));
            QCOMPARE(found.at(opt.v[i]).variableNode, model.variables[i]);
            QVERIFY(!m.link.reason.empty());
        }
    }

    void keras2IdenticalShapesAllTrainedAreInferred()
    {
        // Three identical layers, all trained: taking every candidate is the only order-preserving choice.
        GraphBuilder g;
        const Model model = addModel(g, { { { 4, 4 }, { 4 } }, { { 4, 4 }, { 4 } }, { { 4, 4 }, { 4 } } });
        std::vector<Shape> shapes;
        for (int i = 0; i < 3; ++i)
            shapes.insert(shapes.end(), { { 4, 4 }, { 4 } });
        const Optimizer opt = addAdam(g, model.variables, shapes, false);
        const auto found = byNode(g.infer());
        for (size_t i = 0; i < model.variables.size(); ++i)
            QCOMPARE(found.at(opt.m[i]).variableNode, model.variables[i]);
    }

    void keras2FrozenLayerAmongIdenticalShapesIsAmbiguous()
    {
        // The middle layer is frozen: 4 slots per list, 6 candidates of two shapes: several choices fit.
        GraphBuilder g;
        const Model model = addModel(g, { { { 4, 4 }, { 4 } }, { { 4, 4 }, { 4 } }, { { 4, 4 }, { 4 } } });
        const std::vector<int> trained
            = { model.variables[0], model.variables[1], model.variables[4], model.variables[5] };
        const Optimizer opt = addAdam(g, trained, { { 4, 4 }, { 4 }, { 4, 4 }, { 4 } }, false);
        for (const auto& s : g.infer()) {
            QCOMPARE(s.link.confidence, SlotLinkConfidence::Ambiguous);
            QVERIFY(s.link.variableKey.empty());
            QVERIFY(s.variableNode < 0);
            QVERIFY(s.link.reason.find("2 model variables fit") != std::string::npos);
        }
        Q_UNUSED(opt);
    }

    void keras2FrozenLayerWithDistinctShapesIsDecided()
    {
        // Shapes (3,4) (4) | frozen (4,5) (5) | (5,2) (2): only one choice fits, frozen layer or not.
        GraphBuilder g;
        const Model model = addModel(g, { { { 3, 4 }, { 4 } }, { { 4, 5 }, { 5 } }, { { 5, 2 }, { 2 } } });
        const std::vector<int> trained
            = { model.variables[0], model.variables[1], model.variables[4], model.variables[5] };
        const Optimizer opt = addAdam(g, trained, { { 3, 4 }, { 4 }, { 5, 2 }, { 2 } }, false);
        const auto found = byNode(g.infer());
        for (size_t i = 0; i < trained.size(); ++i) {
            QCOMPARE(found.at(opt.m[i]).link.confidence, SlotLinkConfidence::Inferred);
            QCOMPARE(found.at(opt.m[i]).variableNode, trained[i]);
        }
    }

    void keras2PartlyDecided()
    {
        // The first layer is unique; two identical layers follow and the last one is frozen. The first
        // kernel's slots are decided; the first bias's are not (bias 0 or bias 1 fit before kernel 2), nor
        // are the second layer's.
        GraphBuilder g;
        const Model model = addModel(g, { { { 3, 4 }, { 4 } }, { { 4, 4 }, { 4 } }, { { 4, 4 }, { 4 } } });
        const std::vector<int> trained
            = { model.variables[0], model.variables[1], model.variables[2], model.variables[3] };
        const Optimizer opt = addAdam(g, trained, { { 3, 4 }, { 4 }, { 4, 4 }, { 4 } }, false);
        const auto found = byNode(g.infer());
        QCOMPARE(found.at(opt.m[0]).link.confidence, SlotLinkConfidence::Inferred);
        QCOMPARE(found.at(opt.m[0]).variableNode, model.variables[0]);
        QCOMPARE(found.at(opt.v[0]).variableNode, model.variables[0]);
        QCOMPARE(found.at(opt.v[1]).link.confidence, SlotLinkConfidence::Ambiguous);
        QCOMPARE(found.at(opt.m[2]).link.confidence, SlotLinkConfidence::Ambiguous);
        QCOMPARE(found.at(opt.v[3]).link.confidence, SlotLinkConfidence::Ambiguous);
    }

    void keras2LargeModelEveryVariableTrained()
    {
        // 3000 layers of identical shapes, all trained: decided without the quadratic match.
        GraphBuilder g;
        std::vector<std::pair<Shape, Shape>> layers(3000, { { 4, 4 }, { 4 } });
        const Model model = addModel(g, layers);
        std::vector<Shape> shapes;
        for (size_t i = 0; i < layers.size(); ++i)
            shapes.insert(shapes.end(), { { 4, 4 }, { 4 } });
        const Optimizer opt = addAdam(g, model.variables, shapes, false);
        QElapsedTimer timer;
        timer.start();
        const auto found = byNode(g.infer());
        qInfo("inferred %zu slots of %zu variables in %lld ms", found.size(), model.variables.size(),
            static_cast<long long>(timer.elapsed()));
        for (size_t i = 0; i < model.variables.size(); i += 997) {
            QCOMPARE(found.at(opt.m[i]).link.confidence, SlotLinkConfidence::Inferred);
            QCOMPARE(found.at(opt.v[i]).variableNode, model.variables[i]);
        }
    }

    void keras2TooLargeToMatchIsUnlinked()
    {
        // 3000 trained of 3001 identical-shape candidates: the match would need 9M cells; say so.
        GraphBuilder g;
        std::vector<std::pair<Shape, Shape>> layers(1501, { { 4, 4 }, { 4, 4 } });
        const Model model = addModel(g, layers);
        std::vector<int> trained(model.variables.begin() + 2, model.variables.end());
        const Optimizer opt = addAdam(g, trained, std::vector<Shape>(trained.size(), { 4, 4 }), false);
        const auto found = byNode(g.infer());
        QCOMPARE(found.at(opt.m[0]).link.confidence, SlotLinkConfidence::Unlinked);
        QVERIFY(found.at(opt.m[0]).link.reason.find("too many variables") != std::string::npos);
    }

    void keras2NoFitIsUnlinked()
    {
        GraphBuilder g;
        const Model model = addModel(g, { { { 3, 4 }, { 4 } } });
        const Optimizer opt = addAdam(g, model.variables, { { 4, 3 }, { 4 } }, false); // a transposed slot
        for (const auto& s : g.infer())
            QCOMPARE(s.link.confidence, SlotLinkConfidence::Unlinked);
        Q_UNUSED(opt);
    }

    void keras3LinksByPosition()
    {
        // Identical shapes and a frozen layer do not matter: _trainable_variables records the order.
        GraphBuilder g;
        const Model model = addModel(g, { { { 4, 4 }, { 4 } }, { { 4, 4 }, { 4 } }, { { 4, 4 }, { 4 } } });
        const std::vector<int> trained = { model.variables[4], model.variables[5], model.variables[0],
            model.variables[1] }; // deliberately not the model's order
        const Optimizer opt = addAdam(g, trained, { { 4, 4 }, { 4 }, { 4, 4 }, { 4 } }, true);
        const auto found = byNode(g.infer());
        for (size_t i = 0; i < trained.size(); ++i) {
            QCOMPARE(found.at(opt.m[i]).link.confidence, SlotLinkConfidence::Inferred);
            QCOMPARE(found.at(opt.m[i]).variableNode, trained[i]);
            QCOMPARE(found.at(opt.m[i]).link.slotName, std::string("momentum"));
            QCOMPARE(found.at(opt.v[i]).link.slotName, std::string("velocity"));
        }
    }

    void keras3ShapeMismatchIsUnlinked()
    {
        GraphBuilder g;
        const Model model = addModel(g, { { { 3, 4 }, { 4 } } });
        const Optimizer opt = addAdam(g, model.variables, { { 4 }, { 3, 4 } }, true); // swapped
        for (const auto& s : g.infer())
            QCOMPARE(s.link.confidence, SlotLinkConfidence::Unlinked);
        Q_UNUSED(opt);
    }

    void optimizerVariableInNoListIsUnlinked()
    {
        // An optimizer variable that only `_variables` holds (a factored second moment): never linked.
        GraphBuilder g;
        const Model model = addModel(g, { { { 3, 4 }, { 4 } } });
        const int opt = g.node("optimizer");
        g.edge(0, "optimizer", opt);
        const int it = g.variable("optimizer/_iterations", {}, DType::Int64);
        const int r = g.variable("optimizer/_variables/1", { 3 });
        g.list(opt, "_variables", { it, r });
        g.edge(opt, "_iterations", it);
        const auto found = g.infer();
        QCOMPARE(found.size(), size_t(1));
        QCOMPARE(found[0].node, r);
        QCOMPARE(found[0].link.confidence, SlotLinkConfidence::Unlinked);
        Q_UNUSED(model);
    }

    // A Keras 3 checkpoint whose model object reaches none of its weights (as the issue saw with TF 2.16+):
    // they are the model's, found through the optimizer, and a Note says non-trainable ones are absent.
    void keras3WeightsOnlyThroughTheOptimizer()
    {
        GraphBuilder g;
        const int model = g.node("model");
        g.edge(0, "model", model);
        const int w = g.variable("optimizer/_trainable_variables/0", { 3, 4 });
        const int b = g.variable("optimizer/_trainable_variables/1", { 4 });
        const Optimizer opt = addAdam(g, { w, b }, { { 3, 4 }, { 4 } }, true);
        QTemporaryDir dir;
        const fs::path prefix = fs::path(dir.path().toStdString()) / "ckpt";
        const Status written = g.write(prefix);
        QVERIFY2(written.isOk(), written.toString().c_str());
        auto bundle = BundleReader::open(prefix);
        if (!bundle) QFAIL(bundle.status().toString().c_str());
        const VariableTree tree = buildVariableTree(**bundle);
        QVERIFY(tree.objectBased);
        QCOMPARE(tree.weightsThroughOptimizer, 2);
        int notes = 0;
        for (const auto& st : tree.warnings)
            notes += st.code() == ErrorCode::Note
                && st.message().find("not in this checkpoint") != std::string::npos;
        QCOMPARE(notes, 1);
        const int we = (*bundle)->indexOf(g.key(w));
        QVERIFY(!tree.annotations[static_cast<size_t>(we)].optimizerState);
        QCOMPARE(tree.annotations[static_cast<size_t>(we)].details().foundAt,
            std::string("optimizer/_trainable_variables/0"));
        const int m0 = (*bundle)->indexOf(g.key(opt.m[0]));
        QCOMPARE(tree.annotations[static_cast<size_t>(m0)].details().slotLink.confidence,
            SlotLinkConfidence::Inferred);
        QCOMPARE(tree.annotations[static_cast<size_t>(m0)].details().slotLink.variableKey, g.key(w));
        bool labelled = false;
        for (const auto& n : tree.nodes)
            labelled = labelled
                || (n.entry == we && n.label() == "a model weight, reachable only through the optimizer");
        QVERIFY(labelled);
    }

    void linkText()
    {
        SlotLink l;
        l.confidence = SlotLinkConfidence::Inferred;
        l.slotName = "m";
        l.variablePath = "model/dense/kernel";
        QCOMPARE(slotLinkText(l), std::string("inferred: m of model/dense/kernel"));
        l.confidence = SlotLinkConfidence::Ambiguous;
        l.optimizerPath = "optimizer";
        QVERIFY(slotLinkText(l).starts_with("ambiguous: m of optimizer"));
    }

    // TensorFlow's checkpoints: Keras 2 cannot decide a frozen layer among identical shapes, Keras 3 can.
    void fixtureFrozenLayer_data()
    {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<int>("confidence");
        QTest::newRow("tf215") << "tf215" << static_cast<int>(SlotLinkConfidence::Ambiguous);
        QTest::newRow("tfcur") << "tfcur" << static_cast<int>(SlotLinkConfidence::Inferred);
    }
    void fixtureFrozenLayer()
    {
        QFETCH(QString, tag);
        QFETCH(int, confidence);
        const fs::path p
            = kFixtures / tag.toStdString() / "ckpt_optimizers_adversarial/frozen_layer/ckpt.index";
        if (!fs::exists(p)) QSKIP("fixture not generated");
        auto a = openArtifact(p);
        if (!a) QFAIL(a.status().toString().c_str());
        int found = 0;
        for (const auto& an : (*a)->tree.annotations)
            if (an.details().slotLink.confidence != SlotLinkConfidence::None) {
                ++found;
                QCOMPARE(static_cast<int>(an.details().slotLink.confidence), confidence);
                QVERIFY(an.optimizerState);
                QCOMPARE(an.role, EntryRole::Variable); // role Slot stays for graph-recorded links
            }
        QCOMPARE(found, 8);
    }

    void keras3WeightsShownUnderTheModel()
    {
        const fs::path p = kFixtures / "tfcur/ckpt_optimizers_defaults/adam/ckpt.index";
        if (!fs::exists(p)) QSKIP("fixture not generated");
        auto a = openArtifact(p);
        if (!a) QFAIL(a.status().toString().c_str());
        const Artifact& art = **a;
        int found = 0;
        for (size_t e = 0; e < art.tree.annotations.size(); ++e) {
            const auto& an = art.tree.annotations[e];
            if (an.details().foundAt.empty()) continue;
            ++found;
            QVERIFY(an.details().foundAt.starts_with("optimizer/_trainable_variables/"));
            QVERIFY(!an.optimizerState); // the model's weights, not optimizer state
        }
        QCOMPARE(found, 4);
        QCOMPARE(art.tree.weightsThroughOptimizer, 4);
        // In the tree they sit under model/, labelled with where they were found.
        int underModel = 0;
        for (const auto& n : art.tree.nodes) {
            if (n.entry < 0 || art.tree.annotations[static_cast<size_t>(n.entry)].details().foundAt.empty())
                continue;
            int top = n.parent;
            while (top > 0 && art.tree.nodes[static_cast<size_t>(top)].parent > 0)
                top = art.tree.nodes[static_cast<size_t>(top)].parent;
            QCOMPARE(art.tree.nodes[static_cast<size_t>(top)].name, std::string("model"));
            QVERIFY(n.label().starts_with("found at optimizer/_trainable_variables/"));
            ++underModel;
        }
        QCOMPARE(underModel, 4);
        // The optimizer totals hold the slots and the optimizer's own state only.
        const auto opt = art.optimizerTotals();
        QCOMPARE(opt.variables, uint64_t(8 + 2));
    }
};

QTEST_GUILESS_MAIN(TestOptimizerSlots)
#include "tst_optimizer_slots.moc"
