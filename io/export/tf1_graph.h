// A TF1 `.meta` graph (MetaGraphDef) as the TF1 SavedModel export needs it: every tensor the graph computes
// with its dtype and shape as the graph's own node attrs state them (dtype through the op's definition in
// meta_info_def.stripped_op_list, shape from a placeholder's `shape` attr or `_output_shapes`), tensor names
// resolved ("op" means "op:0"), and the checkpoint keys the graph's saver restores.
#pragma once

#include "io/status.h"
#include "io/tensor.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tensorflow {
class MetaGraphDef;
}

namespace tscope::io {

struct GraphTensor {
    std::string name; // "dense/BiasAdd:0"
    std::string op; // the node's op type, e.g. "Placeholder"
    int dtype = 0; // TensorFlow DataType (a variable's ref output is the _REF type, base + 100)
    std::optional<Shape> shape; // -1 for an unknown dimension; nullopt when the graph does not say
    bool placeholder = false; // Placeholder / PlaceholderWithDefault: a tensor the caller feeds

    std::string dtypeText() const; // "float32", "float32_ref"
    // "float32[-1,4]"; "float32 (unknown shape)" when the graph states none: no shape inference is done, so
    // the signature records unknown rank for it (TensorFlow's own export of the graph would infer one).
    std::string typeText() const;
};

class Tf1Graph {
public:
    static Result<std::shared_ptr<const Tf1Graph>> open(const std::filesystem::path& meta);
    ~Tf1Graph();

    const tensorflow::MetaGraphDef& metaGraph() const { return *m_meta; }
    const std::filesystem::path& path() const { return m_path; }
    // Every output of every node, in graph order (the signature builder's list). Outputs of ops the
    // graph does not describe are left out.
    std::vector<GraphTensor> tensors() const;
    // NotFound naming the tensor when there is no such node or output.
    Result<GraphTensor> resolve(const std::string& name) const;
    // The keys the graph's saver restores (its RestoreV2 ops' tensor_names), or why it cannot restore.
    Result<std::vector<std::string>> restoredKeys() const;

private:
    explicit Tf1Graph(std::filesystem::path path);
    std::filesystem::path m_path;
    std::unique_ptr<tensorflow::MetaGraphDef> m_meta;
};

} // namespace tscope::io
