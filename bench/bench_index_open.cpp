// Opening a large checkpoint: 100,000 small float32 variables with realistic TF2 keys
// ("model/layer_with_weights-123/sublayer_45/kernel/.ATTRIBUTES/VARIABLE_VALUE", ~74 bytes) plus the
// usual save_counter, written once with io::BundleWriter.
//
//   BM_BundleReaderOpen/<variant>  io::BundleReader::open: the whole `.index` (LevelDB table, every block
//                                  CRC) parsed into sorted TensorEntry records.     Target: < 50 ms (plain).
//   BM_OpenArtifact/<variant>      io::openArtifact: locating + the above + the variable tree (and, for
//                                  `graph`, reading and decoding the TrackableObjectGraph).
//                                  Counter held_MB: anonymous memory an opened artifact keeps (RssAnon
//                                  after minus before one open; the mapped index is not in it).
//   BM_BuildVariableTree/<variant> io::buildVariableTree alone on a reader opened once.
//
// Variants: `plain` has no object graph (the tree is built from key names); `graph` also stores a
// _CHECKPOINTABLE_OBJECT_GRAPH: root -> model -> 250 layer_with_weights-L -> 100 sublayer_S each ->
// kernel/bias/gamma/beta variable nodes (125,253 nodes), as tf.train.Checkpoint(model=...) writes it.
//
// The peer (TensorFlow's tf.train.load_checkpoint + get_variable_to_shape_map) is timed on the same
// files by bench/peer_bench.py; set TSCOPE_BENCH_DIR (or --keep-dir=DIR) to keep them.

#include "bench_common.h"
#include "io/artifact.h"
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/dtype.h"
#include "io/variable_tree.h"
#include "trackable_object_graph.pb.h"

#include <array>
#include <benchmark/benchmark.h>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <malloc.h>
#include <string>
#include <vector>

namespace io = tscope::io;
namespace tb = tscope::bench;

namespace {

constexpr const char* kGenerator = "index-open-v1 layers=250 sublayers=100 vars=4";
constexpr int kLayers = 250;
constexpr int kSublayers = 100;
constexpr std::array<const char*, 4> kVarNames { "kernel", "bias", "gamma", "beta" };
constexpr int kWidth = 16; // kernel [16,16], the others [16]
constexpr const char* kAttr = "/.ATTRIBUTES/VARIABLE_VALUE";

enum class Variant { Plain, Graph };

const char* variantName(Variant v)
{
    return v == Variant::Plain ? "index100k_plain" : "index100k_graph";
}

std::string objectPath(int layer, int sub, int var)
{
    return "model/layer_with_weights-" + std::to_string(layer) + "/sublayer_" + std::to_string(sub) + "/"
        + kVarNames[static_cast<size_t>(var)];
}

// The object graph tf.train.Checkpoint(model=model) would write for this model, nodes in breadth-first order.
std::string buildObjectGraph()
{
    tensorflow::TrackableObjectGraph g;
    const int firstLayer = 3;
    const int firstSub = firstLayer + kLayers;
    const int firstVar = firstSub + kLayers * kSublayers;
    const int varsPerLayer = kSublayers * static_cast<int>(kVarNames.size());
    auto* root = g.add_nodes();
    auto* model = g.add_nodes();
    auto* counter = g.add_nodes();
    auto addChild
        = [](tensorflow::TrackableObjectGraph::TrackableObject* n, int id, const std::string& name) {
              auto* c = n->add_children();
              c->set_node_id(id);
              c->set_local_name(name);
          };
    addChild(root, 1, "model");
    addChild(root, 2, "save_counter");
    auto* a = counter->add_attributes();
    a->set_name("VARIABLE_VALUE");
    a->set_full_name("save_counter");
    a->set_checkpoint_key(std::string("save_counter") + kAttr);
    for (int l = 0; l < kLayers; ++l)
        addChild(model, firstLayer + l, "layer_with_weights-" + std::to_string(l));
    for (int l = 0; l < kLayers; ++l) {
        auto* layer = g.add_nodes();
        for (int s = 0; s < kSublayers; ++s)
            addChild(layer, firstSub + l * kSublayers + s, "sublayer_" + std::to_string(s));
    }
    for (int l = 0; l < kLayers; ++l)
        for (int s = 0; s < kSublayers; ++s) {
            auto* sub = g.add_nodes();
            for (int v = 0; v < static_cast<int>(kVarNames.size()); ++v)
                addChild(sub, firstVar + l * varsPerLayer + s * static_cast<int>(kVarNames.size()) + v,
                    kVarNames[static_cast<size_t>(v)]);
        }
    for (int l = 0; l < kLayers; ++l)
        for (int s = 0; s < kSublayers; ++s)
            for (int v = 0; v < static_cast<int>(kVarNames.size()); ++v) {
                auto* var = g.add_nodes();
                auto* attr = var->add_attributes();
                attr->set_name("VARIABLE_VALUE");
                attr->set_full_name(
                    "dense_" + std::to_string(l * kSublayers + s) + "/" + kVarNames[static_cast<size_t>(v)]);
                attr->set_checkpoint_key(objectPath(l, s, v) + kAttr);
            }
    return g.SerializeAsString();
}

void writeCheckpoint(const tb::fs::path& dir, const tb::fs::path& prefix, Variant variant)
{
    std::error_code ec;
    tb::fs::remove_all(dir, ec);
    tb::fs::create_directories(dir);
    io::BundleWriter writer(prefix);
    std::vector<float> kernel(kWidth * kWidth), vec(kWidth);
    uint32_t state = 12345;
    auto next = [&state] {
        state = state * 1664525u + 1013904223u;
        return static_cast<float>(static_cast<int32_t>(state >> 8) - (1 << 23))
            * (0.05f / static_cast<float>(1 << 23));
    };
    auto bytesOf = [](const std::vector<float>& v) { return std::as_bytes(std::span(v)); };
    for (int l = 0; l < kLayers; ++l)
        for (int s = 0; s < kSublayers; ++s)
            for (int v = 0; v < static_cast<int>(kVarNames.size()); ++v) {
                auto& buf = v == 0 ? kernel : vec;
                for (auto& x : buf)
                    x = next();
                io::Shape shape = v == 0 ? io::Shape { kWidth, kWidth } : io::Shape { kWidth };
                io::Status st
                    = writer.add(objectPath(l, s, v) + kAttr, io::DType::Float, shape, bytesOf(buf));
                if (!st.isOk()) tb::die("write: " + st.toString());
            }
    const int64_t counter = 1;
    io::Status st = writer.add(
        std::string("save_counter") + kAttr, io::DType::Int64, {}, std::as_bytes(std::span(&counter, 1)));
    if (st.isOk() && variant == Variant::Graph)
        st = writer.addStrings(std::string(io::kObjectGraphKey), {}, { buildObjectGraph() });
    if (st.isOk()) st = writer.finish();
    if (!st.isOk()) tb::die("write: " + st.toString());
}

// The checkpoint prefix for `variant`, written on first use (or reused from a kept directory).
const tb::fs::path& checkpoint(Variant variant)
{
    static std::array<tb::fs::path, 2> prefixes;
    auto& prefix = prefixes[static_cast<size_t>(variant)];
    if (!prefix.empty()) return prefix;
    const tb::fs::path dir = tb::benchRoot() / variantName(variant);
    const tb::fs::path manifestFile = dir / "manifest.txt";
    const tb::fs::path p = dir / "ckpt-1";
    auto m = tb::readManifest(manifestFile);
    if (m["generator"] != kGenerator || !tb::fs::exists(p.string() + ".index")) {
        writeCheckpoint(dir, p, variant);
        auto r = io::BundleReader::open(p);
        if (!r) tb::die("reopen: " + r.status().toString());
        tb::writeManifest(manifestFile,
            { { "generator", kGenerator }, { "prefix", p.string() }, { "variant", variantName(variant) },
                { "entries", std::to_string((*r)->entries().size()) },
                { "index_bytes", std::to_string(tb::fs::file_size(p.string() + ".index")) } });
    }
    prefix = p;
    return prefix;
}

void BM_BundleReaderOpen(benchmark::State& state, Variant variant)
{
    const auto& prefix = checkpoint(variant);
    size_t entries = 0;
    for (auto _ : state) {
        auto r = io::BundleReader::open(prefix);
        if (!r) {
            state.SkipWithError(r.status().toString().c_str());
            return;
        }
        entries = (*r)->entries().size();
        benchmark::DoNotOptimize(entries);
    }
    state.counters["entries"] = static_cast<double>(entries);
    state.counters["index_MB"] = static_cast<double>(tb::fs::file_size(prefix.string() + ".index")) / 1e6;
}

// Anonymous resident memory of this process in MB (RssAnon: heap and stacks, not the mapped index).
double anonymousRssMB()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with("RssAnon:")) return std::stod(line.substr(8)) / 1024.0;
    return 0;
}

void BM_OpenArtifact(benchmark::State& state, Variant variant)
{
    const auto& prefix = checkpoint(variant);
    // What an opened artifact keeps: anonymous memory before and after one open, free heap returned
    // to the system first so that memory earlier benchmarks freed does not hide the growth.
    double heldMB = 0;
    {
        malloc_trim(0);
        const double before = anonymousRssMB();
        auto a = io::openArtifact(prefix);
        malloc_trim(0);
        heldMB = anonymousRssMB() - before;
        benchmark::DoNotOptimize(a);
    }
    size_t nodes = 0, entries = 0;
    bool objectBased = false;
    for (auto _ : state) {
        auto a = io::openArtifact(prefix);
        if (!a) {
            state.SkipWithError(a.status().toString().c_str());
            return;
        }
        nodes = (*a)->tree.nodes.size();
        entries = (*a)->bundle->entries().size();
        objectBased = (*a)->tree.objectBased;
        benchmark::DoNotOptimize(nodes);
        // Freeing the artifact (~10 ms at 100,000 variables) is not opening it: untimed. The CLI never
        // frees it (it exits), the GUI when the artifact is closed.
        state.PauseTiming();
        a = io::Status(io::ErrorCode::Cancelled, "");
        state.ResumeTiming();
    }
    if ((variant == Variant::Graph) != objectBased) {
        state.SkipWithError(
            "the variable tree was not built from the expected source (object graph vs names)");
        return;
    }
    state.counters["entries"] = static_cast<double>(entries);
    state.counters["tree_nodes"] = static_cast<double>(nodes);
    state.counters["held_MB"] = heldMB;
}

// The tree alone, on a reader opened once: what buildVariableTree costs on top of BundleReader::open.
void BM_BuildVariableTree(benchmark::State& state, Variant variant)
{
    const auto& prefix = checkpoint(variant);
    auto r = io::BundleReader::open(prefix);
    if (!r) {
        state.SkipWithError(r.status().toString().c_str());
        return;
    }
    size_t nodes = 0;
    for (auto _ : state) {
        io::VariableTree tree = io::buildVariableTree(**r);
        nodes = tree.nodes.size();
        benchmark::DoNotOptimize(nodes);
    }
    state.counters["tree_nodes"] = static_cast<double>(nodes);
}

void configure(benchmark::internal::Benchmark* b)
{
    b->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->DisplayAggregatesOnly(true)
        ->ComputeStatistics("min", tb::minOf);
}

} // namespace

BENCHMARK_CAPTURE(BM_BundleReaderOpen, plain, Variant::Plain)->Apply(configure);
BENCHMARK_CAPTURE(BM_OpenArtifact, plain, Variant::Plain)->Apply(configure);
BENCHMARK_CAPTURE(BM_BuildVariableTree, plain, Variant::Plain)->Apply(configure);
BENCHMARK_CAPTURE(BM_BundleReaderOpen, graph, Variant::Graph)->Apply(configure);
BENCHMARK_CAPTURE(BM_OpenArtifact, graph, Variant::Graph)->Apply(configure);
BENCHMARK_CAPTURE(BM_BuildVariableTree, graph, Variant::Graph)->Apply(configure);

int main(int argc, char** argv)
{
    return tb::runMain(argc, argv, { "--benchmark_repetitions=5", "--benchmark_min_time=1" });
}
