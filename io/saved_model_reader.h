// SavedModel (`saved_model.pb` or `.pbtxt`): meta graphs, signatures, object graph, assets,
// fingerprint. Summarised into plain structs for the CLI and the GUI.
#pragma once

#include "io/cancel.h"
#include "io/dtype.h"
#include "io/git_lfs.h" // isGitLfsPointer, once declared here
#include "io/status.h"
#include "io/tensor.h"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tensorflow {
class SavedModel;
}

namespace tscope::io {

struct SignatureArg {
    std::string name; // the key in the signature's input/output map
    std::string tensor; // graph tensor name (`serving_default_x:0`), or a description for sparse/composite
    DType dtype = DType::Invalid;
    std::optional<Shape> shape; // nullopt = unknown rank; -1 = unknown dimension
    std::string encoding; // name | coo_sparse | composite
};

struct SignatureInfo {
    std::string key;
    std::string methodName;
    std::vector<SignatureArg> inputs;
    std::vector<SignatureArg> outputs;
};

struct AssetInfo {
    std::string filename;
    std::string tensor;
    bool exists = false;
    bool safeName = true; // false when the name would escape assets/ ("../x", absolute)
};

struct ObjectNodeInfo {
    int id = 0;
    std::string
        kind; // user_object, variable, function, bare_concrete_function, asset, constant, resource, ...
    std::string identifier; // SavedUserObject.identifier, variable name, asset file...
    std::string path; // first breadth-first path from the root ("" for the root, unreachable → empty)
    std::vector<std::pair<std::string, int>> children;
    std::vector<std::string> functionSignatures; // rendered input signatures of functions
    std::string detail; // dtype/shape for variables, etc.
};

struct MetaGraphInfo {
    std::vector<std::string> tags;
    std::string tensorflowVersion;
    std::string tensorflowGitVersion;
    std::vector<SignatureInfo> signatures; // sorted by key; __saved_model_init_op included
    std::map<std::string, uint64_t> opCounts; // op name -> nodes using it (graph + functions)
    uint64_t nodeCount = 0;
    uint64_t functionCount = 0;
    std::vector<AssetInfo> assets;
    bool hasObjectGraph = false;
    std::vector<ObjectNodeInfo> objects;
    uint64_t concreteFunctionCount = 0;
    bool hasSaverDef = false;
    Status objectGraphProblem; // the object graph exceeds the walk's bounds (object_graph_walk.h)
};

struct FingerprintInfo {
    uint64_t savedModelChecksum = 0;
    uint64_t graphDefProgramHash = 0;
    uint64_t signatureDefHash = 0;
    uint64_t savedObjectGraphHash = 0;
    uint64_t checkpointHash = 0;
    std::string uuid;
};

struct SavedModelInfo {
    std::filesystem::path directory;
    std::filesystem::path file; // saved_model.pb or .pbtxt
    bool textFormat = false;
    int64_t schemaVersion = 0;
    std::vector<MetaGraphInfo> metaGraphs;
    std::optional<FingerprintInfo> fingerprint;
    bool hasKerasMetadata = false;
    bool hasVariables = false; // variables/variables.index exists
    // Keras layers from keras_metadata.pb: object path ("layer_with_weights-0") -> "conv (Conv2D)".
    std::map<std::string, std::string> kerasLayers;
    std::vector<Status> warnings; // read them with warningText()
    std::shared_ptr<const tensorflow::SavedModel> proto; // the parsed message, for later export work
};

// Reads `dir/saved_model.pb` (preferred) or `.pbtxt`.
Result<SavedModelInfo> readSavedModel(
    const std::filesystem::path& directory, const CancelToken* cancel = nullptr);

// "TensorSpec(shape=(None, 3), dtype=float32, name='x')"-style text of a StructuredValue (serialized).
std::string renderStructuredValue(const std::string& serializedStructuredValue);

} // namespace tscope::io
