#include "io/artifact.h"

#include "io/dtype.h"
#include "meta_graph.pb.h"

#include <fstream>
#include <map>

namespace tscope::io {
namespace {

// TF1 checkpoints usually have `<prefix>.meta` with the writer's version in meta_info_def.
std::string versionFromMeta(const std::filesystem::path& prefix)
{
    std::filesystem::path meta = prefix.string() + ".meta";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(meta, ec) || std::filesystem::file_size(meta, ec) > (512u << 20))
        return {};
    std::ifstream in(meta, std::ios::binary);
    tensorflow::MetaGraphDef mg;
    if (!mg.ParseFromIstream(&in)) return {};
    return mg.meta_info_def().tensorflow_version();
}

} // namespace

std::string Artifact::format() const
{
    if (savedModel) {
        for (const auto& mg : savedModel->metaGraphs)
            if (mg.hasObjectGraph) return "tf2";
        return "tf1";
    }
    return tree.objectBased ? "tf2-object" : "tf1-name";
}

std::vector<DTypeTotals> Artifact::totalsByDtype() const
{
    std::map<DType, DTypeTotals> by; // in TensorFlow enum order, as before
    if (bundle)
        for (const auto& e : bundle->entries()) {
            auto& t = by[e.dtype];
            t.dtype = e.dtype;
            t.variables++;
            t.parameters += e.elementCount();
            t.bytes += e.byteSize();
        }
    std::vector<DTypeTotals> out;
    for (auto& [_, t] : by)
        out.push_back(t);
    return out;
}

DTypeTotals Artifact::optimizerTotals() const
{
    DTypeTotals t;
    if (!bundle) return t;
    const auto& entries = bundle->entries();
    for (size_t i = 0; i < entries.size() && i < tree.annotations.size(); ++i)
        if (tree.annotations[i].optimizerState) {
            t.variables++;
            t.parameters += entries[i].elementCount();
            t.bytes += entries[i].byteSize();
        }
    return t;
}

DTypeTotals Artifact::totals() const
{
    DTypeTotals t;
    for (const auto& d : totalsByDtype()) {
        t.variables += d.variables;
        t.parameters += d.parameters;
        t.bytes += d.bytes;
    }
    return t;
}

int Artifact::findEntry(const std::string& name) const
{
    if (!bundle) return -1;
    int i = bundle->indexOf(name);
    if (i >= 0) return i;
    i = bundle->indexOf(name + "/.ATTRIBUTES/VARIABLE_VALUE");
    if (i >= 0) return i;
    for (size_t e = 0; e < tree.annotations.size(); ++e)
        if (tree.annotations[e].objectPath == name && tree.annotations[e].role != EntryRole::Other)
            return static_cast<int>(e);
    return -1;
}

Result<std::shared_ptr<Artifact>> openArtifact(const std::filesystem::path& path, const OpenOptions& options)
{
    auto located = locateArtifact(path);
    if (!located) return located.status();
    auto artifact = std::make_shared<Artifact>();
    artifact->location = std::move(located.value());
    const auto& loc = artifact->location;
    artifact->warnings = loc.notes;

    if (loc.kind == ArtifactKind::SavedModel) {
        auto sm = readSavedModel(loc.savedModelDir, options.cancel);
        if (!sm) return sm.status();
        artifact->savedModel = std::move(sm.value());
        for (const auto& w : artifact->savedModel->warnings)
            artifact->warnings.push_back(w);
        if (!artifact->savedModel->metaGraphs.empty())
            artifact->tensorflowVersion = artifact->savedModel->metaGraphs.front().tensorflowVersion;
    } else if (loc.run) {
        for (const auto& w : loc.run->warnings)
            artifact->warnings.push_back(w);
    }

    if (!loc.checkpointPrefix.empty()) {
        BundleReader::OpenOptions bundleOptions;
        bundleOptions.cancel = options.cancel;
        bundleOptions.progress = options.progress;
        auto bundle = BundleReader::open(loc.checkpointPrefix, bundleOptions);
        if (!bundle) {
            // A checkpoint is nothing without its index; a SavedModel still has its graph to show.
            if (loc.kind == ArtifactKind::Checkpoint || bundle.status().code() == ErrorCode::Cancelled)
                return bundle.status();
            artifact->bundleStatus = bundle.status();
            artifact->warnings.push_back(
                Status(bundle.status().code(), "variables cannot be read: " + bundle.status().toString()));
        } else {
            artifact->bundle = bundle.value();
            for (const auto& w : (*bundle)->warnings())
                artifact->warnings.push_back(w);
            artifact->tree = buildVariableTree(**bundle);
            if (artifact->savedModel)
                for (auto& node : artifact->tree.nodes)
                    if (auto it = artifact->savedModel->kerasLayers.find(node.path);
                        it != artifact->savedModel->kerasLayers.end())
                        node.label = it->second;
            for (const auto& w : artifact->tree.warnings)
                artifact->warnings.push_back(w);
        }
        if (artifact->tensorflowVersion.empty())
            artifact->tensorflowVersion = versionFromMeta(loc.checkpointPrefix);
    }
    if (!artifact->bundle) {
        artifact->tree.nodes.resize(1);
        artifact->tree.nodes[0].kind = NodeKind::Root;
    }
    return artifact;
}

} // namespace tscope::io
