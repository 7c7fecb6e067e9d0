#include "io/object_graph_walk.h"

#include <algorithm>

namespace tscope::io {

BreadthFirstWalk walkBreadthFirst(int nodeCount, const ChildLister& children)
{
    BreadthFirstWalk walk;
    if (nodeCount <= 0) return walk;
    const auto n = static_cast<size_t>(nodeCount);
    walk.parent.assign(n, BreadthFirstWalk::kUnreached);
    walk.edgeName.assign(n, std::string_view());
    walk.order.reserve(n);
    walk.parent[0] = BreadthFirstWalk::kRoot;
    walk.order.push_back(0);
    // Depth and full-path length per node (path of a child = parent's + '/' + name), to bound the work
    // of consumers that build paths; a child past a bound is left unreached.
    std::vector<uint32_t> depth(n, 0);
    std::vector<uint64_t> pathBytes(n, 0);
    uint64_t totalPath = 0, totalNames = 0;
    // `order` doubles as the queue: everything after `next` is waiting to be expanded.
    for (size_t next = 0; next < walk.order.size(); ++next) {
        const int id = walk.order[next];
        children(id, [&](int child, std::string_view localName) {
            if (child < 0 || child >= nodeCount || walk.reached(child) || !walk.problem.isOk()) return;
            const auto c = static_cast<size_t>(child), p = static_cast<size_t>(id);
            const uint64_t path = pathBytes[p] + 1 + localName.size();
            totalNames += localName.size() + 1;
            totalPath += path;
            if (depth[p] + 1 > kMaxObjectDepth) {
                walk.problem = Status(ErrorCode::Unsupported,
                    "the object graph nests deeper than " + std::to_string(kMaxObjectDepth)
                        + " levels; objects below that depth are not shown");
                return;
            }
            if (totalPath > kMaxObjectPathBytes
                || totalPath > kMaxPathAmplification * totalNames + (1u << 20)) {
                walk.problem = Status(ErrorCode::Unsupported,
                    "the object graph's paths would take more than "
                        + std::to_string(std::min<uint64_t>(
                            kMaxObjectPathBytes, kMaxPathAmplification * totalNames + (1u << 20)))
                        + " bytes (a chain far deeper than any real model); the objects past that are not "
                          "shown");
                return;
            }
            depth[c] = depth[p] + 1;
            pathBytes[c] = path;
            walk.parent[static_cast<size_t>(child)] = id;
            walk.edgeName[static_cast<size_t>(child)] = localName;
            walk.order.push_back(child);
        });
    }
    return walk;
}

} // namespace tscope::io
