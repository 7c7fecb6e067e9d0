// The `checkpoint` state file (text-format CheckpointState) that lists a training run's checkpoints.
#pragma once

#include "io/status.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tscope::io {

struct CheckpointRef {
    std::filesystem::path prefix; // resolved against the state file's directory
    std::string recordedPath; // as written in the file
    std::optional<double> timestamp; // Unix seconds (TF2 CheckpointManager)
    bool latest = false;
    bool exists = false; // prefix.index (V2) or the prefix itself (V1) exists
};

struct CheckpointState {
    std::filesystem::path file;
    std::vector<CheckpointRef> checkpoints; // oldest first; the latest is last
    std::vector<Status> warnings; // remarks; read them with warningText()
};

// Parses `dir/checkpoint` (or the given state file). A relative path is resolved against its directory;
// an absolute path that does not exist falls back to the same file name next to the state file.
Result<CheckpointState> readCheckpointState(const std::filesystem::path& stateFile);

} // namespace tscope::io
