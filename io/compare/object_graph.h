// The TF2 object graph of a bundle (_CHECKPOINTABLE_OBJECT_GRAPH) as plain edges, attributes and slots:
// what matching two artifacts walks (FORMATS.md §3.2, §3.4). No paths are computed here.
#pragma once

#include "io/bundle_reader.h"

#include <optional>
#include <string>
#include <vector>

namespace tscope::io {

struct ObjectGraph {
    struct Edge {
        std::string name; // local name, unescaped
        int node = -1;
    };
    struct Attribute {
        std::string name; // VARIABLE_VALUE, ...
        std::string key; // checkpoint key
    };
    struct Slot {
        int original = -1; // the variable the slot belongs to
        int slot = -1; // the slot variable's node
        std::string name; // m, v, momentum, ...
    };
    struct Node {
        std::vector<Edge> children;
        std::vector<Attribute> attributes;
        std::vector<Slot> slots; // on optimizer nodes
    };
    std::vector<Node> nodes; // node 0 is the root; edges to ids out of range were dropped

    // The child of `node` reached by `name`, or -1.
    int child(int node, const std::string& name) const;
};

// The bundle's object graph; nullopt when it has none (a TF1 name-based checkpoint). A graph that is
// present but cannot be decoded is an error (Corrupt), so callers can say why they fell back to names.
Result<std::optional<ObjectGraph>> readObjectGraph(const BundleReader& bundle);

} // namespace tscope::io
