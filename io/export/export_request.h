// One export, as the CLI and the GUI ask for it: what to write where, and what was written. The single
// place that turns a request into calls of the writers in io/export and bundle_rewrite.
#pragma once

#include "io/artifact.h"
#include "io/export/checkpoint_subset.h"
#include "io/export/export_items.h"
#include "io/export/export_options.h"
#include "io/export/savedmodel_directory.h"
#include "io/export/savedmodel_export.h"
#include "io/export/savedmodel_tf1_export.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tscope::io {

enum class ExportFormat { Checkpoint, Npz, Safetensors, Npy, Csv, SavedModel };
const char* exportFormatName(ExportFormat format); // "checkpoint", "npz", ...

struct ExportRequest {
    ExportFormat format = ExportFormat::Npz;
    std::filesystem::path out; // a file, or the prefix of a checkpoint
    std::string variable; // npy/csv: checkpoint key or object path
    std::string slice; // npy/csv: numpy-style selection, empty for all
    ExportNames names = ExportNames::Key; // npz/safetensors
    bool skipUnsupported = false; // npz/safetensors
    SubsetOptions subset; // checkpoint
    std::filesystem::path templatePath; // savedmodel: the template SavedModel
    std::vector<std::string> mapRules; // savedmodel: REGEX=REPLACEMENT, checkpoint key -> template key
    bool acceptFallback = false; // savedmodel: write variables matched by name only
    std::filesystem::path metaPath; // savedmodel, TF1: the `.meta` graph (instead of a template)
    Tf1SignatureSpec signature; // savedmodel, TF1: the signature built from the graph
};

struct ExportResult {
    uint64_t tensors = 0;
    uint64_t bytes = 0;
    std::vector<std::string> skipped; // "<key>: <reason>"
    std::optional<SubsetPlan> subset; // checkpoint
    bool noSuchVariable = false; // the NotFound was the requested variable
    std::optional<SavedModelExportPlan> savedModel; // savedmodel: the mapping, also when it refused
    uint64_t filesCopied = 0; // savedmodel: template files copied byte for byte
    std::optional<Tf1ExportPlan> tf1; // savedmodel from a .meta graph: the signature and the saver's keys
    std::vector<LeftOutFile> leftOut; // savedmodel: files not written, with the reason (fingerprint.pb)
};

// The files an export writes (a checkpoint: its data shards and index).
std::vector<std::filesystem::path> exportOutputFiles(
    const ExportRequest& request, const BundleReader& bundle);

// Before writing: an existing output needs `replaceExisting`, an output that is one of the input's own
// files is refused even then, and the output directory must exist.
Status checkExportOutputs(const ExportRequest& request, const BundleReader& input, bool replaceExisting);

// savedmodel: the mapping between the checkpoint and the template, before anything is written (the GUI
// shows it; runExport computes it again). Opens the template; reads only indexes and object graphs.
Result<SavedModelExportPlan> planSavedModelRequest(const Artifact& checkpoint, const ExportRequest& request);

// A savedmodel export whose mapping refuses returns InvalidArgument with result.savedModel->refused()
// (TF1: result.tf1->refused(), the saver restores keys the checkpoint lacks).
Status runExport(const Artifact& artifact, const ExportRequest& request, const ExportOptions& options,
    ExportResult& result);

} // namespace tscope::io
