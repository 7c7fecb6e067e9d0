// Training runs on disk: the checkpoints `ckpt-N`, `model.ckpt-N`, `weights.NN` of one prefix in a
// directory, in step order, with timestamps from the `checkpoint` state file (TF2 CheckpointManager) or
// else the `.index` file's modification time. A directory holding two prefixes (two Savers) gives two runs;
// the one the state file names is marked current. Only directory listings and the state file are read.
#pragma once

#include "io/status.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tscope::io {

struct RunStep {
    std::filesystem::path prefix; // the checkpoint prefix (prefix.index exists)
    std::optional<int64_t> step; // the number at the end of the name, when there is one
    double timestamp = 0; // Unix seconds
    bool timestampFromStateFile = false; // else the .index file's modification time
};

struct TrainingRun {
    std::string name; // the prefix without its step number: "ckpt", "model.ckpt", "weights"
    std::filesystem::path directory;
    std::vector<RunStep> steps; // by step number (natural name order)
    bool current = false; // the state file's latest checkpoint belongs to this run
};

// "ckpt-12" -> ("ckpt", 12), "weights.05" -> ("weights", 5), "model" -> ("model", none).
std::pair<std::string, std::optional<int64_t>> splitStepNumber(const std::string& prefixName);

// `inputs`: directories (every checkpoint in them) and checkpoint files or prefixes (`.index`, `.data-*`
// or the prefix). Runs sorted by directory then name; NotFound when no checkpoint was found at all.
Result<std::vector<TrainingRun>> findTrainingRuns(const std::vector<std::filesystem::path>& inputs);

} // namespace tscope::io
