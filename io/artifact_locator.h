// Finds the artifact behind any path a person could double-click or type.
#pragma once

#include "io/checkpoint_state.h"
#include "io/status.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tscope::io {

enum class ArtifactKind { Checkpoint, SavedModel };
const char* artifactKindName(ArtifactKind kind);

struct ArtifactLocation {
    ArtifactKind kind = ArtifactKind::Checkpoint;
    std::filesystem::path input; // what was given
    std::filesystem::path
        checkpointPrefix; // the bundle to open (a SavedModel's variables/variables); may be empty
    std::filesystem::path savedModelDir; // SavedModels only
    std::optional<CheckpointState> run; // the training run, when a `checkpoint` state file was found
    // A SavedModel's `variables/` (or its files) opened on their own: the SavedModel directory, so that a
    // GUI can offer to open it instead (a Note says so too). Empty otherwise.
    std::filesystem::path enclosingSavedModel;
    // How the path was interpreted, when not obvious, and the state file's warnings (once: openArtifact
    // copies these into Artifact::warnings and nothing else does). Read with warningText().
    std::vector<Status> notes;
};

// Accepts: a `.index` file, any `.data-*` shard, the prefix, the `checkpoint` state file, a training
// directory, `saved_model.pb`/`.pbtxt`, a SavedModel directory, its `variables/` directory, a
// `.meta` file, and a serving base directory with numbered versions. Keras `.h5`/`.keras`, legacy V1
// checkpoints, chunked SavedModels and Git LFS pointers give Unsupported with a clear message.
Result<ArtifactLocation> locateArtifact(const std::filesystem::path& input);

// Checkpoint prefixes (`dir/x` for every `dir/x.index`), sorted with numbers compared as numbers.
std::vector<std::filesystem::path> checkpointPrefixesIn(const std::filesystem::path& dir);

// "model.ckpt-10" < "model.ckpt-9"? No: compares digit runs numerically.
bool naturalLess(const std::string& a, const std::string& b);

} // namespace tscope::io
