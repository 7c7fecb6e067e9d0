// The tree a person browses: TF2 object hierarchy (from _CHECKPOINTABLE_OBJECT_GRAPH) with optimizer
// slots under the variable they belong to, or the `/`-separated name hierarchy of TF1 checkpoints.
#pragma once

#include "io/bundle_reader.h"
#include "io/optimizer_slots.h"
#include "io/prepared_object_graph_ptr.h"
#include "io/rare_fields.h"

#include <string>
#include <string_view>
#include <vector>

namespace tscope::io {

enum class NodeKind { Root, Object, Variable, Slot, Group };
const char* nodeKindName(NodeKind kind);

// What an index entry is, for listings and accounting.
enum class EntryRole { Variable, Slot, ObjectGraph, Other };
const char* entryRoleName(EntryRole role);

// What only some entries have (optimizer slots, Keras weights, SavedModel variables), kept apart so the
// plain variables of a 100,000-entry checkpoint carry one null pointer instead of ~400 bytes of empty
// strings.
struct EntryDetails {
    std::string slotOfKey; // slots: checkpoint key of the variable the slot belongs to
    std::string slotName; // slots: m, v, momentum, ...
    std::string optimizerPath; // slots: the optimizer's object path (TF1: the optimizer's name, e.g. Adam)
    // Every optimizer slot: how it is linked to its variable (recorded by the graph, inferred for Keras
    // optimizers of TF >= 2.11, or undecidable with the reason). Role Slot and slotOfKey stay reserved for
    // links the object graph records.
    SlotLink slotLink;
    // A model weight shown away from its first breadth-first path (Keras 3 checkpoints reach the model's
    // weights first as optimizer/_trainable_variables/K): that path, for "found at".
    std::string foundAt;
    // SavedModels: the variable's name from the SavedObjectGraph (`dense/kernel`); empty elsewhere.
    std::string variableName;
    // Keras 3 exports store each weight twice: the key of the twin this entry repeats (same name and bytes),
    // and on that primary entry, the object paths of its twins.
    std::string twinOf;
    std::vector<std::string> aliases;
};

struct EntryAnnotation {
    EntryRole role = EntryRole::Other;
    bool optimizerState = false; // slot or a variable owned by an optimizer (iterations, beta powers...)
    std::string objectPath; // TF2: first breadth-first path of the owning object; empty for TF1

    // Empty details when the entry has none; reading never allocates.
    const EntryDetails& details() const { return m_details.get(); }
    // Allocates the details on first use: for the builders that set them.
    EntryDetails& editDetails() { return m_details.edit(); }

private:
    RareFields<EntryDetails> m_details;
};

// What few tree nodes have: Keras layer labels, slot names, notes.
struct NodeDetails {
    std::string label; // extra description, e.g. the Keras layer "conv (Conv2D)"
    std::string slotName; // Slot nodes
    std::string optimizerPath; // Slot nodes
};

struct TreeNode {
    std::string name; // one path segment, unescaped for display
    NodeKind kind = NodeKind::Object;
    bool alias = false; // a twin of another variable (Keras 3 exports): not counted in the totals
    int parent = -1;
    int entry = -1; // index into BundleReader::entries(), for Variable and Slot nodes
    std::vector<int> children;
    std::string path; // TF2 object path or TF1 name prefix of this node
    uint64_t parameters = 0; // aggregated over the subtree, optimizer slots and aliases excluded
    uint64_t bytes = 0;

    const std::string& label() const { return m_details.get().label; }
    const std::string& slotName() const { return m_details.get().slotName; }
    const std::string& optimizerPath() const { return m_details.get().optimizerPath; }
    NodeDetails& editDetails() { return m_details.edit(); }

private:
    RareFields<NodeDetails> m_details;
};

struct VariableTree {
    bool objectBased = false; // true when built from a TF2 object graph
    std::vector<TreeNode> nodes; // nodes[0] is the root
    std::vector<EntryAnnotation> annotations; // parallel to BundleReader::entries()
    std::vector<Status> warnings; // e.g. an object graph that could not be decoded
    // Keras 3 tf.train.Checkpoint(model=..., optimizer=...): the model's trainable weights are named by
    // the optimizer (optimizer/_trainable_variables/K, their first breadth-first path). How many.
    int weightsThroughOptimizer = 0;
};

struct TreeOptions {
    // false: only what describes the entries (the annotations: roles, optimizer state, slot links, object
    // paths; objectBased and the warnings), the same as with the tree; `nodes` holds the root alone,
    // without totals. For commands that only count (info): 125,000 nodes are not built to be dropped.
    bool displayTree = true;
};

// Builds the tree from the bundle's object graph when there is one (reading that one string tensor),
// otherwise from the key names. Never fails: a damaged object graph falls back to names with a warning.
// `progress` counts three passes over the entries (per entry for name-based trees, per pass for object
// graphs); its answer is not read: the caller checks for cancellation once the tree is built.
// `prepared`: the graph read ahead (prefetchObjectGraph), used when it came from the bundle's graph entry.
VariableTree buildVariableTree(const BundleReader& bundle, const ProgressFn& progress = {},
    PreparedObjectGraphPtr prepared = nullptr, const TreeOptions& options = {});

// (Re)computes every node's parameters and bytes bottom-up; slots and aliases add nothing to their parents.
void aggregateTreeTotals(VariableTree& tree, const BundleReader& bundle);

// TF2 object-path escaping of one local name: '.' -> "..", '/' -> ".S".
std::string escapeLocalName(std::string_view name);

} // namespace tscope::io
