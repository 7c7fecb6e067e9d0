// An owning pointer to a PreparedObjectGraph that headers can pass around without including the graph's
// own header (the object-graph view, protobuf's arena), which only its reader and the tree builder need.
#pragma once

#include <memory>

namespace tscope::io {

struct PreparedObjectGraph;
struct PreparedObjectGraphDeleter {
    void operator()(PreparedObjectGraph* graph) const;
};
using PreparedObjectGraphPtr = std::unique_ptr<PreparedObjectGraph, PreparedObjectGraphDeleter>;

} // namespace tscope::io
