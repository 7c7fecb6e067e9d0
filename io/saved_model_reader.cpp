#include "io/saved_model_reader.h"

#include "fingerprint.pb.h"
#include "io/dtype.h"
#include "io/git_lfs.h"
#include "io/keras_metadata.h"
#include "io/mapped_file.h"
#include "io/object_graph_walk.h"
#include "io/proto_parse_errors.h"
#include "io/shape_proto.h"
#include "saved_model.pb.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <google/protobuf/text_format.h>
#include <set>
#include <sstream>

namespace tscope::io {
namespace {

namespace fs = std::filesystem;
constexpr int kRecursionLimit = 200;

std::string pyShape(const tensorflow::TensorShapeProto& proto)
{
    return shapeToString(shapeFromProto(proto), ShapeStyle::Python);
}

std::string quote(const std::string& s)
{
    return "'" + s + "'";
}

void render(const tensorflow::StructuredValue& v, std::string& out, int depth)
{
    if (depth > 64) {
        out += "...";
        return;
    }
    using K = tensorflow::StructuredValue;
    auto seq = [&](const auto& values, const char* open, const char* close, bool tuple) {
        out += open;
        for (int i = 0; i < values.size(); ++i) {
            if (i) out += ", ";
            render(values.Get(i), out, depth + 1);
        }
        if (tuple && values.size() == 1) out += ",";
        out += close;
    };
    switch (v.kind_case()) {
    case K::kNoneValue:
        out += "None";
        break;
    case K::kFloat64Value:
        out += std::to_string(v.float64_value());
        break;
    case K::kInt64Value:
        out += std::to_string(v.int64_value());
        break;
    case K::kStringValue:
        out += quote(v.string_value());
        break;
    case K::kBoolValue:
        out += v.bool_value() ? "True" : "False";
        break;
    case K::kTensorShapeValue:
        out += pyShape(v.tensor_shape_value());
        break;
    case K::kTensorDtypeValue:
        out += "tf." + dtypeName(v.tensor_dtype_value());
        break;
    case K::kTensorSpecValue: {
        const auto& s = v.tensor_spec_value();
        out += "TensorSpec(shape=" + pyShape(s.shape()) + ", dtype=tf." + dtypeName(s.dtype());
        if (!s.name().empty()) out += ", name=" + quote(s.name());
        out += ")";
        break;
    }
    case K::kBoundedTensorSpecValue: {
        const auto& s = v.bounded_tensor_spec_value();
        out += "BoundedTensorSpec(shape=" + pyShape(s.shape()) + ", dtype=tf." + dtypeName(s.dtype()) + ")";
        break;
    }
    case K::kTypeSpecValue: {
        const auto& t = v.type_spec_value();
        std::string name = t.type_spec_class_name();
        if (name.empty()) name = tensorflow::TypeSpecProto::TypeSpecClass_Name(t.type_spec_class());
        out += name + "(";
        render(t.type_state(), out, depth + 1);
        out += ")";
        break;
    }
    case K::kListValue:
        seq(v.list_value().values(), "[", "]", false);
        break;
    case K::kTupleValue:
        seq(v.tuple_value().values(), "(", ")", true);
        break;
    case K::kDictValue: {
        std::vector<std::string> keys;
        for (const auto& [k, _] : v.dict_value().fields())
            keys.push_back(k);
        std::sort(keys.begin(), keys.end());
        out += "{";
        for (size_t i = 0; i < keys.size(); ++i) {
            if (i) out += ", ";
            out += quote(keys[i]) + ": ";
            render(v.dict_value().fields().at(keys[i]), out, depth + 1);
        }
        out += "}";
        break;
    }
    case K::kNamedTupleValue: {
        const auto& nt = v.named_tuple_value();
        out += nt.name() + "(";
        for (int i = 0; i < nt.values_size(); ++i) {
            if (i) out += ", ";
            out += nt.values(i).key() + "=";
            render(nt.values(i).value(), out, depth + 1);
        }
        out += ")";
        break;
    }
    case K::kTensorValue:
    case K::kNumpyValue:
        out += "<tensor>";
        break;
    default:
        out += "?";
        break;
    }
}

SignatureArg argFrom(const std::string& name, const tensorflow::TensorInfo& info)
{
    SignatureArg arg;
    arg.name = name;
    arg.dtype = static_cast<DType>(info.dtype());
    if (info.has_tensor_shape()) arg.shape = shapeFromProto(info.tensor_shape());
    switch (info.encoding_case()) {
    case tensorflow::TensorInfo::kCooSparse:
        arg.encoding = "coo_sparse";
        arg.tensor = info.coo_sparse().values_tensor_name();
        break;
    case tensorflow::TensorInfo::kCompositeTensor:
        arg.encoding = "composite";
        arg.tensor = std::to_string(info.composite_tensor().components_size()) + " components";
        break;
    default:
        arg.encoding = "name";
        arg.tensor = info.name();
        break;
    }
    return arg;
}

std::vector<SignatureArg> argsFrom(const google::protobuf::Map<std::string, tensorflow::TensorInfo>& map)
{
    std::vector<SignatureArg> args;
    for (const auto& [name, info] : map)
        args.push_back(argFrom(name, info));
    std::sort(args.begin(), args.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return args;
}

bool safeAssetName(const std::string& name)
{
    if (name.empty() || name.find('\0') != std::string::npos) return false;
    fs::path p(name);
    if (p.is_absolute()) return false;
    for (const auto& part : p)
        if (part == "..") return false;
    return true;
}

const char* objectKindName(const tensorflow::SavedObject& o)
{
    using K = tensorflow::SavedObject;
    switch (o.kind_case()) {
    case K::kUserObject:
        return "user_object";
    case K::kAsset:
        return "asset";
    case K::kFunction:
        return "function";
    case K::kVariable:
        return "variable";
    case K::kBareConcreteFunction:
        return "bare_concrete_function";
    case K::kConstant:
        return "constant";
    case K::kResource:
        return "resource";
    case K::kCapturedTensor:
        return "captured_tensor";
    default:
        return "unknown";
    }
}

void summarizeObjectGraph(const tensorflow::MetaGraphDef& mg, MetaGraphInfo& info)
{
    const auto& graph = mg.object_graph_def();
    info.hasObjectGraph = true;
    info.concreteFunctionCount = static_cast<uint64_t>(graph.concrete_functions_size());
    const int n = graph.nodes_size();
    const auto walk = walkBreadthFirst(n, [&](int id, const ChildVisitor& visit) {
        for (const auto& ref : graph.nodes(id).children())
            visit(ref.node_id(), ref.local_name());
    });
    info.objectGraphProblem = walk.problem;
    std::vector<std::string> path(static_cast<size_t>(n)); // dotted, without the leading "root"
    for (int id : walk.order) {
        if (id == 0) continue;
        const std::string& base = path[static_cast<size_t>(walk.parent[static_cast<size_t>(id)])];
        path[static_cast<size_t>(id)]
            = (base.empty() ? "" : base + ".") + std::string(walk.edgeName[static_cast<size_t>(id)]);
    }
    auto signaturesOf = [&](const std::string& fn) -> std::string {
        auto it = graph.concrete_functions().find(fn);
        if (it == graph.concrete_functions().end()) return fn;
        std::string out;
        render(it->second.canonicalized_input_signature(), out, 0);
        return out;
    };
    for (int id = 0; id < n; ++id) {
        const auto& o = graph.nodes(id);
        ObjectNodeInfo node;
        node.id = id;
        node.kind = objectKindName(o);
        node.path = id == 0 ? "root" : (walk.reached(id) ? "root." + path[static_cast<size_t>(id)] : "");
        for (const auto& ref : o.children())
            node.children.push_back({ ref.local_name(), ref.node_id() });
        using K = tensorflow::SavedObject;
        switch (o.kind_case()) {
        case K::kUserObject:
            node.identifier = o.user_object().identifier();
            break;
        case K::kVariable:
            node.identifier = o.variable().name();
            node.detail = dtypeName(o.variable().dtype()) + pyShape(o.variable().shape())
                + (o.variable().trainable() ? " trainable" : "");
            break;
        case K::kFunction:
            for (const auto& fn : o.function().concrete_functions())
                node.functionSignatures.push_back(signaturesOf(fn));
            break;
        case K::kBareConcreteFunction:
            node.identifier = o.bare_concrete_function().concrete_function_name();
            node.functionSignatures.push_back(signaturesOf(node.identifier));
            break;
        case K::kAsset: {
            int idx = o.asset().asset_file_def_index();
            if (idx >= 0 && idx < mg.asset_file_def_size())
                node.identifier = mg.asset_file_def(idx).filename();
            break;
        }
        case K::kConstant:
            node.identifier = o.constant().operation();
            break;
        case K::kCapturedTensor:
            node.identifier = o.captured_tensor().name();
            break;
        default:
            break;
        }
        info.objects.push_back(std::move(node));
    }
}

MetaGraphInfo summarize(const tensorflow::MetaGraphDef& mg, const fs::path& dir)
{
    MetaGraphInfo info;
    const auto& meta = mg.meta_info_def();
    info.tags.assign(meta.tags().begin(), meta.tags().end());
    info.tensorflowVersion = meta.tensorflow_version();
    info.tensorflowGitVersion = meta.tensorflow_git_version();
    for (const auto& [key, sig] : mg.signature_def()) {
        SignatureInfo s;
        s.key = key;
        s.methodName = sig.method_name();
        s.inputs = argsFrom(sig.inputs());
        s.outputs = argsFrom(sig.outputs());
        info.signatures.push_back(std::move(s));
    }
    std::sort(info.signatures.begin(), info.signatures.end(),
        [](const auto& a, const auto& b) { return a.key < b.key; });
    for (const auto& node : mg.graph_def().node())
        info.opCounts[node.op()]++;
    info.nodeCount = static_cast<uint64_t>(mg.graph_def().node_size());
    info.functionCount = static_cast<uint64_t>(mg.graph_def().library().function_size());
    for (const auto& fn : mg.graph_def().library().function()) {
        info.nodeCount += static_cast<uint64_t>(fn.node_def_size());
        for (const auto& node : fn.node_def())
            info.opCounts[node.op()]++;
    }
    auto addAsset = [&](const tensorflow::AssetFileDef& a) {
        AssetInfo asset;
        asset.filename = a.filename();
        asset.tensor = a.tensor_info().name();
        asset.safeName = safeAssetName(a.filename());
        std::error_code ec;
        asset.exists = asset.safeName && fs::is_regular_file(dir / "assets" / a.filename(), ec);
        for (const auto& existing : info.assets)
            if (existing.filename == asset.filename && existing.tensor == asset.tensor) return;
        info.assets.push_back(std::move(asset));
    };
    for (const auto& a : mg.asset_file_def())
        addAsset(a);
    auto coll = mg.collection_def().find("saved_model_assets");
    if (coll != mg.collection_def().end())
        for (const auto& any : coll->second.any_list().value()) {
            tensorflow::AssetFileDef a;
            if (a.ParseFromString(any.value())) addAsset(a);
        }
    info.hasSaverDef = mg.has_saver_def();
    if (mg.has_object_graph_def()) summarizeObjectGraph(mg, info);
    return info;
}

} // namespace

std::string renderStructuredValue(const std::string& serialized)
{
    tensorflow::StructuredValue v;
    if (!v.ParseFromString(serialized)) return "?";
    std::string out;
    render(v, out, 0);
    return out;
}

Result<SavedModelInfo> readSavedModel(const fs::path& directory, const CancelToken* cancel)
{
    SavedModelInfo info;
    info.directory = directory;
    std::error_code ec;
    fs::path pb = directory / "saved_model.pb", pbtxt = directory / "saved_model.pbtxt";
    if (fs::exists(pb, ec))
        info.file = pb;
    else if (fs::exists(pbtxt, ec)) {
        info.file = pbtxt;
        info.textFormat = true;
    } else if (fs::exists(directory / "saved_model.cpb", ec)) {
        return Status(ErrorCode::Unsupported,
            "not supported: chunked SavedModel (saved_model.cpb, written for protos over 2 GiB)")
            .withPath((directory / "saved_model.cpb").string());
    } else {
        return Status(ErrorCode::NotFound, "no saved_model.pb or saved_model.pbtxt in this directory")
            .withPath(directory.string());
    }
    if (isGitLfsPointer(info.file)) return gitLfsPointerError(info.file);

    auto file = MappedFile::open(info.file);
    if (!file) return file.status();
    if (cancel && cancel->isCancelled()) return Status(ErrorCode::Cancelled, "cancelled");
    auto proto = std::make_shared<tensorflow::SavedModel>();
    const auto bytes = (*file)->all();
    if (info.textFormat) {
        google::protobuf::TextFormat::Parser parser;
        FirstProtoParseError errors;
        parser.RecordErrorsTo(&errors);
        parser.SetRecursionLimit(kRecursionLimit);
        if (!parser.ParseFromString(
                std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), proto.get()))
            return Status(ErrorCode::Corrupt,
                "saved_model.pbtxt is not a valid text-format SavedModel: " + errors.text())
                .withPath(info.file.string());
    } else {
        if (bytes.size() > static_cast<size_t>(INT32_MAX))
            return Status(ErrorCode::Unsupported, "not supported: saved_model.pb is larger than 2 GiB")
                .withPath(info.file.string());
        if (!proto->ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
            return Status(ErrorCode::Corrupt,
                "saved_model.pb is not a valid SavedModel protobuf (damaged or not a SavedModel)")
                .withPath(info.file.string());
    }
    info.schemaVersion = proto->saved_model_schema_version();
    if (proto->meta_graphs_size() == 0)
        return Status(ErrorCode::Corrupt, "the SavedModel contains no meta graph")
            .withPath(info.file.string());
    for (const auto& mg : proto->meta_graphs()) {
        info.metaGraphs.push_back(summarize(mg, directory));
        if (!info.metaGraphs.back().objectGraphProblem.isOk())
            info.warnings.push_back(info.metaGraphs.back().objectGraphProblem);
        const auto& sigs = info.metaGraphs.back().signatures;
        bool anyServing
            = std::any_of(sigs.begin(), sigs.end(), [](const auto& s) { return !s.key.starts_with("__"); });
        if (!anyServing) {
            std::string tags;
            for (const auto& t : info.metaGraphs.back().tags)
                tags += (tags.empty() ? "" : ",") + t;
            info.warnings.push_back(Status(ErrorCode::Unsupported,
                "meta graph {" + tags + "} has no signatures: TensorFlow Serving cannot call it"));
        }
    }
    for (const auto& mg : info.metaGraphs)
        for (const auto& a : mg.assets) {
            if (!a.safeName)
                info.warnings.push_back(
                    Status(ErrorCode::Corrupt, "asset name '" + a.filename + "' points outside assets/"));
            else if (!a.exists)
                info.warnings.push_back(
                    Status(ErrorCode::NotFound, "asset file assets/" + a.filename + " is missing"));
        }
    info.proto = proto;

    fs::path fp = directory / "fingerprint.pb";
    if (fs::is_regular_file(fp, ec)) {
        tensorflow::FingerprintDef def;
        std::ifstream in(fp, std::ios::binary);
        if (isGitLfsPointer(fp) || !def.ParseFromIstream(&in)) {
            info.warnings.push_back(Status(ErrorCode::Corrupt, "fingerprint.pb cannot be read"));
        } else {
            FingerprintInfo f;
            f.savedModelChecksum = def.saved_model_checksum();
            f.graphDefProgramHash = def.graph_def_program_hash();
            f.signatureDefHash = def.signature_def_hash();
            f.savedObjectGraphHash = def.saved_object_graph_hash();
            f.checkpointHash = def.checkpoint_hash();
            f.uuid = def.uuid();
            info.fingerprint = f;
        }
    }
    info.hasKerasMetadata = fs::exists(directory / "keras_metadata.pb", ec);
    if (info.hasKerasMetadata && fs::is_regular_file(directory / "keras_metadata.pb", ec))
        info.kerasLayers = readKerasLayerLabels(directory / "keras_metadata.pb");
    info.hasVariables = fs::exists(directory / "variables" / "variables.index", ec);
    return info;
}

} // namespace tscope::io
