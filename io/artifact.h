// One opened artifact: what the CLI and the GUI work on. Opening reads the index, the object graph
// and the SavedModel protos; never tensor data.
#pragma once

#include "io/artifact_locator.h"
#include "io/bundle_reader.h"
#include "io/saved_model_reader.h"
#include "io/variable_tree.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tscope::io {

struct DTypeTotals {
    DType dtype = DType::Invalid;
    uint64_t variables = 0;
    uint64_t parameters = 0;
    uint64_t bytes = 0;
};

struct Artifact {
    ArtifactLocation location;
    std::shared_ptr<const BundleReader> bundle; // null for a SavedModel without variables
    Status bundleStatus; // why `bundle` is null although variables exist
    std::optional<SavedModelInfo> savedModel;
    VariableTree tree;
    std::string tensorflowVersion; // from the SavedModel or a `.meta` next to the checkpoint; may be empty
    std::vector<Status> warnings; // notes and problems met while opening; read them with warningText()

    std::string format() const; // tf2-object | tf1-name (checkpoints), tf2 | tf1 (SavedModels)
    std::vector<DTypeTotals> totalsByDtype() const;
    DTypeTotals optimizerTotals() const;
    // What is neither optimizer state nor the object graph's bookkeeping, each Keras 3 twin counted once.
    DTypeTotals modelWeightTotals() const;
    DTypeTotals totals() const;

    // Resolves a user's variable name: a checkpoint key, or a TF2 object path (`dense/kernel`).
    int findEntry(const std::string& nameOrPath) const;
};

struct OpenOptions {
    const CancelToken* cancel = nullptr;
    // (done, total) in bytes on one scale fixed when opening starts: the SavedModel proto, the `.index`
    // scan, then the tree building. Never decreases, ends at total; returning false cancels (Cancelled).
    ProgressFn progress;
    // false: a checkpoint's tree holds the root alone; its annotations, totals and warnings are the same
    // (TreeOptions::displayTree). SavedModels always get their tree.
    bool displayTree = true;
};

Result<std::shared_ptr<Artifact>> openArtifact(
    const std::filesystem::path& path, const OpenOptions& options = {});

} // namespace tscope::io
