// Which model variable each slot of a Keras optimizer (TF >= 2.11: Keras 2.11+ and Keras 3) belongs to.
//
// These optimizers record no slot references in the object graph. What they do record: the optimizer's
// `_variables` list and one list per kind of slot (`_momentums`, `_velocities`, ...), each holding one slot
// per trained variable in the order of the variables the optimizer was built with. Keras 3 also records
// that order (`_trainable_variables`); Keras 2 does not, so the trained variables are found as the one
// order-preserving choice among the model's variables whose shapes and dtypes fit the list. Whenever more
// than one choice fits, the slot is reported ambiguous: a wrong link shown as fact is worse than none.
#pragma once

#include "io/bundle_entry.h"
#include "io/object_graph_view.h"

#include <string>
#include <vector>

namespace tscope::io {

enum class SlotLinkConfidence {
    None, // not a slot (or nothing is known)
    LinkedByGraph, // the object graph's slot_variables name the variable
    Inferred, // one layout fits: the link is derived, not recorded
    Ambiguous, // a slot, but more than one variable fits
    Unlinked, // a slot whose variable cannot be found
};
const char* slotLinkConfidenceName(SlotLinkConfidence c); // "linked-by-graph", "inferred", ...

// What is known about one optimizer slot.
struct SlotLink {
    SlotLinkConfidence confidence = SlotLinkConfidence::None;
    std::string variableKey; // checkpoint key of the model variable; empty unless linked or inferred
    std::string variablePath; // that variable's object path as the tree shows it
    std::string slotName; // Keras' own name of the slot (`m`, `momentum`, ...) when known
    std::string slotList; // the optimizer attribute holding it (`_momentums`), empty for graph links
    std::string optimizerPath; // the optimizer's object path
    std::string reason; // why this confidence, in words
};

// One line for a person: "inferred: m of dense/kernel", "ambiguous: a slot in _momentums of optimizer".
std::string slotLinkText(const SlotLink& link);

// The object graph as the tree builder already knows it: each node's first breadth-first path and the
// bundle entry of its VARIABLE_VALUE (-1 if none).
struct ObjectGraphIndex {
    const ObjectGraphView& graph;
    const std::vector<std::string>& path;
    const std::vector<int>& variableEntry;
    const std::vector<TensorEntry>& entries;
};

struct InferredSlot {
    int node = -1; // the slot's object-graph node
    int entry = -1; // its bundle entry
    int variableNode = -1; // the model variable's node when linked
    SlotLink link;
};

// A Keras (>= 2.11) optimizer found in the graph.
struct KerasOptimizer {
    int node = -1;
    bool keras3 = false; // records `_trainable_variables`
    std::vector<int> trainableVariables; // Keras 3: the nodes of `_trainable_variables`, in order
};

std::vector<KerasOptimizer> findKerasOptimizers(const ObjectGraphView& graph);

// Every slot held in a slot list of a Keras optimizer, with its link. Nodes in `alreadySlots` (linked by
// slot_variables) are skipped.
std::vector<InferredSlot> inferKerasOptimizerSlots(
    const ObjectGraphIndex& index, const std::vector<char>& alreadySlots);

} // namespace tscope::io
