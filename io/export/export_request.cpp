#include "io/export/export_request.h"

#include "io/bundle_rewrite.h"
#include "io/export/csv_writer.h"
#include "io/export/npy_format.h"
#include "io/export/npy_writer.h"
#include "io/export/npz_writer.h"
#include "io/export/safetensors_writer.h"
#include "io/export/tensor_select.h"

#include <algorithm>

namespace tscope::io {
namespace {

Status exportCheckpoint(
    const Artifact& a, const ExportRequest& request, const ExportOptions& options, ExportResult& result)
{
    auto plan = planCheckpointSubset(*a.bundle, a.tree, request.subset);
    if (!plan) return plan.status();
    RewriteOptions ro;
    const auto& kept = plan->keptKeys;
    ro.keep = [&kept](const TensorEntry& e) { return e.key == kObjectGraphKey || kept.count(e.key) > 0; };
    ro.objectGraph = plan->objectGraph;
    ro.replaceExisting = options.replaceExisting;
    ro.durability = options.durability;
    ro.cancel = options.cancel;
    ro.progress = options.progress;
    auto r = rewriteBundle(*a.bundle, request.out, ro);
    if (!r) return r.status();
    result.tensors = r->tensors;
    result.bytes = r->bytes;
    result.subset = std::move(plan.value());
    return Status::ok();
}

Status exportArchive(
    const Artifact& a, const ExportRequest& request, const ExportOptions& options, ExportResult& result)
{
    const BundleReader& bundle = *a.bundle;
    const bool npz = request.format == ExportFormat::Npz;
    auto selection = selectExportItems(
        bundle, a.tree, request.names, npz ? npySupports : safetensorsSupports, request.skipUnsupported);
    if (!selection) return selection.status();
    for (const auto& item : selection->items)
        result.bytes += bundle.entries()[item.entry].byteSize();
    result.tensors = selection->items.size();
    result.skipped = selection->skipped;
    if (!npz)
        return writeSafetensors(bundle, selection->items,
            { { "producer", "tensorscope" },
                { "names", request.names == ExportNames::Path ? "path" : "key" } },
            request.out, options);
    const size_t before = result.skipped.size();
    Status s = writeNpz(
        bundle, selection->items, request.out, options, request.skipUnsupported ? &result.skipped : nullptr);
    // Left out while writing (strings numpy cannot hold): not counted.
    for (size_t i = before; i < result.skipped.size(); ++i) {
        const std::string key = result.skipped[i].substr(0, result.skipped[i].rfind(": "));
        if (const auto* e = bundle.find(key)) result.bytes -= e->byteSize();
        --result.tensors;
    }
    return s;
}

Status exportTensor(
    const Artifact& a, const ExportRequest& request, const ExportOptions& options, ExportResult& result)
{
    const int idx = a.findEntry(request.variable);
    if (idx < 0) {
        result.noSuchVariable = true;
        return Status(ErrorCode::NotFound, "no variable named '" + request.variable + "'");
    }
    const auto& entry = a.bundle->entries()[static_cast<size_t>(idx)];
    ReadOptions ro;
    ro.cancel = options.cancel;
    auto tensor = a.bundle->read(entry, ro);
    if (!tensor) return tensor.status();
    auto part = selectTensor(*tensor, request.slice);
    if (!part) return part.status();
    result.tensors = 1;
    result.bytes = part->isString() ? 0 : part->bytes().size();
    return request.format == ExportFormat::Npy ? writeNpy(*part, request.out, options)
                                               : writeCsv(*part, request.out, options);
}

// OUT is a directory: it may not be (or lie inside) the template or the checkpoint's directory.
Status checkSavedModelOutput(const ExportRequest& request, const BundleReader& input, bool replaceExisting)
{
    std::error_code ec;
    const auto out = std::filesystem::weakly_canonical(std::filesystem::absolute(request.out), ec);
    auto inside = [&](const std::filesystem::path& dir) {
        const auto d
            = std::filesystem::weakly_canonical(std::filesystem::absolute(dir.empty() ? "." : dir), ec);
        auto [di, oi] = std::mismatch(d.begin(), d.end(), out.begin(), out.end());
        return di == d.end();
    };
    auto within = [&](const std::filesystem::path& dir) {
        const auto d
            = std::filesystem::weakly_canonical(std::filesystem::absolute(dir.empty() ? "." : dir), ec);
        auto [oi, di] = std::mismatch(out.begin(), out.end(), d.begin(), d.end());
        return oi == out.end();
    };
    if (!request.templatePath.empty() && (inside(request.templatePath) || within(request.templatePath)))
        return Status(ErrorCode::Io, "the output would overwrite the template (never overwritten)")
            .withPath(request.out.string());
    if (within(input.indexPath().parent_path()))
        return Status(
            ErrorCode::Io, "the output would replace the checkpoint's directory (never overwritten)")
            .withPath(request.out.string());
    if (std::filesystem::exists(request.out, ec) && !replaceExisting)
        return Status(ErrorCode::Io, "the output exists (use --force to replace it)")
            .withPath(request.out.string());
    if (std::filesystem::exists(request.out, ec) && !std::filesystem::is_directory(request.out, ec))
        return Status(ErrorCode::Io, "the output exists and is not a directory")
            .withPath(request.out.string());
    const auto dir = request.out.parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))
        return Status(ErrorCode::Io, "the output directory does not exist").withPath(dir.string());
    return Status::ok();
}

struct OpenedTemplate {
    std::shared_ptr<Artifact> artifact;
    std::filesystem::path dir;
};

Result<OpenedTemplate> openTemplate(const ExportRequest& request)
{
    if (request.templatePath.empty())
        return Status(
            ErrorCode::InvalidArgument, "savedmodel needs --template SM (TF2) or --meta M.meta (TF1)");
    auto t = openArtifact(request.templatePath);
    if (!t) return t.status();
    const Artifact& a = **t;
    if (a.location.kind != ArtifactKind::SavedModel || a.location.savedModelDir.empty())
        return Status(ErrorCode::InvalidArgument, "the template is not a SavedModel directory")
            .withPath(request.templatePath.string());
    if (!a.bundle)
        return a.bundleStatus.isOk() ? Status(ErrorCode::InvalidArgument, "the template has no variables")
                                           .withPath(request.templatePath.string())
                                     : a.bundleStatus;
    return OpenedTemplate { *t, a.location.savedModelDir };
}

Result<SavedModelExportPlan> planWith(
    const Artifact& checkpoint, const Artifact& templ, const ExportRequest& request)
{
    MappingOptions mo;
    for (const auto& text : request.mapRules) {
        auto rule = parseMappingRule(text);
        if (!rule) return rule.status();
        mo.rules.push_back(std::move(rule.value()));
    }
    return planSavedModelExport(*checkpoint.bundle, *templ.bundle, mo, request.acceptFallback);
}

Status exportSavedModel(
    const Artifact& a, const ExportRequest& request, const ExportOptions& options, ExportResult& result)
{
    auto templ = openTemplate(request);
    if (!templ) return templ.status();
    auto plan = planWith(a, *templ->artifact, request);
    if (!plan) return plan.status();
    result.savedModel = plan.value();
    if (plan->refused())
        return Status(ErrorCode::InvalidArgument, "the mapping refuses this export:\n" + plan->refusalText());
    SavedModelExportReport report;
    TSCOPE_RETURN_IF_ERROR(writeSavedModelExport(
        *a.bundle, *templ->artifact->bundle, templ->dir, *plan, request.out, options, report));
    result.tensors = report.tensors;
    result.bytes = report.bytes;
    result.filesCopied = report.filesCopied;
    result.leftOut = report.leftOut;
    return Status::ok();
}

Status exportTf1SavedModel(
    const Artifact& a, const ExportRequest& request, const ExportOptions& options, ExportResult& result)
{
    if (!request.templatePath.empty())
        return Status(ErrorCode::InvalidArgument, "give either --template (TF2) or --meta (TF1), not both");
    auto graph = Tf1Graph::open(request.metaPath);
    if (!graph) return graph.status();
    Tf1ExportPlan plan;
    Status s = planTf1Export(*a.bundle, **graph, request.signature, plan);
    result.noSuchVariable = plan.noSuchTensor;
    if (!s.isOk()) return s;
    result.tf1 = plan;
    if (plan.refused())
        return Status(
            ErrorCode::InvalidArgument, "the graph's saver refuses this checkpoint:\n" + plan.refusalText());
    Tf1ExportReport report;
    TSCOPE_RETURN_IF_ERROR(writeTf1SavedModel(*a.bundle, **graph, plan, request.out, options, report));
    result.tensors = report.tensors;
    result.bytes = report.bytes;
    result.leftOut = report.leftOut;
    return Status::ok();
}

} // namespace

Result<SavedModelExportPlan> planSavedModelRequest(const Artifact& checkpoint, const ExportRequest& request)
{
    if (!checkpoint.bundle) return Status(ErrorCode::NotFound, "this artifact has no variables");
    auto templ = openTemplate(request);
    if (!templ) return templ.status();
    return planWith(checkpoint, *templ->artifact, request);
}

const char* exportFormatName(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Checkpoint:
        return "checkpoint";
    case ExportFormat::Npz:
        return "npz";
    case ExportFormat::Safetensors:
        return "safetensors";
    case ExportFormat::Npy:
        return "npy";
    case ExportFormat::Csv:
        return "csv";
    case ExportFormat::SavedModel:
        return "savedmodel";
    }
    return "?";
}

std::vector<std::filesystem::path> exportOutputFiles(const ExportRequest& request, const BundleReader& bundle)
{
    if (request.format == ExportFormat::SavedModel)
        return { request.out / "saved_model.pb", request.out / "variables" / "variables.index" };
    if (request.format != ExportFormat::Checkpoint) return { request.out };
    std::vector<std::filesystem::path> files;
    const int32_t n = bundle.header().numShards;
    for (int32_t i = 0; i < n; ++i)
        files.push_back(bundleDataPath(request.out, i, n));
    files.push_back(request.out.string() + ".index");
    return files;
}

Status checkExportOutputs(const ExportRequest& request, const BundleReader& input, bool replaceExisting)
{
    if (request.format == ExportFormat::SavedModel)
        return checkSavedModelOutput(request, input, replaceExisting);
    const auto outputs = exportOutputFiles(request, input);
    std::vector<std::filesystem::path> inputs { input.indexPath() };
    for (int32_t i = 0; i < input.header().numShards; ++i)
        inputs.push_back(input.dataPath(i));
    for (const auto& out : outputs) {
        std::error_code ec;
        if (!std::filesystem::exists(out, ec)) continue;
        for (const auto& in : inputs)
            if (std::filesystem::equivalent(out, in, ec))
                return Status(ErrorCode::Io, "the output is one of the input's files (never overwritten)")
                    .withPath(out.string());
        if (!replaceExisting)
            return Status(ErrorCode::Io, "the output exists (use --force to replace it)")
                .withPath(out.string());
    }
    const auto dir = outputs.front().parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))
        return Status(ErrorCode::Io, "the output directory does not exist").withPath(dir.string());
    return Status::ok();
}

Status runExport(const Artifact& artifact, const ExportRequest& request, const ExportOptions& options,
    ExportResult& result)
{
    if (!artifact.bundle)
        return artifact.bundleStatus.isOk() ? Status(ErrorCode::NotFound, "this artifact has no variables")
                                            : artifact.bundleStatus;
    switch (request.format) {
    case ExportFormat::Checkpoint:
        return exportCheckpoint(artifact, request, options, result);
    case ExportFormat::Npz:
    case ExportFormat::Safetensors:
        return exportArchive(artifact, request, options, result);
    case ExportFormat::Npy:
    case ExportFormat::Csv:
        return exportTensor(artifact, request, options, result);
    case ExportFormat::SavedModel:
        return request.metaPath.empty() ? exportSavedModel(artifact, request, options, result)
                                        : exportTf1SavedModel(artifact, request, options, result);
    }
    return Status(ErrorCode::InvalidArgument, "unknown export format");
}

} // namespace tscope::io
