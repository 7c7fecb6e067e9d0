#include "io/compare/object_graph.h"

#include "io/variable_tree.h"
#include "trackable_object_graph.pb.h"

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
    tensorflow::TrackableObjectGraph proto;
    if (tensor->stringValues().size() != 1 || !proto.ParseFromString(tensor->stringValues()[0]))
        return Status(ErrorCode::Corrupt, "the object graph cannot be decoded")
            .withTensor(std::string(kObjectGraphKey));
    ObjectGraph graph;
    const int n = proto.nodes_size();
    auto valid = [n](int id) { return id >= 0 && id < n; };
    graph.nodes.resize(static_cast<size_t>(n));
    for (int id = 0; id < n; ++id) {
        const auto& p = proto.nodes(id);
        auto& node = graph.nodes[static_cast<size_t>(id)];
        for (const auto& c : p.children())
            if (valid(c.node_id())) node.children.push_back({ c.local_name(), c.node_id() });
        for (const auto& a : p.attributes())
            node.attributes.push_back({ a.name(), a.checkpoint_key() });
        for (const auto& s : p.slot_variables())
            if (valid(s.original_variable_node_id()) && valid(s.slot_variable_node_id()))
                node.slots.push_back(
                    { s.original_variable_node_id(), s.slot_variable_node_id(), s.slot_name() });
    }
    return std::optional<ObjectGraph> { std::move(graph) };
}

} // namespace tscope::io
