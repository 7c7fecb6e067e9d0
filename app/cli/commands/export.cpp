// `export checkpoint|npz|safetensors|npy|csv`: writes what an artifact holds in another form
// (tensorscope.export/1). The output is written under a temporary name in its directory and renamed into
// place when complete; an existing output is replaced only with --force; the inputs are never written.
#include "app/cli/command.h"
#include "app/cli/commands/export_paths.h"
#include "app/cli/exit_codes.h"
#include "io/atomic_file.h"
#include "io/bundle_rewrite.h"
#include "io/export/checkpoint_subset.h"
#include "io/export/csv_writer.h"
#include "io/export/export_items.h"
#include "io/export/npy_format.h"
#include "io/export/npy_writer.h"
#include "io/export/npz_writer.h"
#include "io/export/safetensors_writer.h"
#include "io/export/tensor_select.h"
#include "io/json/json_writer.h"

#include <CLI/CLI.hpp>
#include <ostream>

namespace tscope::cli {
namespace {

struct Written {
    std::vector<std::string> files;
    uint64_t tensors = 0;
    uint64_t bytes = 0;
    std::vector<std::string> skipped;
    std::optional<io::SubsetPlan> subset;
};

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
        return "write a smaller checkpoint, .npz, .safetensors, or one tensor as .npy/.csv";
    }

    void addArguments(CLI::App& app) override
    {
        app.require_subcommand(1);
        auto common = [&](CLI::App* sub, const char* mode, bool variable) {
            sub->add_option("PATH", m_path, "checkpoint prefix, .index, directory or SavedModel")->required();
            if (variable) sub->add_option("VAR", m_variable, "checkpoint key or TF2 object path")->required();
            sub->add_option("OUT", m_out, "the output (a prefix for checkpoint)")->required();
            sub->add_flag("--force", m_force, "replace an existing output");
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
        for (const char* archive : { "npz", "safetensors" }) {
            auto* sub
                = common(app.add_subcommand(archive,
                             std::string("every tensor as ") + archive + " (the object graph excepted)"),
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
        const io::BundleReader& bundle = *artifact->bundle;
        const std::vector<std::filesystem::path> outputs = m_mode == "checkpoint"
            ? bundleOutputFiles(m_out, bundle.header().numShards)
            : std::vector<std::filesystem::path> { m_out };
        if (io::Status s = checkOutputs(outputs, bundle, m_force); !s.isOk())
            return context.reportError(s, kExitNotWritten);
        const int stale = io::removeStaleTemporaries(std::filesystem::path(m_out).parent_path());

        ProgressBar bar = context.progress("exporting");
        io::ExportOptions options;
        options.replaceExisting = m_force;
        options.cancel = &context.cancel;
        options.progress = context.progressCallback(bar);
        Written written;
        io::Status s = write(*artifact, options, written);
        bar.finish();
        if (s.code() == io::ErrorCode::Cancelled) return context.reportCancelled();
        if (!s.isOk())
            return context.reportError(s,
                s.code() == io::ErrorCode::NotFound && m_missingVariable ? kExitNoSuchVariable
                                                                         : exitCodeFor(s));
        for (const auto& f : outputs)
            if (std::filesystem::exists(f)) written.files.push_back(f.string());
        report(context, written, stale);
        return kExitOk;
    }

private:
    io::Status write(const io::Artifact& a, const io::ExportOptions& options, Written& written)
    {
        const io::BundleReader& bundle = *a.bundle;
        if (m_mode == "checkpoint") {
            io::SubsetOptions so;
            so.stripOptimizer = m_strip;
            so.keep = m_keep;
            auto plan = io::planCheckpointSubset(bundle, a.tree, so);
            if (!plan) return plan.status();
            io::RewriteOptions ro;
            const auto& kept = plan->keptKeys;
            ro.keep = [&kept](const io::TensorEntry& e) {
                return e.key == io::kObjectGraphKey || kept.count(e.key) > 0;
            };
            ro.objectGraph = plan->objectGraph;
            ro.replaceExisting = options.replaceExisting;
            ro.cancel = options.cancel;
            ro.progress = options.progress;
            auto r = io::rewriteBundle(bundle, m_out, ro);
            if (!r) return r.status();
            written.tensors = r->tensors;
            written.bytes = r->bytes;
            written.subset = std::move(plan.value());
            return io::Status::ok();
        }
        if (m_mode == "npz" || m_mode == "safetensors") {
            const bool npz = m_mode == "npz";
            auto selection = io::selectExportItems(bundle, a.tree,
                m_names == "path" ? io::ExportNames::Path : io::ExportNames::Key,
                npz ? io::npySupports : io::safetensorsSupports, m_skipUnsupported);
            if (!selection) return selection.status();
            for (const auto& item : selection->items)
                written.bytes += bundle.entries()[item.entry].byteSize();
            written.tensors = selection->items.size();
            written.skipped = selection->skipped;
            if (npz) {
                const size_t before = written.skipped.size();
                io::Status s = io::writeNpz(
                    bundle, selection->items, m_out, options, m_skipUnsupported ? &written.skipped : nullptr);
                // Left out while writing: not counted.
                for (size_t i = before; i < written.skipped.size(); ++i) {
                    const std::string key = written.skipped[i].substr(0, written.skipped[i].rfind(": "));
                    if (const auto* e = bundle.find(key)) written.bytes -= e->byteSize();
                    --written.tensors;
                }
                return s;
            }
            return io::writeSafetensors(bundle, selection->items,
                { { "producer", "tensorscope" }, { "names", m_names } }, m_out, options);
        }
        const int idx = a.findEntry(m_variable);
        if (idx < 0) {
            m_missingVariable = true;
            return io::Status(io::ErrorCode::NotFound, "no variable named '" + m_variable + "'");
        }
        const auto& entry = bundle.entries()[static_cast<size_t>(idx)];
        io::ReadOptions ro;
        ro.cancel = options.cancel;
        auto tensor = bundle.read(entry, ro);
        if (!tensor) return tensor.status();
        auto part = io::selectTensor(*tensor, m_slice);
        if (!part) return part.status();
        written.tensors = 1;
        written.bytes = part->isString() ? 0 : part->bytes().size();
        return m_mode == "npy" ? io::writeNpy(*part, m_out, options) : io::writeCsv(*part, m_out, options);
    }

    void report(CommandContext& context, const Written& w, int stale) const
    {
        for (const auto& s : w.skipped)
            context.err << "tensorscope-cli: skipped " << s << "\n";
        if (!m_json) {
            context.out << "wrote " << m_out << " (" << m_mode << "): " << w.tensors << " tensors, "
                        << w.bytes << " bytes";
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
        for (const auto& f : w.files)
            j.value(f);
        j.endArray();
        j.field("tensors", w.tensors);
        j.field("bytes", w.bytes);
        if (m_mode == "npz" || m_mode == "safetensors")
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
        j.endObject();
        context.out << "\n";
    }

    std::string m_mode;
    std::string m_path;
    std::string m_variable;
    std::string m_out;
    std::string m_slice;
    std::string m_names = "key";
    std::vector<std::string> m_keep;
    bool m_strip = false;
    bool m_force = false;
    bool m_json = false;
    bool m_skipUnsupported = false;
    bool m_missingVariable = false;
};

} // namespace

std::unique_ptr<Command> makeExportCommand()
{
    return std::make_unique<ExportCommand>();
}

} // namespace tscope::cli
