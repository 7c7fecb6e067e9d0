// The one breadth-first walk over an object graph (TF2 checkpoints, SavedModels): TensorFlow names
// every object by the first path that reaches it breadth-first from node 0 (FORMATS.md §3.3).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace tscope::io {

struct BreadthFirstWalk {
    static constexpr int kRoot = -1; // parent of node 0
    static constexpr int kUnreached = -2; // parent of a node no path reaches

    std::vector<int> order; // reached nodes, every parent before its children, siblings in edge order
    std::vector<int> parent; // per node: the node it was first reached from
    std::vector<std::string> edgeName; // per node: the local name of that edge

    bool reached(int id) const { return parent[static_cast<size_t>(id)] != kUnreached; }
};

// Calls `visit(child, localName)` for each outgoing edge of `id`, in stored order.
using ChildVisitor = std::function<void(int child, const std::string& localName)>;
using ChildLister = std::function<void(int id, const ChildVisitor& visit)>;

// Walks nodes 0..nodeCount-1 from node 0; edges to ids outside that range are ignored.
BreadthFirstWalk walkBreadthFirst(int nodeCount, const ChildLister& children);

} // namespace tscope::io
