#include "io/export/tf1_graph.h"

#include "io/dtype.h"
#include "io/shape_proto.h"
#include "meta_graph.pb.h"

#include <charconv>
#include <fstream>
#include <map>

namespace tscope::io {
namespace {

constexpr int kRefOffset = 100; // DataType: a _REF type is its base type + 100

bool isPlaceholderOp(const std::string& op)
{
    return op == "Placeholder" || op == "PlaceholderV2" || op == "PlaceholderWithDefault";
}

// An attr of the node, or the op definition's default when the graph left it out (strip_default_attrs).
const tensorflow::AttrValue* attrOf(
    const tensorflow::NodeDef& node, const tensorflow::OpDef* op, const std::string& name)
{
    if (auto it = node.attr().find(name); it != node.attr().end()) return &it->second;
    if (op)
        for (const auto& a : op->attr())
            if (a.name() == name && a.has_default_value()) return &a.default_value();
    return nullptr;
}

// The dtypes of a node's outputs, as the op definition states them (counts and types through attrs).
std::optional<std::vector<int>> outputTypes(const tensorflow::NodeDef& node, const tensorflow::OpDef& op)
{
    std::vector<int> types;
    for (const auto& arg : op.output_arg()) {
        auto typeAttr = [&]() -> std::optional<int> {
            if (arg.type() != tensorflow::DT_INVALID) return static_cast<int>(arg.type());
            const auto* a = attrOf(node, &op, arg.type_attr());
            if (!a || a->value_case() != tensorflow::AttrValue::kType) return std::nullopt;
            return static_cast<int>(a->type());
        };
        const int ref = arg.is_ref() ? kRefOffset : 0;
        if (!arg.number_attr().empty()) {
            const auto* n = attrOf(node, &op, arg.number_attr());
            auto t = typeAttr();
            if (!n || !t) return std::nullopt;
            for (int64_t i = 0; i < n->i(); ++i)
                types.push_back(*t + ref);
        } else if (!arg.type_list_attr().empty()) {
            const auto* l = attrOf(node, &op, arg.type_list_attr());
            if (!l) return std::nullopt;
            for (int t : l->list().type())
                types.push_back(t + ref);
        } else {
            auto t = typeAttr();
            if (!t) return std::nullopt;
            types.push_back(*t + ref);
        }
    }
    return types;
}

struct NodeOutputs {
    const tensorflow::NodeDef* node = nullptr;
    std::vector<int> types;
};

GraphTensor describe(const tensorflow::NodeDef& node, const std::vector<int>& types, int index)
{
    GraphTensor t;
    t.name = node.name() + ":" + std::to_string(index);
    t.op = node.op();
    t.dtype = types[static_cast<size_t>(index)];
    t.placeholder = isPlaceholderOp(node.op());
    if (auto it = node.attr().find("shape");
        t.placeholder && it != node.attr().end() && it->second.has_shape())
        t.shape = shapeFromProto(it->second.shape());
    else if (auto os = node.attr().find("_output_shapes");
             os != node.attr().end() && index < os->second.list().shape_size())
        t.shape = shapeFromProto(os->second.list().shape(index));
    return t;
}

std::map<std::string, const tensorflow::OpDef*> opDefs(const tensorflow::MetaGraphDef& mg)
{
    std::map<std::string, const tensorflow::OpDef*> ops;
    for (const auto& op : mg.meta_info_def().stripped_op_list().op())
        ops[op.name()] = &op;
    return ops;
}

} // namespace

std::string GraphTensor::dtypeText() const
{
    return dtypeName(dtypeBase(dtype)) + (dtype >= kRefOffset ? "_ref" : "");
}

std::string GraphTensor::typeText() const
{
    return dtypeText() + (shape ? shapeToString(*shape) : std::string(" (unknown shape)"));
}

Tf1Graph::Tf1Graph(std::filesystem::path path)
    : m_path(std::move(path))
    , m_meta(std::make_unique<tensorflow::MetaGraphDef>())
{ }

Tf1Graph::~Tf1Graph() = default;

Result<std::shared_ptr<const Tf1Graph>> Tf1Graph::open(const std::filesystem::path& meta)
{
    std::ifstream in(meta, std::ios::binary);
    if (!in) return Status(ErrorCode::NotFound, "cannot open the .meta graph").withPath(meta.string());
    std::shared_ptr<Tf1Graph> g(new Tf1Graph(meta));
    if (!g->m_meta->ParseFromIstream(&in))
        return Status(ErrorCode::Corrupt, "not a MetaGraphDef (.meta graph)").withPath(meta.string());
    if (!g->m_meta->has_graph_def() || g->m_meta->graph_def().node_size() == 0)
        return Status(ErrorCode::InvalidArgument, "the .meta file holds no graph").withPath(meta.string());
    return std::shared_ptr<const Tf1Graph>(std::move(g));
}

std::vector<GraphTensor> Tf1Graph::tensors() const
{
    const auto ops = opDefs(*m_meta);
    std::vector<GraphTensor> out;
    for (const auto& node : m_meta->graph_def().node()) {
        auto op = ops.find(node.op());
        if (op == ops.end()) continue;
        auto types = outputTypes(node, *op->second);
        if (!types) continue;
        for (size_t i = 0; i < types->size(); ++i)
            out.push_back(describe(node, *types, static_cast<int>(i)));
    }
    return out;
}

Result<GraphTensor> Tf1Graph::resolve(const std::string& name) const
{
    std::string nodeName = name;
    int index = 0;
    if (const size_t colon = name.rfind(':'); colon != std::string::npos) {
        const char* first = name.data() + colon + 1;
        const char* last = name.data() + name.size();
        auto [p, ec] = std::from_chars(first, last, index);
        if (ec == std::errc() && p == last && first != last && index >= 0)
            nodeName = name.substr(0, colon);
        else
            index = 0; // a ':' that is part of the node name
    }
    for (const auto& node : m_meta->graph_def().node()) {
        if (node.name() != nodeName) continue;
        const auto ops = opDefs(*m_meta);
        auto op = ops.find(node.op());
        if (op == ops.end())
            return Status(ErrorCode::Unsupported,
                "the graph does not describe op " + node.op() + " (not in stripped_op_list)")
                .withTensor(name);
        auto types = outputTypes(node, *op->second);
        if (!types)
            return Status(
                ErrorCode::Unsupported, "cannot tell the output types of this " + node.op() + " node")
                .withTensor(name);
        if (static_cast<size_t>(index) >= types->size())
            return Status(ErrorCode::NotFound,
                "no tensor named '" + name + "' (node " + nodeName + " has " + std::to_string(types->size())
                    + " outputs)")
                .withTensor(name);
        return describe(node, *types, index);
    }
    return Status(ErrorCode::NotFound, "no tensor named '" + name + "' in the graph").withTensor(name);
}

Result<std::vector<std::string>> Tf1Graph::restoredKeys() const
{
    if (!m_meta->has_saver_def() || m_meta->saver_def().restore_op_name().empty())
        return Status(ErrorCode::InvalidArgument,
            "the .meta graph has no saver (saver_def): its variables could not be restored")
            .withPath(m_path.string());
    // restore_op_name is "<scope>/restore_all"; the saver's RestoreV2 ops live in the same scope.
    const std::string& restore = m_meta->saver_def().restore_op_name();
    const std::string scope = restore.substr(0, restore.rfind('/') + 1);
    std::map<std::string, const tensorflow::NodeDef*> byName;
    for (const auto& node : m_meta->graph_def().node())
        byName[node.name()] = &node;
    std::vector<std::string> keys;
    bool any = false;
    for (const auto& node : m_meta->graph_def().node()) {
        if ((node.op() != "RestoreV2" && node.op() != "RestoreSlice" && node.op() != "Restore")
            || !node.name().starts_with(scope) || node.input_size() < 2)
            continue;
        any = true;
        std::string input = node.input(1);
        input = input.substr(0, input.find(':'));
        auto it = byName.find(input);
        const tensorflow::AttrValue* value = nullptr;
        if (it != byName.end() && it->second->op() == "Const")
            if (auto v = it->second->attr().find("value"); v != it->second->attr().end()) value = &v->second;
        if (!value)
            return Status(ErrorCode::Unsupported, "the saver's restore op reads names that are not constants")
                .withTensor(node.name());
        for (const auto& s : value->tensor().string_val())
            keys.push_back(s);
    }
    if (!any)
        return Status(ErrorCode::Unsupported, "the saver has no restore ops in scope '" + scope + "'")
            .withPath(m_path.string());
    return keys;
}

} // namespace tscope::io
