// One export, as the CLI and the GUI ask for it: what to write where, and what was written. The single
// place that turns a request into calls of the writers in io/export and bundle_rewrite.
#pragma once

#include "io/artifact.h"
#include "io/export/checkpoint_subset.h"
#include "io/export/export_items.h"
#include "io/export/export_options.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tscope::io {

enum class ExportFormat { Checkpoint, Npz, Safetensors, Npy, Csv };
const char* exportFormatName(ExportFormat format); // "checkpoint", "npz", ...

struct ExportRequest {
    ExportFormat format = ExportFormat::Npz;
    std::filesystem::path out; // a file, or the prefix of a checkpoint
    std::string variable; // npy/csv: checkpoint key or object path
    std::string slice; // npy/csv: numpy-style selection, empty for all
    ExportNames names = ExportNames::Key; // npz/safetensors
    bool skipUnsupported = false; // npz/safetensors
    SubsetOptions subset; // checkpoint
};

struct ExportResult {
    uint64_t tensors = 0;
    uint64_t bytes = 0;
    std::vector<std::string> skipped; // "<key>: <reason>"
    std::optional<SubsetPlan> subset; // checkpoint
    bool noSuchVariable = false; // the NotFound was the requested variable
};

// The files an export writes (a checkpoint: its data shards and index).
std::vector<std::filesystem::path> exportOutputFiles(
    const ExportRequest& request, const BundleReader& bundle);

// Before writing: an existing output needs `replaceExisting`, an output that is one of the input's own
// files is refused even then, and the output directory must exist.
Status checkExportOutputs(const ExportRequest& request, const BundleReader& input, bool replaceExisting);

Status runExport(const Artifact& artifact, const ExportRequest& request, const ExportOptions& options,
    ExportResult& result);

} // namespace tscope::io
