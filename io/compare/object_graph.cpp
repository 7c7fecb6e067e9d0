#include "io/compare/object_graph.h"

#include "io/object_graph_view.h"
#include "io/variable_tree.h"
#include "trackable_object_graph.pb.h"

#include <google/protobuf/arena.h>
#include <optional>

namespace tscope::io {

int ObjectGraph::child(int node, const std::string& name) const
{
    for (const auto& e : nodes[static_cast<size_t>(node)].children)
        if (e.name == name) return e.node;
    return -1;
}

Result<std::optional<ObjectGraph>> readObjectGraph(const BundleReader& bundle)
{
    const TensorEntry* entry = bundle.find(kObjectGraphKey);
    if (!entry) return std::optional<ObjectGraph> {};
    auto tensor = bundle.read(*entry);
    if (!tensor) return tensor.status();
    auto corrupt = [] {
        return Status(ErrorCode::Corrupt, "the object graph cannot be decoded")
            .withTensor(std::string(kObjectGraphKey));
    };
    if (tensor->stringValues().size() != 1) return corrupt();
    // Decoded in place (views into the bytes), as the variable tree does; only what that decoder declines
    // goes to protobuf, on an arena: for 100,000 variables, parsing and freeing ~500,000 messages took a
    // third of the compare window's time to its first paint.
    const std::string& bytes = tensor->stringValues()[0];
    ObjectGraphView proto;
    std::optional<google::protobuf::Arena> arena;
    if (!ObjectGraphView::decode(bytes, proto)) {
        arena.emplace();
        auto* parsed = google::protobuf::Arena::CreateMessage<tensorflow::TrackableObjectGraph>(&*arena);
        if (!parsed->ParseFromString(bytes)) return corrupt();
        proto = ObjectGraphView::fromProto(*parsed);
    }
    ObjectGraph graph;
    const int n = proto.nodes_size();
    auto valid = [n](int id) { return id >= 0 && id < n; };
    graph.nodes.resize(static_cast<size_t>(n));
    for (int id = 0; id < n; ++id) {
        const auto& p = proto.nodes(id);
        auto& node = graph.nodes[static_cast<size_t>(id)];
        node.children.reserve(p.children().size());
        for (const auto& c : p.children())
            if (valid(c.node_id())) node.children.push_back({ std::string(c.local_name()), c.node_id() });
        node.attributes.reserve(p.attributes().size());
        for (const auto& a : p.attributes())
            node.attributes.push_back({ std::string(a.name()), std::string(a.checkpoint_key()) });
        for (const auto& s : p.slot_variables())
            if (valid(s.original_variable_node_id()) && valid(s.slot_variable_node_id()))
                node.slots.push_back(
                    { s.original_variable_node_id(), s.slot_variable_node_id(), std::string(s.slot_name()) });
    }
    return std::optional<ObjectGraph> { std::move(graph) };
}

} // namespace tscope::io
