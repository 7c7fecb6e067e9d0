// The one breadth-first walk over an object graph (TF2 checkpoints, SavedModels): TensorFlow names
// every object by the first path that reaches it breadth-first from node 0 (FORMATS.md §3.3).
#pragma once

#include "io/status.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tscope::io {

struct BreadthFirstWalk {
    static constexpr int kRoot = -1; // parent of node 0
    static constexpr int kUnreached = -2; // parent of a node no path reaches

    std::vector<int> order; // reached nodes, every parent before its children, siblings in edge order
    std::vector<int> parent; // per node: the node it was first reached from
    // Per node: the local name of that edge, a view into the lister's names (which must outlive the walk's
    // use: the graph's bytes or its parsed proto).
    std::vector<std::string_view> edgeName;
    // Unsupported when the graph exceeds the bounds below: the nodes past them stay unreached, so every
    // consumer that builds a path string per node does bounded work. Ok otherwise.
    Status problem;

    bool reached(int id) const { return parent[static_cast<size_t>(id)] != kUnreached; }
};

// Bounds on an object graph, far above any real model (Keras nests layers a few dozen deep; the largest
// models in the corpus have paths of a few hundred bytes): a hostile chain of 100,000 nodes would
// otherwise cost memory quadratic in its depth wherever full paths are built.
inline constexpr size_t kMaxObjectDepth = 1000;
// The sum of the lengths of every node's full path ("a/b/c"): at most this many bytes, and at most
// kMaxPathAmplification times the bytes of the local names themselves plus 1 MiB.
inline constexpr size_t kMaxObjectPathBytes = size_t(64) << 20;
inline constexpr size_t kMaxPathAmplification = 32;

// Calls `visit(child, localName)` for each outgoing edge of `id`, in stored order.
using ChildVisitor = std::function<void(int child, std::string_view localName)>;
using ChildLister = std::function<void(int id, const ChildVisitor& visit)>;

// Walks nodes 0..nodeCount-1 from node 0; edges to ids outside that range are ignored.
BreadthFirstWalk walkBreadthFirst(int nodeCount, const ChildLister& children);

} // namespace tscope::io
