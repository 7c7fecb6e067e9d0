#include "io/object_graph_walk.h"

namespace tscope::io {

BreadthFirstWalk walkBreadthFirst(int nodeCount, const ChildLister& children)
{
    BreadthFirstWalk walk;
    if (nodeCount <= 0) return walk;
    const auto n = static_cast<size_t>(nodeCount);
    walk.parent.assign(n, BreadthFirstWalk::kUnreached);
    walk.edgeName.assign(n, std::string());
    walk.order.reserve(n);
    walk.parent[0] = BreadthFirstWalk::kRoot;
    walk.order.push_back(0);
    // `order` doubles as the queue: everything after `next` is waiting to be expanded.
    for (size_t next = 0; next < walk.order.size(); ++next) {
        const int id = walk.order[next];
        children(id, [&](int child, const std::string& localName) {
            if (child < 0 || child >= nodeCount || walk.reached(child)) return;
            walk.parent[static_cast<size_t>(child)] = id;
            walk.edgeName[static_cast<size_t>(child)] = localName;
            walk.order.push_back(child);
        });
    }
    return walk;
}

} // namespace tscope::io
