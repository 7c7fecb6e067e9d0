// Per-variable series over the steps of a training run: L2 norm, mean, std, max |value| at each step and
// the relative change ‖w_t − w_{t−1}‖/‖w_{t−1}‖ from the previous step (the diff kernel's rel_change,
// so the run view's "update ratio" and `diff` agree). Used by the CLI `run` and the run view.
#pragma once

#include "io/artifact.h"
#include "model/kernels/diff_metrics.h"
#include "model/kernels/tensor_stats.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tscope::model {

struct SeriesPoint {
    bool present = false; // the step has this variable
    TensorStats stats;
    std::optional<double> relChange; // null at the first step, after a gap, or when ‖w_{t−1}‖ = 0
    io::Status error;
};

struct VariableSeries {
    std::string key;
    std::string objectPath; // TF2 object path in the last step, empty for TF1
    io::DType dtype = io::DType::Invalid;
    io::Shape shape;
    std::vector<SeriesPoint> points; // one per step
};

struct SeriesOptions {
    // Checkpoint keys or TF2 object paths, resolved in the last step; empty = the model's variables
    // (every variable that is not optimizer state) of the last step.
    std::vector<std::string> variables;
    const io::CancelToken* cancel = nullptr;
    io::ProgressFn progress; // in steps × variables
    io::Executor* executor = nullptr;
    // Why a step could not be opened, index-aligned with `steps` (whose entry is then null); may be empty.
    std::vector<io::Status> stepErrors;
};

// A null step (a checkpoint that could not be opened: truncated, damaged, deleted) gives every series a
// point with that step's error (from options.stepErrors) and breaks the relative-change chain; variables
// are resolved in the last step that opened. NotFound when a requested variable is not in that step;
// Cancelled when cancelled.
io::Result<std::vector<VariableSeries>> computeVariableSeries(
    const std::vector<std::shared_ptr<io::Artifact>>& steps, const SeriesOptions& options = {});

} // namespace tscope::model
