// A checkpoint's object graph decoded and walked, with every node's path: all the tree builder needs from
// the graph before it looks at index entries. openArtifact prepares it on a second core while the index
// is still being scanned (BundleReader::OpenOptions::onObjectGraph says where the graph lies), so the
// ~15 ms of reading, decoding and walking 125,000 objects overlap the scan.
#pragma once

#include "io/bundle_reader.h"
#include "io/cancel.h"
#include "io/object_graph_view.h"
#include "io/object_graph_walk.h"
#include "io/prepared_object_graph_ptr.h"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class Arena;
}

namespace tscope::io {

struct PreparedObjectGraph {
    PreparedObjectGraph();
    ~PreparedObjectGraph();
    PreparedObjectGraph(const PreparedObjectGraph&) = delete;
    PreparedObjectGraph& operator=(const PreparedObjectGraph&) = delete;

    StoredBytes source; // where the graph was read from: a prepared graph is used only for that entry
    std::string buffer; // the bytes read; `graph`'s and `walk`'s views point into them
    std::unique_ptr<google::protobuf::Arena> arena; // the parsed proto when the fast decoder declined
    ObjectGraphView graph;
    bool decoded = false; // false: neither decoder accepts the bytes (graph and walk are empty)
    BreadthFirstWalk walk;
    // First breadth-first path of every node, escaped as in checkpoint keys ("model/dense/kernel");
    // empty for the root and for nodes the walk does not reach.
    std::vector<std::string> path;
};

// Decodes the serialized graph `bytes` (payload [offset, offset + length) of `buffer`, which it keeps),
// walks it and builds the paths. `protobufFallback`: parse with protobuf what the fast decoder declines
// (on the calling thread, whose ProtoLogCapture sees protobuf's complaints); without it such a graph comes
// back with decoded = false.
PreparedObjectGraphPtr prepareObjectGraph(
    std::string buffer, size_t offset, size_t length, bool protobufFallback);

// Reads the graph from its data file and prepares it, for a thread of its own during the index scan: the
// fast decoder only, no error reporting. Null on any failure or cancellation; the tree builder then reads
// the graph through the bundle, which reports what is wrong the usual way.
PreparedObjectGraphPtr prefetchObjectGraph(
    const std::filesystem::path& dataFile, const StoredBytes& stored, const CancelToken* cancel);

} // namespace tscope::io
