// Small crafted hostile inputs, made at test time (nothing large is committed): deep object-graph chains
// in a checkpoint and a SavedModel, huge ranks, control characters in keys, a flipped data byte.
#pragma once

#include "io/bundle_writer.h"
#include "io/dtype.h"
#include "io/object_graph_walk.h"
#include "saved_model.pb.h"
#include "trackable_object_graph.pb.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace hostile {

namespace fs = std::filesystem;
using tscope::io::BundleWriter;
using tscope::io::DType;
using tscope::io::Shape;

inline std::vector<std::byte> floats(size_t n, float scale = 0.25f)
{
    std::vector<std::byte> out(n * 4);
    for (size_t i = 0; i < n; ++i) {
        const float v = scale * static_cast<float>(static_cast<int>(i % 97) - 48);
        std::memcpy(out.data() + 4 * i, &v, 4);
    }
    return out;
}

inline uint64_t sizeOnDisk(const fs::path& dir)
{
    uint64_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) total += e.file_size();
    return total;
}

// A TF2 checkpoint whose object graph is one chain of `depth` nodes; the last one owns the variable
// "v/.ATTRIBUTES/VARIABLE_VALUE" (4 floats). Returns the prefix.
inline fs::path chainCheckpoint(const fs::path& dir, int depth, const std::string& edgeName = "c")
{
    tensorflow::TrackableObjectGraph graph;
    for (int i = 0; i < depth; ++i) {
        auto* node = graph.add_nodes();
        if (i + 1 < depth) {
            auto* child = node->add_children();
            child->set_node_id(i + 1);
            child->set_local_name(edgeName);
        }
    }
    auto* attr = graph.mutable_nodes(depth - 1)->add_attributes();
    attr->set_name("VARIABLE_VALUE");
    attr->set_full_name("v");
    attr->set_checkpoint_key("v/.ATTRIBUTES/VARIABLE_VALUE");
    fs::create_directories(dir);
    const fs::path prefix = dir / "ckpt";
    BundleWriter w(prefix);
    (void)w.addStrings("_CHECKPOINTABLE_OBJECT_GRAPH", {}, { graph.SerializeAsString() });
    (void)w.add("v/.ATTRIBUTES/VARIABLE_VALUE", DType::Float, { 4 }, floats(4));
    (void)w.finish();
    return prefix;
}

// A SavedModel (no variables) whose SavedObjectGraph is one chain of `depth` user objects, the last a
// function with one concrete function. Returns the directory.
inline fs::path chainSavedModel(const fs::path& dir, int depth)
{
    tensorflow::SavedModel sm;
    sm.set_saved_model_schema_version(1);
    auto* mg = sm.add_meta_graphs();
    mg->mutable_meta_info_def()->add_tags("serve");
    auto* graph = mg->mutable_object_graph_def();
    for (int i = 0; i < depth; ++i) {
        auto* node = graph->add_nodes();
        if (i + 1 < depth) {
            node->mutable_user_object()->set_identifier("_generic_user_object");
            auto* child = node->add_children();
            child->set_node_id(i + 1);
            child->set_local_name("c");
        } else {
            node->mutable_function()->add_concrete_functions("f");
        }
    }
    (*graph->mutable_concrete_functions())["f"];
    fs::create_directories(dir);
    std::ofstream out(dir / "saved_model.pb", std::ios::binary);
    out << sm.SerializeAsString();
    return dir;
}

// A checkpoint with one tensor of rank `rank` (all dims 1 but the last, `last`).
inline fs::path rankCheckpoint(const fs::path& dir, size_t rank, int64_t last)
{
    Shape shape(rank - 1, 1);
    shape.push_back(last);
    fs::create_directories(dir);
    const fs::path prefix = dir / "ckpt";
    BundleWriter w(prefix);
    (void)w.add("deep", DType::Float, shape, floats(static_cast<size_t>(last)));
    (void)w.add("plain", DType::Float, { 3 }, floats(3));
    (void)w.finish();
    return prefix;
}

// A checkpoint with the given keys, 3 floats each.
inline fs::path keysCheckpoint(const fs::path& dir, const std::vector<std::string>& keys)
{
    fs::create_directories(dir);
    const fs::path prefix = dir / "ckpt";
    BundleWriter w(prefix);
    std::vector<std::string> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& k : sorted)
        (void)w.add(k, DType::Float, { 3 }, floats(3));
    (void)w.finish();
    return prefix;
}

// A checkpoint with "a" (n floats) and "b" (2 floats); with `flip`, that byte of the data shard is xor-ed
// after writing (a CRC mismatch).
inline fs::path damagedCheckpoint(const fs::path& dir, size_t n, std::optional<size_t> flip)
{
    fs::create_directories(dir);
    const fs::path prefix = dir / "ckpt";
    BundleWriter w(prefix);
    (void)w.add("a", DType::Float, { static_cast<int64_t>(n) }, floats(n));
    (void)w.add("b", DType::Float, { 2 }, floats(2));
    (void)w.finish();
    if (!flip) return prefix;
    const fs::path data = prefix.string() + ".data-00000-of-00001";
    std::fstream f(data, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(*flip));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x40);
    f.seekp(static_cast<std::streamoff>(*flip));
    f.write(&c, 1);
    return prefix;
}

} // namespace hostile
