// `export checkpoint|npz|safetensors|npy|csv|savedmodel`: writes what an artifact holds in another form
// (tensorscope.export/1). The output is written under a temporary name in its directory and renamed into
// place when complete; an existing output is replaced only with --force; the inputs are never written.
#include "app/cli/command.h"
#include "app/cli/exit_codes.h"
#include "io/atomic_file.h"
#include "io/export/export_request.h"
#include "io/json/json_writer.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <ostream>

namespace tscope::cli {
namespace {

// Which exit code a failed export gets: refusals and write failures are 7, reading problems 3.
int exitCodeFor(const io::Status& s)
{
    switch (s.code()) {
    case io::ErrorCode::InvalidArgument:
        return kExitUsage;
    case io::ErrorCode::Io:
    case io::ErrorCode::PermissionDenied:
    case io::ErrorCode::Unsupported:
        return kExitNotWritten;
    default:
        return kExitOpenFailed;
    }
}

class ExportCommand final : public Command {
public:
    const char* name() const override { return "export"; }
    const char* summary() const override
    {
        return "write a smaller checkpoint, a SavedModel from a template, .npz, .safetensors, or one tensor "
               "as "
               ".npy/.csv";
    }

    void addArguments(CLI::App& app) override
    {
        app.require_subcommand(1);
        auto common = [&](CLI::App* sub, const char* mode, bool variable) {
            sub->add_option("PATH", m_path, "checkpoint prefix, .index, directory or SavedModel")->required();
            if (variable) sub->add_option("VAR", m_variable, "checkpoint key or TF2 object path")->required();
            sub->add_option("OUT", m_out, "the output (a prefix for checkpoint)")->required();
            sub->add_flag("--force", m_force, "replace an existing output");
            sub->add_flag("--sync", m_sync,
                "wait until the output is on the disk (fsync) before renaming it into place: survives a "
                "power cut, not only a crash (slower: a 1 GiB export waits seconds for the disk)");
            sub->add_flag("--json", m_json, "machine-readable output (docs/CLI.md, docs/schema/)");
            sub->callback([this, mode] { m_mode = mode; });
            return sub;
        };
        auto* ckpt
            = common(app.add_subcommand("checkpoint", "a smaller checkpoint (TF2 object graph rewritten)"),
                "checkpoint", false);
        ckpt->add_flag(
            "--strip-optimizer", m_strip, "leave out optimizer slots and optimizer-owned variables");
        ckpt->add_option("--keep", m_keep, "keep only tensors whose key or object path matches (repeatable)")
            ->expected(1)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
        auto* sm = common(app.add_subcommand("savedmodel",
                              "a SavedModel: the template's (TF2) or the .meta graph's (TF1) computation "
                              "with the checkpoint's values (exit 6 when the mapping refuses)"),
            "savedmodel", false);
        auto* templ = sm->add_option(
            "--template", m_template, "TF2: a SavedModel of the same model (the computation)");
        auto* meta = sm->add_option("--meta", m_meta,
            "TF1: the checkpoint's .meta graph (the computation; its saver restores the variables)");
        templ->excludes(meta);
        meta->excludes(templ);
        sm->add_option("--input", m_inputs, "TF1: NAME=TENSOR, a placeholder as signature input (repeatable)")
            ->expected(1)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
            ->needs(meta);
        sm->add_option(
              "--output", m_outputs, "TF1: NAME=TENSOR, any op output as signature output (repeatable)")
            ->expected(1)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
            ->needs(meta);
        sm->add_option(
              "--signature-key", m_signatureKey, "TF1: the signature's key (default serving_default)")
            ->needs(meta);
        sm->add_option("--map", m_map, "REGEX=REPLACEMENT: checkpoint key -> template key (repeatable)")
            ->expected(1)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
        sm->add_flag("--accept-fallback", m_acceptFallback, "write variables matched by name only");
        for (const char* archive : { "npz", "safetensors" }) {
            auto* sub
                = common(app.add_subcommand(archive,
                             std::string("every tensor as .") + archive + " (the object graph excepted)"),
                    archive, false);
            sub->add_option("--names", m_names, "member names: checkpoint key or TF2 object path")
                ->check(CLI::IsMember({ "key", "path" }));
            sub->add_flag(
                "--skip-unsupported", m_skipUnsupported, "leave out tensors the format cannot hold");
        }
        for (const char* single : { "npy", "csv" }) {
            auto* sub = common(
                app.add_subcommand(single, std::string("one tensor or a slice as .") + single), single, true);
            sub->add_option("--slice", m_slice, "numpy-style selection per dimension, e.g. 0,:,3:5");
        }
    }

    int run(CommandContext& context) override
    {
        context.json = m_json;
        int exitCode = 0;
        auto artifact = context.openArtifact(m_path, exitCode);
        if (!artifact) return exitCode;
        if (!artifact->bundle)
            return context.reportError(artifact->bundleStatus.isOk()
                    ? io::Status(io::ErrorCode::NotFound, "this artifact has no variables")
                    : artifact->bundleStatus,
                kExitOpenFailed);
        const io::ExportRequest request = makeRequest();
        if (io::Status s = io::checkExportOutputs(request, *artifact->bundle, m_force); !s.isOk())
            return context.reportError(s, kExitNotWritten);
        const int stale = io::removeStaleTemporaries(request.out.parent_path());

        ProgressBar bar = context.progress("exporting");
        io::ExportOptions options;
        options.replaceExisting = m_force;
        options.durability = m_sync ? io::Durability::Durable : io::Durability::Renamed;
        options.cancel = &context.cancel;
        options.progress = context.progressCallback(bar);
        io::ExportResult result;
        io::Status s = io::runExport(*artifact, request, options, result);
        bar.finish();
        if (s.code() == io::ErrorCode::Cancelled) return context.reportCancelled();
        if (result.tf1 && result.tf1->refused()) {
            context.err << "tensorscope-cli: the graph's saver refuses this checkpoint\n"
                        << result.tf1->refusalText();
            if (m_json) report(context, request, result, {}, stale);
            return kExitMappingRefused;
        }
        if (result.savedModel && result.savedModel->refused()) {
            context.err << "tensorscope-cli: the mapping refuses this export\n"
                        << result.savedModel->refusalText();
            if (m_json) report(context, request, result, {}, stale);
            return kExitMappingRefused;
        }
        if (!s.isOk())
            return context.reportError(s, result.noSuchVariable ? kExitNoSuchVariable : exitCodeFor(s));
        report(context, request, result, io::exportOutputFiles(request, *artifact->bundle), stale);
        return kExitOk;
    }

private:
    io::ExportRequest makeRequest() const
    {
        io::ExportRequest r;
        for (auto f : { io::ExportFormat::Checkpoint, io::ExportFormat::Npz, io::ExportFormat::Safetensors,
                 io::ExportFormat::Npy, io::ExportFormat::Csv, io::ExportFormat::SavedModel })
            if (m_mode == io::exportFormatName(f)) r.format = f;
        r.out = m_out;
        r.variable = m_variable;
        r.slice = m_slice;
        r.names = m_names == "path" ? io::ExportNames::Path : io::ExportNames::Key;
        r.skipUnsupported = m_skipUnsupported;
        r.subset.stripOptimizer = m_strip;
        r.subset.keep = m_keep;
        r.templatePath = m_template;
        r.mapRules = m_map;
        r.acceptFallback = m_acceptFallback;
        r.metaPath = m_meta;
        r.signature.key = m_signatureKey;
        r.signature.inputs = m_inputs;
        r.signature.outputs = m_outputs;
        return r;
    }

    void report(CommandContext& context, const io::ExportRequest& request, const io::ExportResult& w,
        const std::vector<std::filesystem::path>& files, int stale) const
    {
        for (const auto& s : w.skipped)
            context.err << "tensorscope-cli: skipped " << s << "\n";
        if (!m_json) {
            context.out << "wrote " << m_out << " (" << m_mode << "): " << w.tensors << " tensors, "
                        << w.bytes << " bytes";
            if (w.savedModel)
                context.out << "; " << w.savedModel->matched.size() << " variables matched, "
                            << w.savedModel->unused.size() << " checkpoint tensors not needed, "
                            << w.filesCopied << " template files copied";
            if (w.tf1)
                context.out << "; signature " << w.tf1->signatureKey << " (" << w.tf1->inputs.size()
                            << " inputs, " << w.tf1->outputs.size() << " outputs), "
                            << w.tf1->restoredKeys.size() << " keys restored by the graph's saver";
            for (const auto& f : w.leftOut)
                context.out << "; " << f.file << " left out: " << f.reason;
            if (w.subset)
                context.out << "; left out " << w.subset->droppedEntries << " tensors, "
                            << w.subset->droppedBytes << " bytes, " << w.subset->droppedObjects << " objects";
            context.out << "\n";
            return;
        }
        json::JsonWriter j(context.out);
        j.beginObject();
        j.field("schema", "tensorscope.export/1");
        j.field("format", m_mode);
        j.textField("source", m_path);
        j.key("files");
        j.beginArray();
        for (const auto& f : files)
            j.value(f.string());
        j.endArray();
        j.field("tensors", w.tensors);
        j.field("bytes", w.bytes);
        if (request.format == io::ExportFormat::Npz || request.format == io::ExportFormat::Safetensors)
            j.field("names", m_names);
        else
            j.nullField("names");
        j.key("skipped");
        j.beginArray();
        for (const auto& s : w.skipped)
            j.value(s);
        j.endArray();
        if (w.subset) {
            j.key("left_out");
            j.beginObject();
            j.field("tensors", w.subset->droppedEntries);
            j.field("bytes", w.subset->droppedBytes);
            j.field("objects", static_cast<int64_t>(w.subset->droppedObjects));
            j.endObject();
        } else {
            j.nullField("left_out");
        }
        j.field("stale_temporaries_removed", static_cast<int64_t>(stale));
        if (w.savedModel) {
            j.key("mapping");
            writeMapping(j, *w.savedModel, w.filesCopied, w.leftOut);
        }
        if (w.tf1) {
            j.key("signature");
            writeSignature(j, *w.tf1);
        }
        if (request.format == io::ExportFormat::SavedModel) {
            j.key("left_out_files");
            j.beginArray();
            for (const auto& f : w.leftOut) {
                j.beginObject();
                j.field("file", f.file);
                j.field("reason", f.reason);
                j.endObject();
            }
            j.endArray();
        }
        j.endObject();
        context.out << "\n";
    }

    static void writeVariable(json::JsonWriter& j, const io::SavedModelVariable& v)
    {
        j.beginObject();
        j.field("template_key", v.templateKey);
        j.field("template_type", v.templateType);
        auto optional = [&](const char* k, const std::string& s) {
            if (s.empty())
                j.nullField(k);
            else
                j.field(k, s);
        };
        optional("checkpoint_key", v.checkpointKey);
        optional("checkpoint_type", v.checkpointType);
        optional("method", v.method);
        optional("template_path", v.templatePath);
        optional("checkpoint_path", v.checkpointPath);
        optional("rule", v.rule);
        j.endObject();
    }

    static void writeSignature(json::JsonWriter& j, const io::Tf1ExportPlan& plan)
    {
        j.beginObject();
        j.field("key", plan.signatureKey);
        j.field("method_name", "tensorflow/serving/predict");
        for (auto [name, list] : { std::pair { "inputs", &plan.inputs }, { "outputs", &plan.outputs } }) {
            j.key(name);
            j.beginArray();
            for (const auto& t : *list) {
                j.beginObject();
                j.field("name", t.key);
                j.field("tensor", t.tensor.name);
                j.field("op", t.tensor.op);
                j.field("dtype", t.tensor.dtypeText());
                if (t.tensor.shape) {
                    j.key("shape");
                    j.beginArray();
                    for (int64_t d : *t.tensor.shape)
                        j.value(d);
                    j.endArray();
                } else {
                    j.nullField("shape");
                }
                j.endObject();
            }
            j.endArray();
        }
        j.field("restored_keys", static_cast<int64_t>(plan.restoredKeys.size()));
        j.key("missing");
        j.beginArray();
        for (const auto& k : plan.missing)
            j.value(k);
        j.endArray();
        j.endObject();
    }

    static void writeMapping(json::JsonWriter& j, const io::SavedModelExportPlan& plan, uint64_t filesCopied,
        const std::vector<io::LeftOutFile>& leftOut)
    {
        j.beginObject();
        j.field("refused", plan.refused());
        j.field("accept_fallback", plan.acceptFallback);
        j.field("checkpoint_root", plan.checkpointRoot);
        j.field("template_root", plan.templateRoot);
        j.field("template_files_copied", filesCopied);
        const bool fingerprintLeftOut = std::any_of(leftOut.begin(), leftOut.end(),
            [](const io::LeftOutFile& f) { return f.file == "fingerprint.pb"; });
        j.field("fingerprint", fingerprintLeftOut ? "left out" : "written");
        for (auto [name, list] : { std::pair { "matched", &plan.matched }, { "fallback", &plan.fallback },
                 { "missing", &plan.missing }, { "mismatched", &plan.mismatched }, { "kept", &plan.kept } }) {
            j.key(name);
            j.beginArray();
            for (const auto& v : *list)
                writeVariable(j, v);
            j.endArray();
        }
        j.key("unused");
        j.beginArray();
        for (const auto& k : plan.unused)
            j.value(k);
        j.endArray();
        j.endObject();
    }

    std::string m_mode;
    std::string m_template;
    std::string m_meta;
    std::vector<std::string> m_inputs;
    std::vector<std::string> m_outputs;
    std::string m_signatureKey = "serving_default";
    std::vector<std::string> m_map;
    bool m_acceptFallback = false;
    std::string m_path;
    std::string m_variable;
    std::string m_out;
    std::string m_slice;
    std::string m_names = "key";
    std::vector<std::string> m_keep;
    bool m_strip = false;
    bool m_force = false;
    bool m_sync = false;
    bool m_json = false;
    bool m_skipUnsupported = false;
};

} // namespace

std::unique_ptr<Command> makeExportCommand()
{
    return std::make_unique<ExportCommand>();
}

} // namespace tscope::cli
