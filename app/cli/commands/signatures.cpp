// `signatures PATH`: SavedModel tag sets, signatures, object graph, assets (tensorscope.signatures/1).
#include "app/cli/command.h"
#include "app/cli/exit_codes.h"
#include "app/cli/json_output.h"
#include "app/cli/text_output.h"
#include "io/dtype.h"
#include "io/tensor.h"

#include <CLI/CLI.hpp>
#include <ostream>

namespace tscope::cli {
namespace {

void writeJson(const io::SavedModelInfo& sm, std::ostream& out)
{
    json::JsonWriter w(out);
    w.beginObject();
    w.field("schema", "tensorscope.signatures/1");
    w.field("saved_model_schema_version", sm.schemaVersion);
    w.field("text_format", sm.textFormat);
    w.field("has_keras_metadata", sm.hasKerasMetadata);
    w.field("has_variables", sm.hasVariables);
    if (sm.fingerprint) {
        const auto& f = *sm.fingerprint;
        w.key("fingerprint");
        w.beginObject();
        w.field("saved_model_checksum", std::to_string(f.savedModelChecksum));
        w.field("graph_def_program_hash", std::to_string(f.graphDefProgramHash));
        w.field("signature_def_hash", std::to_string(f.signatureDefHash));
        w.field("saved_object_graph_hash", std::to_string(f.savedObjectGraphHash));
        w.field("checkpoint_hash", std::to_string(f.checkpointHash));
        w.field("uuid", f.uuid);
        w.endObject();
    } else {
        w.nullField("fingerprint");
    }
    w.key("meta_graphs");
    w.beginArray();
    for (const auto& mg : sm.metaGraphs) {
        w.beginObject();
        w.key("tags");
        w.beginArray();
        for (const auto& t : mg.tags)
            w.value(t);
        w.endArray();
        w.field("tensorflow_version", mg.tensorflowVersion);
        w.field("tensorflow_git_version", mg.tensorflowGitVersion);
        w.key("signatures");
        w.beginArray();
        for (const auto& s : mg.signatures) {
            w.beginObject();
            w.field("key", s.key);
            w.field("method_name", s.methodName);
            for (auto [name, args] : { std::pair { "inputs", &s.inputs }, { "outputs", &s.outputs } }) {
                w.key(name);
                w.beginArray();
                for (const auto& arg : *args) {
                    w.beginObject();
                    w.field("name", arg.name);
                    w.field("tensor", arg.tensor);
                    w.field("dtype", io::dtypeName(arg.dtype));
                    w.key("shape");
                    writeOptionalShape(w, arg.shape);
                    w.field("encoding", arg.encoding);
                    w.endObject();
                }
                w.endArray();
            }
            w.endObject();
        }
        w.endArray();
        w.field("op_count", static_cast<uint64_t>(mg.opCounts.size()));
        w.field("node_count", mg.nodeCount);
        w.field("function_count", mg.functionCount);
        w.key("ops");
        w.beginObject();
        for (const auto& [op, n] : mg.opCounts)
            w.field(op, n);
        w.endObject();
        w.key("assets");
        w.beginArray();
        for (const auto& as : mg.assets) {
            w.beginObject();
            w.field("filename", as.filename);
            w.field("tensor", as.tensor);
            w.field("exists", as.exists);
            w.endObject();
        }
        w.endArray();
        if (!mg.hasObjectGraph)
            w.nullField("object_graph");
        else {
            w.key("object_graph");
            w.beginObject();
            w.field("concrete_function_count", mg.concreteFunctionCount);
            w.key("nodes");
            w.beginArray();
            for (const auto& n : mg.objects) {
                w.beginObject();
                w.field("id", n.id);
                w.field("kind", n.kind);
                if (n.identifier.empty())
                    w.nullField("identifier");
                else
                    w.field("identifier", n.identifier);
                if (n.path.empty())
                    w.nullField("path");
                else
                    w.field("path", n.path);
                w.key("children");
                w.beginArray();
                for (const auto& [cn, cid] : n.children) {
                    w.beginObject();
                    w.field("name", cn);
                    w.field("id", cid);
                    w.endObject();
                }
                w.endArray();
                w.key("function_signatures");
                w.beginArray();
                for (const auto& fs : n.functionSignatures)
                    w.value(fs);
                w.endArray();
                w.endObject();
            }
            w.endArray();
            w.endObject();
        }
        w.endObject();
    }
    w.endArray();
    w.key("warnings");
    w.beginArray();
    for (const auto& s : sm.warnings)
        w.value(io::warningText(s));
    w.endArray();
    w.endObject();
}

void writeText(const io::SavedModelInfo& sm, std::ostream& out)
{
    out << "SavedModel " << sm.file.string() << (sm.textFormat ? " (text format)" : "") << "\n";
    for (const auto& mg : sm.metaGraphs) {
        std::string tags;
        for (const auto& t : mg.tags)
            tags += (tags.empty() ? "" : ", ") + t;
        out << "\nMetaGraph with tag set {" << tags << "}";
        if (!mg.tensorflowVersion.empty()) out << "  (TensorFlow " << mg.tensorflowVersion << ")";
        out << "\n  " << mg.opCounts.size() << " distinct ops, " << mg.nodeCount << " nodes, "
            << mg.functionCount << " functions\n";
        if (mg.signatures.empty()) out << "  WARNING: no signatures\n";
        for (const auto& s : mg.signatures) {
            out << "\n  signature '" << cleanText(s.key)
                << "'  method: " << (s.methodName.empty() ? "(none)" : s.methodName) << "\n";
            for (auto [label, args] : { std::pair { "inputs", &s.inputs }, { "outputs", &s.outputs } }) {
                out << "    " << label << ":" << (args->empty() ? " (none)" : "") << "\n";
                for (const auto& arg : *args)
                    out << "      " << cleanText(arg.name) << ": " << io::dtypeName(arg.dtype) << " "
                        << io::shapeToString(arg.shape, io::ShapeStyle::Parentheses) << "  <- "
                        << cleanText(arg.tensor) << (arg.encoding == "name" ? "" : " (" + arg.encoding + ")")
                        << "\n";
            }
        }
        if (!mg.assets.empty()) {
            out << "\n  assets:\n";
            for (const auto& as : mg.assets)
                out << "    " << cleanText(as.filename) << (as.exists ? "" : "  (MISSING)") << "\n";
        }
        if (mg.hasObjectGraph) {
            out << "\n  object graph: " << mg.objects.size() << " objects, " << mg.concreteFunctionCount
                << " concrete functions\n";
            for (const auto& n : mg.objects)
                if ((n.kind == "function" || n.kind == "bare_concrete_function") && !n.path.empty())
                    for (const auto& fs : n.functionSignatures)
                        out << "    " << cleanText(n.path) << cleanText(fs) << "\n";
        }
    }
    if (sm.fingerprint)
        out << "\nfingerprint: saved_model_checksum " << sm.fingerprint->savedModelChecksum << "\n";
    out << "keras_metadata.pb: " << (sm.hasKerasMetadata ? "present" : "absent") << "\n";
    for (const auto& s : sm.warnings)
        out << "Warning: " << cleanText(io::warningText(s)) << "\n";
}

class SignaturesCommand final : public ArtifactCommand {
public:
    const char* name() const override { return "signatures"; }
    const char* summary() const override { return "SavedModel tag sets, signatures, object graph, assets"; }

protected:
    int runOn(const io::Artifact& artifact, CommandContext& context) override
    {
        if (!artifact.savedModel)
            return context.reportError(io::Status(io::ErrorCode::InvalidArgument,
                                           "not a SavedModel: checkpoints have no signatures"),
                kExitOpenFailed);
        if (json())
            writeJson(*artifact.savedModel, context.out);
        else
            writeText(*artifact.savedModel, context.out);
        return kExitOk;
    }
};

} // namespace

std::unique_ptr<Command> makeSignaturesCommand()
{
    return std::make_unique<SignaturesCommand>();
}

} // namespace tscope::cli
