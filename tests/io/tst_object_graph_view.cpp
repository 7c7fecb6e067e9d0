// The zero-copy TrackableObjectGraph decoder against protobuf: whatever it accepts reads exactly as
// protobuf's parse, and whatever it declines is left to protobuf (unknown fields, invalid UTF-8, damage).
#include "io/object_graph_view.h"
#include "io/varint.h"
#include "trackable_object_graph.pb.h"

#include <QtTest>
#include <random>

using namespace tscope::io;
using Graph = tensorflow::TrackableObjectGraph;

namespace {

// Every field of the view, in order, as text: two views are equal when their dumps are.
std::string dump(const ObjectGraphView& g)
{
    std::string out;
    for (int id = 0; id < g.nodes_size(); ++id) {
        out += "node " + std::to_string(id) + "\n";
        for (const auto& c : g.nodes(id).children())
            out += " child " + std::to_string(c.node_id()) + " " + std::string(c.local_name()) + "\n";
        for (const auto& a : g.nodes(id).attributes())
            out += " attr " + std::string(a.name()) + "|" + std::string(a.full_name()) + "|"
                + std::string(a.checkpoint_key()) + "\n";
        for (const auto& s : g.nodes(id).slot_variables())
            out += " slot " + std::to_string(s.original_variable_node_id()) + " "
                + std::to_string(s.slot_variable_node_id()) + " " + std::string(s.slot_name()) + "\n";
    }
    return out;
}

// A graph with every field TensorFlow writes: children, attributes, slot references, a registered
// saver and has_checkpoint_values.
Graph sampleGraph()
{
    Graph g;
    auto* root = g.add_nodes();
    auto child = [](Graph::TrackableObject* n, int id, const std::string& name) {
        auto* c = n->add_children();
        c->set_node_id(id);
        c->set_local_name(name);
    };
    child(root, 1, "model");
    child(root, 2, "optimizer");
    child(root, 4, "save_counter");
    auto* model = g.add_nodes();
    child(model, 3, "kernel");
    model->mutable_has_checkpoint_values()->set_value(true);
    auto* optimizer = g.add_nodes();
    auto* slot = optimizer->add_slot_variables();
    slot->set_original_variable_node_id(3);
    slot->set_slot_variable_node_id(5);
    slot->set_slot_name("m");
    auto* kernel = g.add_nodes();
    auto* attr = kernel->add_attributes();
    attr->set_name("VARIABLE_VALUE");
    attr->set_full_name("dense/kernel");
    attr->set_checkpoint_key("model/kernel/.ATTRIBUTES/VARIABLE_VALUE");
    auto* counter = g.add_nodes();
    counter->mutable_registered_saver()->set_name("tf.counter");
    counter->mutable_registered_saver()->set_object_name("save_counter");
    g.add_nodes()->add_attributes()->set_checkpoint_key(
        "model/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/"
        "VARIABLE_VALUE");
    return g;
}

// Wraps the bytes of one TrackableObject as the graph's only node.
std::string graphOfNode(const std::string& node)
{
    std::string out(1, static_cast<char>((1 << 3) | 2));
    appendVarint64(out, node.size());
    return out + node;
}

} // namespace

class TestObjectGraphView : public QObject {
    Q_OBJECT
private slots:
    void decodesWhatProtobufWrote()
    {
        const Graph g = sampleGraph();
        const std::string bytes = g.SerializeAsString();
        ObjectGraphView view;
        QVERIFY(ObjectGraphView::decode(bytes, view));
        Graph parsed;
        QVERIFY(parsed.ParseFromString(bytes));
        QCOMPARE(dump(view), dump(ObjectGraphView::fromProto(parsed)));
        QCOMPARE(view.nodes_size(), 6);
        QCOMPARE(view.nodes(0).children().size(), size_t(3));
        QCOMPARE(view.nodes(3).attributes()[0].checkpoint_key(),
            std::string_view("model/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
        // Views into the bytes, not copies.
        const char* local = view.nodes(0).children()[0].local_name().data();
        QVERIFY(local >= bytes.data() && local < bytes.data() + bytes.size());
    }

    void emptyBytesAreAnEmptyGraph()
    {
        ObjectGraphView view;
        QVERIFY(ObjectGraphView::decode({}, view));
        QCOMPARE(view.nodes_size(), 0);
    }

    void negativeIdsAndRepeatedScalarsReadAsProtobufReadsThem()
    {
        // node_id written twice (the last one counts) and a negative id (ten bytes, truncated to int32).
        std::string reference;
        reference += char(1 << 3);
        appendVarint64(reference, 7);
        reference += char(1 << 3);
        appendVarint64(reference, static_cast<uint64_t>(int64_t(-3)));
        reference += char((2 << 3) | 2);
        reference += char(1);
        reference += 'x';
        std::string node(1, char((1 << 3) | 2));
        appendVarint64(node, reference.size());
        node += reference;
        const std::string bytes = graphOfNode(node);
        ObjectGraphView view;
        QVERIFY(ObjectGraphView::decode(bytes, view));
        Graph parsed;
        QVERIFY(parsed.ParseFromString(bytes));
        QCOMPARE(parsed.nodes(0).children(0).node_id(), -3);
        QCOMPARE(dump(view), dump(ObjectGraphView::fromProto(parsed)));
    }

    void declinesUnknownFieldsForProtobufToDecide()
    {
        // Field 9 of TrackableObject: protobuf keeps it as unknown and parses; the decoder declines.
        std::string node(1, char(9 << 3));
        appendVarint64(node, 1);
        const std::string bytes = graphOfNode(node);
        ObjectGraphView view;
        QVERIFY(!ObjectGraphView::decode(bytes, view));
        QCOMPARE(view.nodes_size(), 0);
        Graph parsed;
        QVERIFY(parsed.ParseFromString(bytes));
    }

    void declinesInvalidUtf8AndDamage()
    {
        Graph g = sampleGraph();
        g.mutable_nodes(0)->mutable_children(0)->set_local_name("ok");
        std::string bytes = g.SerializeAsString();
        const auto at = bytes.find("ok");
        QVERIFY(at != std::string::npos);
        std::string badUtf8 = bytes;
        badUtf8[at] = char(0xC0); // an overlong lead byte
        Graph parsed;
        ObjectGraphView view;
        QVERIFY(!ObjectGraphView::decode(badUtf8, view));
        QVERIFY(!parsed.ParseFromString(badUtf8)); // proto3 strings must be UTF-8
        // Cut anywhere: both fail, or both succeed (at a node boundary) with the same content.
        for (size_t cut = 0; cut < bytes.size(); ++cut) {
            const std::string truncated = bytes.substr(0, cut);
            const bool decoded = ObjectGraphView::decode(truncated, view);
            QCOMPARE(decoded, parsed.ParseFromString(truncated));
            if (decoded) QCOMPARE(dump(view), dump(ObjectGraphView::fromProto(parsed)));
        }
        // A known field with the wrong wire type: protobuf treats it as unknown; the decoder declines.
        const std::string wrongType = graphOfNode(std::string { char((1 << 3) | 0), char(5) });
        QVERIFY(!ObjectGraphView::decode(wrongType, view));
        QVERIFY(parsed.ParseFromString(wrongType));
    }

    // Random damage (fixed seed, raw generator output only: the same bytes everywhere): whatever the
    // decoder accepts, protobuf accepts too and reads the same.
    void acceptsOnlyWhatProtobufReadsTheSame()
    {
        const std::string original = sampleGraph().SerializeAsString();
        std::mt19937 random(15);
        int accepted = 0;
        for (int round = 0; round < 3000; ++round) {
            std::string bytes = original;
            const int edits = 1 + static_cast<int>(random() % 3);
            for (int k = 0; k < edits; ++k)
                bytes[random() % bytes.size()] = static_cast<char>(random() & 0xff);
            ObjectGraphView view;
            if (!ObjectGraphView::decode(bytes, view)) continue;
            ++accepted;
            Graph parsed;
            QVERIFY2(parsed.ParseFromString(bytes), std::to_string(round).c_str());
            QCOMPARE(dump(view), dump(ObjectGraphView::fromProto(parsed)));
        }
        QVERIFY(accepted > 0); // some damage (inside names) leaves a valid graph
    }

    void survivesMoves()
    {
        const std::string bytes = sampleGraph().SerializeAsString();
        ObjectGraphView view;
        QVERIFY(ObjectGraphView::decode(bytes, view));
        const std::string before = dump(view);
        ObjectGraphView moved = std::move(view);
        QCOMPARE(dump(moved), before);
    }
};

QTEST_APPLESS_MAIN(TestObjectGraphView)
#include "tst_object_graph_view.moc"
