// Smaller checkpoints: which entries `export checkpoint --strip-optimizer / --keep REGEX` keeps, and for
// TF2 checkpoints the object graph rewritten to match: attributes whose tensors are gone are removed,
// objects left with nothing saved below them (the optimizer, its slots) are removed and the remaining
// nodes renumbered, so TensorFlow restores the result into the model and assert_existing_objects_matched
// holds for the objects that are still there.
#pragma once

#include "io/bundle_reader.h"
#include "io/bundle_rewrite.h"
#include "io/variable_tree.h"

#include <set>
#include <string>
#include <vector>

namespace tscope::io {

struct SubsetOptions {
    bool stripOptimizer = false; // drop slots and every variable an optimizer owns (iterations, ...)
    std::vector<std::string>
        keep; // ECMAScript regexes searched in the key and the object path; any match keeps
};

struct SubsetPlan {
    std::set<std::string> keptKeys; // object graph excluded
    uint64_t keptBytes = 0;
    uint64_t droppedEntries = 0;
    uint64_t droppedBytes = 0;
    int droppedObjects = 0; // object graph nodes removed
    std::optional<std::string> objectGraph; // the rewritten graph (TF2 only)
};

Result<SubsetPlan> planCheckpointSubset(
    const BundleReader& bundle, const VariableTree& tree, const SubsetOptions& options);

// Checkpoint keys of the objects the root reaches only through an optimizer edge (slots, iterations...).
std::set<std::string> optimizerOnlyKeys(const std::string& serializedGraph);

// The serialized TrackableObjectGraph without what refers to tensors outside `keptKeys`.
Result<std::string> pruneObjectGraph(
    const std::string& serialized, const std::set<std::string>& keptKeys, int& droppedObjects);

} // namespace tscope::io
