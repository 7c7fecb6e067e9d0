// Does a checkpoint fit a target (a SavedModel or another checkpoint)? It fits when every variable of the
// target has a match in the checkpoint (the one mapping engine) with the same dtype and shape: exactly when
// tf.train.Checkpoint(model=...).read(CKPT).assert_existing_objects_matched() succeeds on the target's
// model. The target's optimizer state and keras_api/ entries (Keras metadata for serialization only, never
// in checkpoints) are compared when the checkpoint has them but not required. Extra checkpoint variables
// (its optimizer) are reported, never failures. Only indexes and object graphs are read. Shared by
// `tensorscope-cli check` (checkFit) and the compare window's verdict (judgeFit on the diff plan's mapping).
#pragma once

#include "io/artifact.h"
#include "io/compare/variable_mapping.h"

#include <cstdint>
#include <vector>

namespace tscope::model {

struct FitMismatch {
    io::VariableMatch match; // a: the checkpoint's entry, b: the target's (also when judged from B to A)
    const char* what; // dtype | shape
};

// The verdict alone (entry indices and counts): cheap to keep next to a mapping held elsewhere.
struct FitVerdict {
    std::vector<int> missing; // required target entries without a match in the checkpoint
    std::vector<int> optionalMissing; // the target's optimizer state and keras_api/ entries it lacks
    std::vector<FitMismatch> mismatched;
    std::vector<int> unexpected; // checkpoint entries the target does not have
    uint64_t targetVariables = 0;
    bool fits() const { return missing.empty() && mismatched.empty(); }
};

struct FitReport : FitVerdict {
    io::VariableMapping mapping; // checkpoint = A, target = B
};

// Maps the checkpoint (A) onto the target (B) and judges the mapping: `tensorscope-cli check`.
FitReport checkFit(
    const io::Artifact& ckpt, const io::Artifact& target, const io::MappingOptions& options = {});

// Which side of a mapping the checkpoint is.
enum class CheckpointSide { A, B };

// Judges a mapping already made (the compare window's diff plan, whose A may be the target): the same
// verdict as checkFit on that mapping, without mapping 100,000 variables a second time.
FitVerdict judgeFit(const io::Artifact& ckpt, const io::Artifact& target, const io::VariableMapping& mapping,
    CheckpointSide ckptSide);

} // namespace tscope::model
