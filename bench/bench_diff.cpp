// Diff throughput: model::computeDiff on two 1 GiB float32 checkpoints (268,435,456 elements each, shape
// [1048576, 256]) read through io::BundleReader (memory-mapped, borrowed), every page touched once before
// timing ("from the page cache"). B is A with every 101st element moved by 1e-3 (a realistic step).
//
//   BM_Diff/threads:N   computeDiff with DiffOptions::threads = N. Throughput counts the input bytes of
//                       both tensors (2 GiB per iteration). Target: >= 5 GB/s at N = 2.
//
// The peer, bench/peer_diff.py, times numpy over tf.train.load_checkpoint on the same files (kept with
// TSCOPE_BENCH_DIR or --keep-dir=DIR). TSCOPE_DIFF_ELEMENTS=N uses smaller tensors.

#include "bench_common.h"
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "model/kernels/diff_metrics.h"

#include <benchmark/benchmark.h>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <time.h>
#include <vector>

namespace io = tscope::io;
namespace tb = tscope::bench;
namespace model = tscope::model;

namespace {

constexpr const char* kGenerator = "diff-v1 splitmix uniform(-0.1,0.1) b=a+1e-3 every 101st";
constexpr const char* kKey = "model/layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE";
constexpr uint64_t kDefaultElements = uint64_t { 1 } << 28;

uint64_t elementCount()
{
    if (const char* env = std::getenv("TSCOPE_DIFF_ELEMENTS"); env && *env) {
        const uint64_t n = std::strtoull(env, nullptr, 10);
        if (n > 0) return n;
    }
    return kDefaultElements;
}

float valueAt(uint64_t i)
{
    uint64_t z = 0x9e3779b97f4a7c15ull * (i + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<float>(static_cast<double>(z >> 40) / static_cast<double>(1ull << 24) * 0.2 - 0.1);
}

void writeCheckpoint(const tb::fs::path& prefix, uint64_t n, const io::Shape& shape, bool perturbed)
{
    std::vector<float> data(n);
    for (uint64_t i = 0; i < n; ++i)
        data[i] = valueAt(i) + ((perturbed && i % 101 == 0) ? 1e-3f : 0.0f);
    io::BundleWriter writer(prefix);
    io::Status st = writer.add(kKey, io::DType::Float, shape, std::as_bytes(std::span(data)));
    if (st.isOk()) st = writer.finish();
    if (!st.isOk()) tb::die("write: " + st.toString());
}

struct Side {
    std::shared_ptr<io::BundleReader> reader;
    io::Tensor tensor;
};

Side openSide(const tb::fs::path& prefix)
{
    Side s;
    auto r = io::BundleReader::open(prefix);
    if (!r) tb::die("open: " + r.status().toString());
    s.reader = *r;
    const auto* e = s.reader->find(kKey);
    if (!e) tb::die("the benchmark tensor is missing from " + prefix.string());
    auto t = s.reader->read(*e);
    if (!t) tb::die("read: " + t.status().toString());
    s.tensor = std::move(*t);
    volatile uint64_t sink = 0; // touch every page once: the timing is from the page cache
    const auto bytes = s.tensor.bytes();
    for (size_t i = 0; i < bytes.size(); i += 4096)
        sink = sink + static_cast<uint64_t>(bytes[i]);
    return s;
}

struct Fixture {
    Side a, b;
    uint64_t bytes = 0;
    uint64_t expectedChanged = 0;
};

const Fixture& fixture()
{
    static Fixture f = [] {
        Fixture fx;
        const uint64_t n = elementCount();
        const io::Shape shape = n % 256 == 0 ? io::Shape { static_cast<int64_t>(n / 256), 256 }
                                             : io::Shape { static_cast<int64_t>(n) };
        const std::string sub = n == kDefaultElements ? "diff1g" : "diff_" + std::to_string(n);
        const tb::fs::path dir = tb::benchRoot() / sub;
        const tb::fs::path manifestFile = dir / "manifest.txt";
        const auto m = tb::readManifest(manifestFile);
        const bool reuse = m.count("generator") && m.at("generator") == kGenerator && m.count("elements")
            && m.at("elements") == std::to_string(n) && tb::fs::exists(dir / "b" / "ckpt-1.index");
        if (!reuse) {
            std::error_code ec;
            tb::fs::remove_all(dir, ec);
            tb::fs::create_directories(dir / "a");
            tb::fs::create_directories(dir / "b");
            writeCheckpoint(dir / "a" / "ckpt-1", n, shape, false);
            writeCheckpoint(dir / "b" / "ckpt-1", n, shape, true);
            tb::writeManifest(manifestFile,
                { { "generator", kGenerator }, { "elements", std::to_string(n) }, { "key", kKey },
                    { "a", (dir / "a" / "ckpt-1").string() }, { "b", (dir / "b" / "ckpt-1").string() } });
        }
        fx.a = openSide(dir / "a" / "ckpt-1");
        fx.b = openSide(dir / "b" / "ckpt-1");
        fx.bytes = fx.a.tensor.bytes().size() + fx.b.tensor.bytes().size();
        // Elements whose float32 value actually moved (1e-3 can vanish next to nothing but never here).
        for (uint64_t i = 0; i < n; i += 101)
            fx.expectedChanged += (valueAt(i) + 1e-3f) != valueAt(i);
        return fx;
    }();
    return f;
}

double processCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void BM_Diff(benchmark::State& state)
{
    const Fixture& f = fixture();
    model::DiffOptions options;
    options.threads = static_cast<int>(state.range(0));
    model::DiffMetrics last;
    const double cpu0 = processCpuSeconds();
    for (auto _ : state) {
        auto m = model::computeDiff(f.a.tensor, f.b.tensor, options);
        if (!m) tb::die("diff: " + m.status().toString());
        last = *m;
        benchmark::DoNotOptimize(last);
    }
    if (last.changed != f.expectedChanged)
        tb::die(
            "changed " + std::to_string(last.changed) + ", expected " + std::to_string(f.expectedChanged));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
    // Input bytes per second of process CPU time (all threads): what one core does, whatever the load.
    const double cpu = processCpuSeconds() - cpu0;
    state.counters["cpu_bytes_per_second"]
        = cpu > 0 ? static_cast<double>(state.iterations()) * static_cast<double>(f.bytes) / cpu : 0.0;
    state.counters["max_abs_diff"] = last.maxAbsDiff.value_or(-1);
    state.counters["rel_change"] = last.relChange.value_or(-1);
}

void configure(benchmark::internal::Benchmark* b)
{
    b->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
    b->ComputeStatistics("min", tb::minOf);
}

} // namespace

BENCHMARK(BM_Diff)->Apply(configure);

int main(int argc, char** argv)
{
    return tb::runMain(argc, argv, { "--benchmark_repetitions=3", "--benchmark_min_time=1" });
}
