// Checkpoint -> SavedModel, TF1: a name-based checkpoint and its `.meta` graph become a SavedModel with the
// `serve` tag. The graph is the computation (kept as it is, its saver included, so TensorFlow's TF1 loader
// restores the variables through the graph's own restore op); the signature is built from the graph's
// placeholders (inputs) and any op outputs (outputs), dtype and shape from the graph's node attrs; the
// checkpoint's tensors are written, re-encoded under their own keys, to variables/variables.*.
#pragma once

#include "io/bundle_reader.h"
#include "io/export/export_options.h"
#include "io/export/savedmodel_directory.h"
#include "io/export/tf1_graph.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tscope::io {

struct Tf1SignatureSpec {
    std::string key = "serving_default";
    std::vector<std::string> inputs; // NAME=TENSOR, as on the command line
    std::vector<std::string> outputs;
};

struct SignatureTensor {
    std::string key; // the signature's name for it
    GraphTensor tensor;
};

struct Tf1ExportPlan {
    std::string signatureKey;
    std::vector<SignatureTensor> inputs;
    std::vector<SignatureTensor> outputs;
    std::vector<std::string> restoredKeys; // what the graph's saver restores (all in the checkpoint)
    std::vector<std::string> missing; // keys the saver restores that the checkpoint lacks: refused
    bool noSuchTensor = false; // the error named a tensor the graph does not have (exit 5)

    bool refused() const { return !missing.empty(); }
    std::string refusalText() const;
};

// Resolves the signature against the graph and checks the saver's keys against the checkpoint. Errors:
// NotFound (noSuchTensor set) for a tensor the graph does not have, InvalidArgument for an input that is
// not a placeholder, a malformed NAME=TENSOR, a name given twice, or no output.
Status planTf1Export(
    const BundleReader& checkpoint, const Tf1Graph& graph, const Tf1SignatureSpec& spec, Tf1ExportPlan& plan);

struct Tf1ExportReport {
    uint64_t tensors = 0;
    uint64_t bytes = 0;
    std::vector<LeftOutFile> leftOut; // files of a SavedModel not written, and why
};

// Writes OUT (a directory) from a plan that is not refused, built in a temporary directory beside OUT and
// renamed into place when complete (an existing OUT is replaced only with replaceExisting).
Status writeTf1SavedModel(const BundleReader& checkpoint, const Tf1Graph& graph, const Tf1ExportPlan& plan,
    const std::filesystem::path& out, const ExportOptions& options, Tf1ExportReport& report);

} // namespace tscope::io
