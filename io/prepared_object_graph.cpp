#include "io/prepared_object_graph.h"

#include "io/mapped_file.h"
#include "io/tensor_encoding.h"
#include "trackable_object_graph.pb.h"

#include <algorithm>
#include <exception>
#include <google/protobuf/arena.h>

namespace tscope::io {
namespace {

// `base/escaped(name)` (or just the escaped name under the root) built in one allocation.
std::string childPath(const std::string& base, std::string_view name)
{
    std::string out;
    out.reserve(base.size() + 1 + name.size() + 8);
    out.append(base);
    if (!base.empty()) out.push_back('/');
    for (char c : name) {
        if (c == '.')
            out.append("..");
        else if (c == '/')
            out.append(".S");
        else
            out.push_back(c);
    }
    return out;
}

bool cancelled(const CancelToken* cancel)
{
    return cancel && cancel->isCancelled();
}

} // namespace

PreparedObjectGraph::PreparedObjectGraph() = default;
PreparedObjectGraph::~PreparedObjectGraph() = default;

void PreparedObjectGraphDeleter::operator()(PreparedObjectGraph* graph) const
{
    delete graph;
}

PreparedObjectGraphPtr prepareObjectGraph(
    std::string buffer, size_t offset, size_t length, bool protobufFallback)
{
    PreparedObjectGraphPtr prepared(new PreparedObjectGraph());
    prepared->buffer = std::move(buffer);
    const std::string_view bytes = std::string_view(prepared->buffer).substr(offset, length);
    // Decoded in place (views into the buffer); only what that decoder declines goes to protobuf, on an
    // arena: 100,000 variables make ~500,000 small messages and strings.
    prepared->decoded = ObjectGraphView::decode(bytes, prepared->graph);
    if (!prepared->decoded && protobufFallback) {
        google::protobuf::ArenaOptions arenaOptions;
        arenaOptions.start_block_size = std::max<size_t>(4096, 4 * bytes.size());
        arenaOptions.max_block_size = size_t(64) << 20;
        prepared->arena = std::make_unique<google::protobuf::Arena>(arenaOptions);
        auto* proto
            = google::protobuf::Arena::CreateMessage<tensorflow::TrackableObjectGraph>(prepared->arena.get());
        if (proto->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
            prepared->graph = ObjectGraphView::fromProto(*proto);
            prepared->decoded = true;
        }
    }
    if (!prepared->decoded) return prepared;

    // First breadth-first path of every node: this is how TensorFlow forms keys (FORMATS.md §3.3).
    const ObjectGraphView& graph = prepared->graph;
    const int n = graph.nodes_size();
    prepared->walk = walkBreadthFirst(n, [&](int id, const ChildVisitor& visit) {
        for (const auto& ref : graph.nodes(id).children())
            visit(ref.node_id(), ref.local_name());
    });
    const BreadthFirstWalk& walk = prepared->walk;
    auto& path = prepared->path;
    path.resize(static_cast<size_t>(n));
    for (int id : walk.order) { // every parent before its children
        if (id == 0) continue;
        path[static_cast<size_t>(id)]
            = childPath(path[static_cast<size_t>(walk.parent[static_cast<size_t>(id)])],
                walk.edgeName[static_cast<size_t>(id)]);
    }
    return prepared;
}

PreparedObjectGraphPtr prefetchObjectGraph(
    const std::filesystem::path& dataFile, const StoredBytes& stored, const CancelToken* cancel)
{
    try {
        if (cancelled(cancel)) return nullptr;
        auto file = MappedFile::open(dataFile);
        if (!file || stored.offset > (*file)->size() || stored.size > (*file)->size() - stored.offset)
            return nullptr;
        std::string buffer(static_cast<size_t>(stored.size), '\0');
        if (!(*file)
                 ->readAt(
                     stored.offset, std::as_writable_bytes(std::span<char>(buffer.data(), buffer.size())))
                 .isOk())
            return nullptr;
        // The same framing checks (and, like readScalarString, no CRC) as the read through the bundle.
        auto places = locateStrings(
            std::as_bytes(std::span<const char>(buffer.data(), buffer.size())), 1, stored.maskedCrc, false);
        if (!places || cancelled(cancel)) return nullptr;
        const StringPlace place = (*places)[0];
        auto prepared = prepareObjectGraph(
            std::move(buffer), static_cast<size_t>(place.offset), static_cast<size_t>(place.length), false);
        if (!prepared->decoded) return nullptr;
        prepared->source = stored;
        return prepared;
    } catch (const std::exception&) { // bad_alloc and the like: the tree builder tries again and reports it
        return nullptr;
    }
}

} // namespace tscope::io
