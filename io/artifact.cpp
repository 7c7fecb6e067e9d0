#include "io/artifact.h"

#include "io/dtype.h"
#include "io/prepared_object_graph.h"
#include "io/proto_log.h"
#include "io/saved_model_names.h"
#include "io/saved_model_variables.h"
#include "meta_graph.pb.h"

#include <algorithm>
#include <fstream>
#include <future>
#include <map>
#include <new>
#include <system_error>

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

uint64_t fileSizeOrZero(const std::filesystem::path& path)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : size;
}

// Opening's phases on one byte scale fixed up front, so the bar never runs backwards: the SavedModel
// proto (its file size), the index scan (the `.index` size) and the tree building, weighted as four
// times the index: measured on 200,000 name-based entries, building the tree took 4.5x the scan.
class OpenProgress {
public:
    OpenProgress(const OpenOptions& options, uint64_t protoBytes, uint64_t indexBytes)
        : m_options(options)
        , m_protoBytes(protoBytes)
        , m_indexBytes(indexBytes)
        , m_treeBytes(indexBytes * 4)
    { }
    uint64_t total() const { return m_protoBytes + m_indexBytes + m_treeBytes; }
    uint64_t indexStart() const { return m_protoBytes; }
    uint64_t treeStart() const { return m_protoBytes + m_indexBytes; }
    uint64_t treeLength() const { return m_treeBytes; }

    // Reports `done` (clamped so it never decreases nor passes the total); true = stop.
    bool stop(uint64_t done)
    {
        if (m_declined) return true;
        m_done = std::min(total(), std::max(m_done, done));
        m_declined = shouldStop(m_options.cancel, m_options.progress, m_done, total());
        return m_declined;
    }
    // For a phase that reports (done, total) of its own starting at `start`, scaled onto `length`. Once
    // the callback declined it is not called again (a phase that cannot stop at once goes on quietly).
    ProgressFn phase(uint64_t start, uint64_t length)
    {
        if (!m_options.progress && !m_options.cancel) return {};
        return [this, start, length](uint64_t done, uint64_t phaseTotal) {
            const uint64_t scaled = phaseTotal == 0 || phaseTotal == length
                ? std::min(done, length)
                : static_cast<uint64_t>(static_cast<double>(length) * static_cast<double>(done)
                    / static_cast<double>(phaseTotal));
            return !stop(start + std::min(scaled, length));
        };
    }
    bool declined() const { return m_declined; }

private:
    const OpenOptions& m_options;
    const uint64_t m_protoBytes, m_indexBytes, m_treeBytes;
    uint64_t m_done = 0;
    bool m_declined = false;
};

Status openingCancelled()
{
    return Status(ErrorCode::Cancelled, "opening cancelled");
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

DTypeTotals Artifact::modelWeightTotals() const
{
    DTypeTotals t;
    if (!bundle) return t;
    const auto& entries = bundle->entries();
    for (size_t i = 0; i < entries.size() && i < tree.annotations.size(); ++i) {
        const auto& an = tree.annotations[i];
        if (an.optimizerState || an.role == EntryRole::ObjectGraph || !an.details().twinOf.empty()) continue;
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

namespace {
Result<std::shared_ptr<Artifact>> openArtifactUnguarded(
    const std::filesystem::path& path, const OpenOptions& options);
}

Result<std::shared_ptr<Artifact>> openArtifact(const std::filesystem::path& path, const OpenOptions& options)
{
    // The net under every allocation sized from the files (no bad_alloc crosses the API).
    try {
        ProtoLogCapture protobufLog; // protobuf's own complaints become warnings, not stderr lines
        auto artifact = openArtifactUnguarded(path, options);
        if (artifact)
            for (auto& w : protobufLog.warnings())
                (*artifact)->warnings.push_back(std::move(w));
        return artifact;
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::OutOfMemory, "not enough memory to open this artifact")
            .withPath(path.string());
    }
}

namespace {
Result<std::shared_ptr<Artifact>> openArtifactUnguarded(
    const std::filesystem::path& path, const OpenOptions& options)
{
    auto located = locateArtifact(path);
    if (!located) return located.status();
    auto artifact = std::make_shared<Artifact>();
    artifact->location = std::move(located.value());
    const auto& loc = artifact->location;
    artifact->warnings = loc.notes;

    uint64_t protoBytes = 0;
    if (loc.kind == ArtifactKind::SavedModel)
        protoBytes = std::max(fileSizeOrZero(loc.savedModelDir / "saved_model.pb"),
            fileSizeOrZero(loc.savedModelDir / "saved_model.pbtxt"));
    const uint64_t indexBytes
        = loc.checkpointPrefix.empty() ? 0 : fileSizeOrZero(loc.checkpointPrefix.string() + ".index");
    OpenProgress progress(options, protoBytes, indexBytes);
    if (progress.stop(0)) return openingCancelled();

    if (loc.kind == ArtifactKind::SavedModel) {
        auto sm = readSavedModel(loc.savedModelDir, options.cancel);
        if (!sm) return sm.status();
        if (progress.stop(progress.indexStart())) return openingCancelled();
        artifact->savedModel = std::move(sm.value());
        for (const auto& w : artifact->savedModel->warnings)
            artifact->warnings.push_back(w);
        if (!artifact->savedModel->metaGraphs.empty())
            artifact->tensorflowVersion = artifact->savedModel->metaGraphs.front().tensorflowVersion;
    }

    if (!loc.checkpointPrefix.empty()) {
        BundleReader::OpenOptions bundleOptions;
        bundleOptions.cancel = options.cancel;
        bundleOptions.progress = progress.phase(progress.indexStart(), indexBytes);
        // The object graph is read, decoded and walked on a second core while the scan goes on (it sorts
        // before lowercase keys, so it is usually met early). Joined on every path out of this scope.
        std::future<PreparedObjectGraphPtr> graphAhead;
        bundleOptions.onObjectGraph = [&](const std::filesystem::path& dataFile, const StoredBytes& stored) {
            try {
                graphAhead = std::async(std::launch::async, [dataFile, stored, cancel = options.cancel] {
                    return prefetchObjectGraph(dataFile, stored, cancel);
                });
            } catch (const std::system_error&) {
                // no thread to spare: the tree builder reads the graph itself
            }
        };
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
            if (progress.stop(progress.treeStart())) return openingCancelled();
            TreeOptions treeOptions;
            treeOptions.displayTree = options.displayTree || loc.kind != ArtifactKind::Checkpoint;
            artifact->tree
                = buildVariableTree(**bundle, progress.phase(progress.treeStart(), progress.treeLength()),
                    graphAhead.valid() ? graphAhead.get() : nullptr, treeOptions);
            if (progress.declined()) return openingCancelled();
            if (artifact->savedModel)
                nameSavedModelVariables(*artifact->savedModel, **bundle, artifact->tree);
            if (artifact->savedModel)
                for (auto& node : artifact->tree.nodes)
                    if (auto it = artifact->savedModel->kerasLayers.find(node.path);
                        it != artifact->savedModel->kerasLayers.end())
                        node.editDetails().label = it->second;
            for (const auto& w : artifact->tree.warnings)
                artifact->warnings.push_back(w);
        }
        if (artifact->tensorflowVersion.empty())
            artifact->tensorflowVersion = versionFromMeta(loc.checkpointPrefix);
    }
    // A SavedModel whose graph has variables but whose variables/ cannot be read is damaged, not empty.
    if (artifact->savedModel && !artifact->bundle && artifact->bundleStatus.isOk()) {
        Status missing = savedModelVariablesProblem(*artifact->savedModel, loc.savedModelDir);
        if (!missing.isOk()) {
            artifact->bundleStatus = missing;
            artifact->warnings.push_back(std::move(missing));
        }
    }
    if (!artifact->bundle) {
        artifact->tree.nodes.resize(1);
        artifact->tree.nodes[0].kind = NodeKind::Root;
    }
    if (progress.stop(progress.total())) return openingCancelled();
    return artifact;
}
} // namespace

} // namespace tscope::io
