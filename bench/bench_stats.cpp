// Statistics throughput: model::computeStats on a 1 GiB float32 tensor (268,435,456 elements, an
// embedding table [1048576, 256]) read through io::BundleReader (memory-mapped, borrowed), with every page
// touched once before timing so the numbers are "from the page cache", not from disk.
//
//   BM_ComputeStats/threads:N   computeStats with StatsOptions::threads = N.   Target: >= 4 GB/s at N = 2.
//   BM_ReadBandwidth/threads:N  the ceiling: summing the same bytes as uint64 words (no statistics).
//   BM_ComputeHistogram/threads:N   the 64-bin histogram pass alone.         Target: >= 6 GB/s at N = 2.
//   BM_StatsCrcHistogram/threads:N  statistics with CRC, then the histogram. Target: >= 4 GB/s at N = 2.
// TSCOPE_PORTABLE_KERNELS=1 measures the portable kernels instead of AVX2.
//
// Values are deterministic, normal-ish (mean 0.01, std 0.05, Irwin-Hall of 4 uniforms) with every 997th
// element exactly 0; no NaN/Inf (a realistic trained weight). Before timing, the result is checked against
// a two-pass long-double reference; the relative errors are reported as counters.
//
// Env: TSCOPE_BENCH_DIR (or --keep-dir=DIR) keeps the checkpoint for bench/peer_bench.py (numpy on the
// same bytes); TSCOPE_STATS_ELEMENTS=N uses a smaller tensor (e.g. under valgrind --tool=callgrind).

#include "bench_common.h"
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/dtype.h"
#include "model/kernels/histogram.h"
#include "model/kernels/tensor_stats.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <thread>
#include <time.h>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace io = tscope::io;
namespace tb = tscope::bench;
namespace model = tscope::model;

namespace {

constexpr const char* kGenerator = "stats-v1 irwin-hall4 mean=0.01 std=0.05 zero-every-997";
constexpr const char* kKey = "model/layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE";
constexpr uint64_t kDefaultElements = uint64_t { 1 } << 28; // 1 GiB of float32

uint64_t elementCount()
{
    if (const char* env = std::getenv("TSCOPE_STATS_ELEMENTS"); env && *env) {
        uint64_t n = std::strtoull(env, nullptr, 10);
        if (n > 0) return n;
    }
    return kDefaultElements;
}

uint64_t splitmix64(uint64_t& s)
{
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void fill(std::span<float> out, uint64_t firstIndex)
{
    uint64_t s = 0x5eed0000ull + firstIndex;
    // Irwin-Hall: the sum of 4 uniforms on [0, 65535] has mean 131070 and std 65536 * sqrt(1/3).
    const float scale = 0.05f / (65536.0f * 0.57735026919f);
    for (size_t i = 0; i < out.size(); ++i) {
        const uint64_t r = splitmix64(s);
        const float sum
            = static_cast<float>((r & 0xffff) + ((r >> 16) & 0xffff) + ((r >> 32) & 0xffff) + (r >> 48));
        out[i] = (firstIndex + i) % 997 == 0 ? 0.0f : 0.01f + (sum - 131070.0f) * scale;
    }
}

void writeCheckpoint(const tb::fs::path& dir, const tb::fs::path& prefix, uint64_t n, const io::Shape& shape)
{
    std::error_code ec;
    tb::fs::remove_all(dir, ec);
    tb::fs::create_directories(dir);
    std::vector<float> data(n);
    // Two threads, each filling whole 1 Mi-element blocks (deterministic regardless of the split).
    const uint64_t block = uint64_t { 1 } << 20;
    auto work = [&](uint64_t first, uint64_t step) {
        for (uint64_t b = first * block; b < n; b += step * block)
            fill(std::span(data.data() + b, std::min(block, n - b)), b);
    };
    std::thread t(work, 1, 2);
    work(0, 2);
    t.join();
    io::BundleWriter writer(prefix);
    io::Status st = writer.add(kKey, io::DType::Float, shape, std::as_bytes(std::span(data)));
    if (st.isOk()) st = writer.finish();
    if (!st.isOk()) tb::die("write: " + st.toString());
}

struct Reference {
    long double min = 0, max = 0, mean = 0, std = 0, l2 = 0;
    uint64_t zeros = 0, nans = 0, infs = 0, finite = 0;
};

// Two passes in long double, element by element: slow and obviously right.
Reference reference(const float* p, uint64_t n)
{
    Reference r;
    long double sum = 0, sq = 0;
    r.min = INFINITY;
    r.max = -INFINITY;
    for (uint64_t i = 0; i < n; ++i) {
        const float v = p[i];
        if (std::isnan(v)) {
            r.nans++;
            continue;
        }
        if (std::isinf(v)) {
            r.infs++;
            continue;
        }
        if (v == 0.0f) r.zeros++;
        r.finite++;
        sum += v;
        sq += static_cast<long double>(v) * v;
        r.min = std::min<long double>(r.min, v);
        r.max = std::max<long double>(r.max, v);
    }
    r.mean = sum / static_cast<long double>(r.finite);
    long double m2 = 0;
    for (uint64_t i = 0; i < n; ++i)
        if (std::isfinite(p[i])) {
            const long double d = p[i] - r.mean;
            m2 += d * d;
        }
    r.std = std::sqrt(m2 / static_cast<long double>(r.finite));
    r.l2 = std::sqrt(sq);
    return r;
}

struct Fixture {
    std::shared_ptr<io::BundleReader> reader;
    io::Tensor tensor;
    Reference ref;
    uint64_t bytes = 0;
};

double relErr(long double got, long double want)
{
    return static_cast<double>(std::fabs(got - want) / std::max<long double>(std::fabs(want), 1e-300L));
}

const Fixture& fixture()
{
    static Fixture f = [] {
        Fixture fx;
        const uint64_t n = elementCount();
        const io::Shape shape = n % 256 == 0 ? io::Shape { static_cast<int64_t>(n / 256), 256 }
                                             : io::Shape { static_cast<int64_t>(n) };
        const std::string sub = n == kDefaultElements ? "stats1g" : "stats_" + std::to_string(n);
        const tb::fs::path dir = tb::benchRoot() / sub;
        const tb::fs::path prefix = dir / "ckpt-1";
        const tb::fs::path manifestFile = dir / "manifest.txt";
        auto m = tb::readManifest(manifestFile);
        const bool reuse = m["generator"] == kGenerator && m["elements"] == std::to_string(n)
            && tb::fs::exists(prefix.string() + ".index");
        if (!reuse) {
            std::fprintf(stderr, "bench_stats: writing %llu float32 elements to %s ...\n",
                static_cast<unsigned long long>(n), prefix.string().c_str());
            writeCheckpoint(dir, prefix, n, shape);
        }
        auto r = io::BundleReader::open(prefix);
        if (!r) tb::die("open: " + r.status().toString());
        fx.reader = r.value();
        const io::TensorEntry* e = fx.reader->find(kKey);
        if (!e) tb::die("the benchmark tensor is missing from " + prefix.string());
        auto t = fx.reader->read(*e);
        if (!t) tb::die("read: " + t.status().toString());
        fx.tensor = std::move(t.value());
        fx.bytes = fx.tensor.bytes().size();
        if (!reuse)
            tb::writeManifest(manifestFile,
                { { "generator", kGenerator }, { "prefix", prefix.string() }, { "key", kKey },
                    { "dtype", "float32" }, { "elements", std::to_string(n) },
                    { "shape", io::shapeToString(shape) },
                    { "data_file", fx.reader->dataPath(e->stored.shard).string() },
                    { "offset", std::to_string(e->stored.offset) },
                    { "bytes", std::to_string(e->stored.size) } });
        // Pre-fault: one read per 4 KiB page brings the file into the page cache and our page tables.
        const auto* p = reinterpret_cast<const volatile unsigned char*>(fx.tensor.bytes().data());
        unsigned sink = 0;
        for (uint64_t off = 0; off < fx.bytes; off += 4096)
            sink += p[off];
        benchmark::DoNotOptimize(sink);
        fx.ref = reference(reinterpret_cast<const float*>(fx.tensor.bytes().data()), n);
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

// Bytes per second of process CPU time (all threads): what one core achieves, independent of how much
// CPU other jobs leave us. On an idle machine, wall-clock GB/s at N threads ~ min(N x this, memory
// bandwidth).
void setCpuRate(benchmark::State& state, uint64_t bytes, double cpuSeconds)
{
    state.counters["cpu_bytes_per_second"] = cpuSeconds > 0
        ? static_cast<double>(state.iterations()) * static_cast<double>(bytes) / cpuSeconds
        : 0.0;
}

void BM_ComputeStats(benchmark::State& state)
{
    const Fixture& f = fixture();
    model::StatsOptions options;
    options.threads = static_cast<int>(state.range(0));
    model::TensorStats s;
    const double cpu0 = processCpuSeconds();
    for (auto _ : state) {
        auto r = model::computeStats(f.tensor, options);
        if (!r) {
            state.SkipWithError(r.status().toString().c_str());
            return;
        }
        s = r.value();
        benchmark::DoNotOptimize(s);
    }
    setCpuRate(state, f.bytes, processCpuSeconds() - cpu0);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
    // Numerical soundness against the long-double reference (relative errors; exact for the counts).
    const bool countsExact = s.count == f.tensor.elementCount() && s.finite == f.ref.finite
        && s.zeros == f.ref.zeros && s.nans == f.ref.nans && s.infs == f.ref.infs
        && static_cast<long double>(s.min) == f.ref.min && static_cast<long double>(s.max) == f.ref.max;
    const double eMean = relErr(s.mean, f.ref.mean), eStd = relErr(s.std, f.ref.std),
                 eL2 = relErr(s.l2, f.ref.l2);
    state.counters["err_mean"] = eMean;
    state.counters["err_std"] = eStd;
    state.counters["err_l2"] = eL2;
    if (!countsExact)
        state.SkipWithError("count/zeros/min/max differ from the reference");
    else if (eMean > 1e-6 || eStd > 1e-6 || eL2 > 1e-6)
        state.SkipWithError("mean/std/l2 differ from the reference by more than 1e-6");
}

// Memory-read ceiling on the same mapping: each thread sums its share as 64-bit integers with AVX2 (when the
// CPU has it), four independent accumulators; no statistics. Nothing reads these bytes faster.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) uint64_t sumWordsAvx2(const uint64_t* w, uint64_t b, uint64_t e)
{
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    uint64_t i = b;
    for (; i + 16 <= e; i += 16) {
        a0 = _mm256_add_epi64(a0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + i)));
        a1 = _mm256_add_epi64(a1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + i + 4)));
        a2 = _mm256_add_epi64(a2, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + i + 8)));
        a3 = _mm256_add_epi64(a3, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + i + 12)));
    }
    alignas(32) uint64_t lanes[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes),
        _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3)));
    uint64_t s = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    for (; i < e; ++i)
        s += w[i];
    return s;
}
#endif

uint64_t sumWords(const uint64_t* w, uint64_t b, uint64_t e)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2")) return sumWordsAvx2(w, b, e);
#endif
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    uint64_t i = b;
    for (; i + 4 <= e; i += 4) {
        a0 += w[i];
        a1 += w[i + 1];
        a2 += w[i + 2];
        a3 += w[i + 3];
    }
    for (; i < e; ++i)
        a0 += w[i];
    return a0 + a1 + a2 + a3;
}

void BM_ReadBandwidth(benchmark::State& state)
{
    const Fixture& f = fixture();
    const unsigned threads = static_cast<unsigned>(state.range(0));
    const auto* words = reinterpret_cast<const uint64_t*>(f.tensor.bytes().data());
    const uint64_t nWords = f.bytes / 8;
    auto sumRange = [words](uint64_t b, uint64_t e) { return sumWords(words, b, e); };
    const double cpu0 = processCpuSeconds();
    for (auto _ : state) {
        std::vector<uint64_t> partial(threads);
        std::vector<std::thread> pool;
        const uint64_t per = nWords / threads;
        for (unsigned t = 1; t < threads; ++t)
            pool.emplace_back(
                [&, t] { partial[t] = sumRange(t * per, t + 1 == threads ? nWords : (t + 1) * per); });
        partial[0] = sumRange(0, threads == 1 ? nWords : per);
        for (auto& th : pool)
            th.join();
        uint64_t total = 0;
        for (auto v : partial)
            total += v;
        benchmark::DoNotOptimize(total);
    }
    setCpuRate(state, f.bytes, processCpuSeconds() - cpu0);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}

// The inspector's second pass: 64-bin histogram over [min, max] of the same tensor.
void BM_ComputeHistogram(benchmark::State& state)
{
    const Fixture& f = fixture();
    auto stats = model::computeStats(f.tensor);
    const double cpu0 = processCpuSeconds();
    for (auto _ : state) {
        auto h = model::computeHistogram(
            f.tensor, 64, stats->min, stats->max, nullptr, static_cast<int>(state.range(0)));
        if (!h) {
            state.SkipWithError(h.status().toString().c_str());
            return;
        }
        benchmark::DoNotOptimize(h->counts.data());
    }
    setCpuRate(state, f.bytes, processCpuSeconds() - cpu0);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}

// The inspector's whole job on the big tensor: statistics with the CRC of the bytes read (what `stats`
// and the GUI do on a borrowed tensor), then the 64-bin histogram over [min, max]. Bytes counted once
// (the tensor's size): the target is >= 4 GB/s together at 2 threads.
void BM_StatsCrcHistogram(benchmark::State& state)
{
    const Fixture& f = fixture();
    const int threads = static_cast<int>(state.range(0));
    const double cpu0 = processCpuSeconds();
    for (auto _ : state) {
        model::StatsOptions options;
        options.threads = threads;
        options.computeCrc = true;
        auto s = model::computeStats(f.tensor, options);
        if (!s) {
            state.SkipWithError(s.status().toString().c_str());
            return;
        }
        auto h = model::computeHistogram(f.tensor, 64, s->min, s->max, nullptr, threads);
        if (!h) {
            state.SkipWithError(h.status().toString().c_str());
            return;
        }
        benchmark::DoNotOptimize(h->counts.data());
    }
    setCpuRate(state, f.bytes, processCpuSeconds() - cpu0);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}

void configure(benchmark::internal::Benchmark* b)
{
    b->ArgName("threads")
        ->Arg(1)
        ->Arg(2)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->DisplayAggregatesOnly(true);
}

} // namespace

BENCHMARK(BM_ComputeStats)->Apply(configure);
BENCHMARK(BM_ReadBandwidth)->Apply(configure);
BENCHMARK(BM_ComputeHistogram)->Apply(configure);
BENCHMARK(BM_StatsCrcHistogram)->Apply(configure);

int main(int argc, char** argv)
{
    return tb::runMain(argc, argv, { "--benchmark_repetitions=3", "--benchmark_min_time=2" });
}
