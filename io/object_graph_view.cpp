// Zero-copy decoding of a TrackableObjectGraph (field numbers from io/proto/trackable_object_graph.proto).
// Deliberately narrow: it accepts only input whose meaning is unambiguous (known fields with their
// declared wire types, valid UTF-8, lengths inside the buffer) and declines the rest, so protobuf stays
// the judge of everything unusual and both paths always agree.
#include "io/object_graph_view.h"

#include "io/json/utf8.h"
#include "trackable_object_graph.pb.h"

#include <limits>

namespace tscope::io {
namespace {

enum WireType : uint32_t { kVarint = 0, kLengthDelimited = 2 };

class WireReader {
public:
    explicit WireReader(std::string_view bytes)
        : m_p(reinterpret_cast<const uint8_t*>(bytes.data()))
        , m_end(m_p + bytes.size())
    { }

    bool done() const { return m_p == m_end; }

    // A varint of at most 10 bytes whose value fits 64 bits (a 10th byte above 1 is declined).
    bool varint(uint64_t& out)
    {
        out = 0;
        for (int i = 0; i < 10; ++i) {
            if (m_p == m_end) return false;
            const uint8_t b = *m_p++;
            if (i == 9 && b > 1) return false;
            out |= uint64_t(b & 0x7f) << (7 * i);
            if (!(b & 0x80)) return true;
        }
        return false;
    }
    // Field number and wire type; field 0 and numbers above 2^29-1 are declined.
    bool tag(uint32_t& field, uint32_t& wireType)
    {
        uint64_t t = 0;
        if (!varint(t) || t > std::numeric_limits<uint32_t>::max()) return false;
        field = static_cast<uint32_t>(t >> 3);
        wireType = static_cast<uint32_t>(t & 7);
        return field != 0;
    }
    bool bytes(std::string_view& out)
    {
        uint64_t length = 0;
        if (!varint(length) || length > static_cast<uint64_t>(m_end - m_p)) return false;
        out = std::string_view(reinterpret_cast<const char*>(m_p), static_cast<size_t>(length));
        m_p += length;
        return true;
    }
    // A proto3 `string`: protobuf refuses invalid UTF-8 in those.
    bool text(std::string_view& out) { return bytes(out) && json::isValidUtf8(out); }
    // int32 fields carry a varint truncated to its low 32 bits (negative values take 10 bytes).
    bool int32(int32_t& out)
    {
        uint64_t v = 0;
        if (!varint(v)) return false;
        out = static_cast<int32_t>(static_cast<uint32_t>(v));
        return true;
    }

private:
    const uint8_t* m_p;
    const uint8_t* m_end;
};

// Each message decoder visits (field, wire type) and returns false for anything it does not know.
template <typename Fn> bool forEachField(std::string_view bytes, Fn&& field)
{
    WireReader r(bytes);
    while (!r.done()) {
        uint32_t number = 0, wireType = 0;
        if (!r.tag(number, wireType) || !field(r, number, wireType)) return false;
    }
    return true;
}

bool decodeReference(std::string_view bytes, ObjectGraphView::ObjectReference& out)
{
    return forEachField(bytes, [&](WireReader& r, uint32_t number, uint32_t wireType) {
        if (number == 1 && wireType == kVarint) return r.int32(out.nodeId);
        if (number == 2 && wireType == kLengthDelimited) return r.text(out.localName);
        return false;
    });
}

bool decodeTensor(std::string_view bytes, ObjectGraphView::SerializedTensor& out)
{
    return forEachField(bytes, [&](WireReader& r, uint32_t number, uint32_t wireType) {
        if (wireType != kLengthDelimited) return false;
        if (number == 1) return r.text(out.nameText);
        if (number == 2) return r.text(out.fullNameText);
        if (number == 3) return r.text(out.checkpointKeyText);
        return false;
    });
}

bool decodeSlot(std::string_view bytes, ObjectGraphView::SlotVariableReference& out)
{
    return forEachField(bytes, [&](WireReader& r, uint32_t number, uint32_t wireType) {
        if (number == 1 && wireType == kVarint) return r.int32(out.originalNodeId);
        if (number == 2 && wireType == kLengthDelimited) return r.text(out.slotName);
        if (number == 3 && wireType == kVarint) return r.int32(out.slotNodeId);
        return false;
    });
}

// RegisteredSaver {string name = 1; string object_name = 2}: checked, not kept.
bool checkRegisteredSaver(std::string_view bytes)
{
    return forEachField(bytes, [](WireReader& r, uint32_t number, uint32_t wireType) {
        std::string_view ignored;
        return (number == 1 || number == 2) && wireType == kLengthDelimited && r.text(ignored);
    });
}

// google.protobuf.BoolValue {bool value = 1}: checked, not kept.
bool checkBoolValue(std::string_view bytes)
{
    return forEachField(bytes, [](WireReader& r, uint32_t number, uint32_t wireType) {
        uint64_t ignored = 0;
        return number == 1 && wireType == kVarint && r.varint(ignored);
    });
}

// How many nodes, children, attributes and slot references the serialized graph holds, from the tags
// alone: the arrays are then allocated once at their size. Growing them by doubling kept the old and the
// new buffer alive together (~6 MB more at the peak for 125,000 objects) and copied every element once
// more. Malformed bytes stop the count early; decode() then declines them itself.
struct GraphCounts {
    size_t nodes = 0, children = 0, attributes = 0, slots = 0;
};
GraphCounts countGraph(std::string_view bytes)
{
    GraphCounts counts;
    forEachField(bytes, [&](WireReader& r, uint32_t number, uint32_t wireType) {
        std::string_view node;
        if (number != 1 || wireType != kLengthDelimited || !r.bytes(node)) return false;
        ++counts.nodes;
        return forEachField(node, [&](WireReader& n, uint32_t field, uint32_t type) {
            std::string_view sub;
            if (type != kLengthDelimited || !n.bytes(sub)) return false;
            counts.children += field == 1;
            counts.attributes += field == 2;
            counts.slots += field == 3;
            return true;
        });
    });
    return counts;
}

} // namespace

bool ObjectGraphView::decode(std::string_view bytes, ObjectGraphView& out)
{
    out = ObjectGraphView();
    const GraphCounts counts = countGraph(bytes);
    out.m_childArray.reserve(counts.children);
    out.m_attributeArray.reserve(counts.attributes);
    out.m_slotArray.reserve(counts.slots);
    std::vector<Range> ranges;
    ranges.reserve(counts.nodes);
    const bool ok = forEachField(bytes, [&](WireReader& r, uint32_t number, uint32_t wireType) {
        std::string_view node;
        if (number != 1 || wireType != kLengthDelimited || !r.bytes(node)) return false;
        Range range;
        range.childBegin = range.childEnd = static_cast<uint32_t>(out.m_childArray.size());
        range.attrBegin = range.attrEnd = static_cast<uint32_t>(out.m_attributeArray.size());
        range.slotBegin = range.slotEnd = static_cast<uint32_t>(out.m_slotArray.size());
        const bool nodeOk = forEachField(node, [&](WireReader& n, uint32_t field, uint32_t type) {
            std::string_view sub;
            if (type != kLengthDelimited || !n.bytes(sub)) return false;
            switch (field) {
            case 1:
                return decodeReference(sub, out.m_childArray.emplace_back());
            case 2:
                return decodeTensor(sub, out.m_attributeArray.emplace_back());
            case 3:
                return decodeSlot(sub, out.m_slotArray.emplace_back());
            case 4:
                return checkRegisteredSaver(sub);
            case 5:
                return checkBoolValue(sub);
            default:
                return false;
            }
        });
        if (!nodeOk) return false;
        range.childEnd = static_cast<uint32_t>(out.m_childArray.size());
        range.attrEnd = static_cast<uint32_t>(out.m_attributeArray.size());
        range.slotEnd = static_cast<uint32_t>(out.m_slotArray.size());
        ranges.push_back(range);
        return true;
    });
    if (!ok) {
        out = ObjectGraphView();
        return false;
    }
    out.finish(ranges);
    return true;
}

ObjectGraphView ObjectGraphView::fromProto(const tensorflow::TrackableObjectGraph& graph)
{
    ObjectGraphView out;
    std::vector<Range> ranges;
    ranges.reserve(static_cast<size_t>(graph.nodes_size()));
    for (const auto& node : graph.nodes()) {
        Range range;
        range.childBegin = static_cast<uint32_t>(out.m_childArray.size());
        for (const auto& c : node.children())
            out.m_childArray.push_back({ c.node_id(), c.local_name() });
        range.childEnd = static_cast<uint32_t>(out.m_childArray.size());
        range.attrBegin = static_cast<uint32_t>(out.m_attributeArray.size());
        for (const auto& a : node.attributes())
            out.m_attributeArray.push_back({ a.name(), a.full_name(), a.checkpoint_key() });
        range.attrEnd = static_cast<uint32_t>(out.m_attributeArray.size());
        range.slotBegin = static_cast<uint32_t>(out.m_slotArray.size());
        for (const auto& s : node.slot_variables())
            out.m_slotArray.push_back(
                { s.original_variable_node_id(), s.slot_variable_node_id(), s.slot_name() });
        range.slotEnd = static_cast<uint32_t>(out.m_slotArray.size());
        ranges.push_back(range);
    }
    out.finish(ranges);
    return out;
}

void ObjectGraphView::finish(const std::vector<Range>& ranges)
{
    // The arrays are complete: only now are their buffers where the spans may point.
    m_nodes.resize(ranges.size());
    auto span = [](const auto& array, uint32_t begin, uint32_t end) {
        return std::span(array.data() + begin, end - begin);
    };
    for (size_t i = 0; i < ranges.size(); ++i) {
        const Range& r = ranges[i];
        m_nodes[i].m_children = span(m_childArray, r.childBegin, r.childEnd);
        m_nodes[i].m_attributes = span(m_attributeArray, r.attrBegin, r.attrEnd);
        m_nodes[i].m_slots = span(m_slotArray, r.slotBegin, r.slotEnd);
    }
}

} // namespace tscope::io
