// Does a checkpoint fit a target (a SavedModel or another checkpoint)? It fits when every variable of the
// target has a match in the checkpoint (the one mapping engine) with the same dtype and shape: exactly when
// tf.train.Checkpoint(model=...).read(CKPT).assert_existing_objects_matched() succeeds on the target's
// model. The target's optimizer state and keras_api/ entries (Keras metadata for serialization only, never
// in checkpoints) are compared when the checkpoint has them but not required. Extra checkpoint variables
// (its optimizer) are reported, never failures. Only indexes and object graphs are read. Shared by
// `tensorscope-cli check` and the compare window's verdict.
#pragma once

#include "io/artifact.h"
#include "io/compare/variable_mapping.h"

#include <cstdint>
#include <vector>

namespace tscope::model {

struct FitMismatch {
    io::VariableMatch match;
    const char* what; // dtype | shape
};

struct FitReport {
    io::VariableMapping mapping;
    std::vector<int> missing; // required target entries without a match in the checkpoint
    std::vector<int> optionalMissing; // the target's optimizer state and keras_api/ entries it lacks
    std::vector<FitMismatch> mismatched;
    std::vector<int> unexpected; // checkpoint entries the target does not have
    uint64_t targetVariables = 0;
    bool fits() const { return missing.empty() && mismatched.empty(); }
};

FitReport checkFit(
    const io::Artifact& ckpt, const io::Artifact& target, const io::MappingOptions& options = {});

} // namespace tscope::model
