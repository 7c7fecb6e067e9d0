// A TrackableObjectGraph as flat arrays of views into its serialized bytes: what the tree builder and the
// optimizer-slot inference read, without building ~500,000 protobuf messages for 100,000 variables.
// The accessors mirror the proto's (nodes_size(), nodes(id).children(), c.local_name()...) so code reads
// the same over either; the strings are views, valid as long as the bytes (or the proto) they came from.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tensorflow {
class TrackableObjectGraph;
}

namespace tscope::io {

class ObjectGraphView {
public:
    struct ObjectReference {
        int32_t nodeId = 0;
        std::string_view localName;
        int node_id() const { return nodeId; }
        std::string_view local_name() const { return localName; }
    };
    struct SerializedTensor {
        std::string_view nameText, fullNameText, checkpointKeyText;
        std::string_view name() const { return nameText; }
        std::string_view full_name() const { return fullNameText; }
        std::string_view checkpoint_key() const { return checkpointKeyText; }
    };
    struct SlotVariableReference {
        int32_t originalNodeId = 0;
        int32_t slotNodeId = 0;
        std::string_view slotName;
        int original_variable_node_id() const { return originalNodeId; }
        int slot_variable_node_id() const { return slotNodeId; }
        std::string_view slot_name() const { return slotName; }
    };

    // One node: its three repeated fields, each a contiguous range of the arrays below.
    class Node {
    public:
        std::span<const ObjectReference> children() const { return m_children; }
        std::span<const SerializedTensor> attributes() const { return m_attributes; }
        std::span<const SlotVariableReference> slot_variables() const { return m_slots; }

    private:
        friend class ObjectGraphView;
        std::span<const ObjectReference> m_children;
        std::span<const SerializedTensor> m_attributes;
        std::span<const SlotVariableReference> m_slots;
    };

    // Decodes the serialized graph directly. False for anything the fast decoder does not handle exactly
    // as protobuf would (unknown fields, invalid UTF-8, malformed bytes): the caller then parses with
    // protobuf, which decides, and uses fromProto().
    static bool decode(std::string_view bytes, ObjectGraphView& out);
    // Views into a parsed proto (which must outlive the view).
    static ObjectGraphView fromProto(const tensorflow::TrackableObjectGraph& graph);

    ObjectGraphView() = default;
    // Moves keep the arrays' buffers (the nodes' spans stay valid); copies would not.
    ObjectGraphView(ObjectGraphView&&) = default;
    ObjectGraphView& operator=(ObjectGraphView&&) = default;
    ObjectGraphView(const ObjectGraphView&) = delete;
    ObjectGraphView& operator=(const ObjectGraphView&) = delete;

    int nodes_size() const { return static_cast<int>(m_nodes.size()); }
    const Node& nodes(int id) const { return m_nodes[static_cast<size_t>(id)]; }

private:
    struct Range {
        uint32_t childBegin = 0, childEnd = 0, attrBegin = 0, attrEnd = 0, slotBegin = 0, slotEnd = 0;
    };
    void finish(const std::vector<Range>& ranges); // points every Node's spans into the arrays

    std::vector<Node> m_nodes;
    std::vector<ObjectReference> m_childArray;
    std::vector<SerializedTensor> m_attributeArray;
    std::vector<SlotVariableReference> m_slotArray;
};

} // namespace tscope::io
