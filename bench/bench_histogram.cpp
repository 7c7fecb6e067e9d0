// Histogram binning and the inspector's two passes (statistics with CRC, then a 64-bin histogram over
// [min, max]) on in-memory tensors of 64 Mi elements in float32, bfloat16 and float16: elements per second
// per dtype, on the portable and the automatic (AVX2) path, one and two threads. bench_stats measures the
// same passes on a 1 GiB memory-mapped float32 checkpoint.
//
//   BM_Histogram/dtype:D/path:P/threads:N      computeHistogram, 64 bins (D: 0 float32, 1 bfloat16,
//                                              2 float16; P: 0 portable, 1 automatic)
//   BM_StatsCrcHistogram/dtype:D/threads:N     computeStats (computeCrc) + computeHistogram
//   BM_StatsCrc/dtype:D/threads:N              computeStats (computeCrc) alone
//   BM_StatsAndHistogram/dtype:D/threads:N     computeStatsAndHistogram (computeCrc, 64 bins over
//                                              [min, max]): what the inspector and `stats` run; one pass
//                                              of bit-pattern counts for float16 and bfloat16
//
// items_per_second counts elements; bytes_per_second the tensor's stored bytes once (for
// BM_StatsCrcHistogram: both passes together, as the >= 4 GB/s target counts them). Values: normal-ish (mean
// 0.01, std 0.05), every 997th exactly 0.

#include "io/tensor.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/histogram.h"
#include "model/kernels/kernel_dispatch.h"
#include "model/kernels/stats_and_histogram.h"
#include "model/kernels/tensor_stats.h"

#include <array>
#include <benchmark/benchmark.h>
#include <bit>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace io = tscope::io;
namespace model = tscope::model;

namespace {

constexpr size_t kElements = size_t { 64 } << 20;

const std::vector<float>& values()
{
    static const std::vector<float> v = [] {
        std::vector<float> out(kElements);
        std::mt19937 rng(1234);
        std::normal_distribution<float> dist(0.01f, 0.05f);
        for (size_t i = 0; i < out.size(); ++i)
            out[i] = i % 997 == 0 ? 0.0f : dist(rng);
        return out;
    }();
    return v;
}

uint16_t toBfloat16(float f)
{
    return static_cast<uint16_t>(std::bit_cast<uint32_t>(f) >> 16); // truncation: any bfloat16 will do
}

uint16_t toHalf(float f)
{
    // Finite normal values of this data only (|f| < 1, >= 2^-14 or 0): truncating float -> float16.
    const uint32_t u = std::bit_cast<uint32_t>(f);
    const uint32_t sign = (u >> 16) & 0x8000u;
    const int exp = static_cast<int>((u >> 23) & 0xff) - 127 + 15;
    if (exp <= 0) return static_cast<uint16_t>(sign);
    return static_cast<uint16_t>(sign | (static_cast<uint32_t>(exp) << 10) | ((u >> 13) & 0x3ffu));
}

const io::Tensor& tensor(int dtype)
{
    static const std::array<io::Tensor, 3> tensors = [] {
        const auto& v = values();
        std::vector<std::byte> f(v.size() * 4), b(v.size() * 2), h(v.size() * 2);
        std::memcpy(f.data(), v.data(), f.size());
        for (size_t i = 0; i < v.size(); ++i) {
            const uint16_t bf = toBfloat16(v[i]), hf = toHalf(v[i]);
            std::memcpy(b.data() + 2 * i, &bf, 2);
            std::memcpy(h.data() + 2 * i, &hf, 2);
        }
        const io::Shape shape { static_cast<int64_t>(v.size()) };
        return std::array<io::Tensor, 3> { io::Tensor::owned(io::DType::Float, shape, std::move(f)),
            io::Tensor::owned(io::DType::BFloat16, shape, std::move(b)),
            io::Tensor::owned(io::DType::Half, shape, std::move(h)) };
    }();
    return tensors[static_cast<size_t>(dtype)];
}

void BM_Histogram(benchmark::State& state)
{
    const io::Tensor& t = tensor(static_cast<int>(state.range(0)));
    model::forcePortableKernels(state.range(1) == 0);
    auto stats = model::computeStats(t);
    for (auto _ : state) {
        auto h = model::computeHistogram(
            t, 64, stats->min, stats->max, nullptr, static_cast<int>(state.range(2)));
        if (!h) {
            state.SkipWithError(h.status().toString().c_str());
            break;
        }
        benchmark::DoNotOptimize(h->counts.data());
    }
    state.SetLabel(model::kernelPathName());
    model::forcePortableKernels(false);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * t.elementCount()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * t.bytes().size()));
}

void BM_StatsCrcHistogram(benchmark::State& state)
{
    const io::Tensor& t = tensor(static_cast<int>(state.range(0)));
    const int threads = static_cast<int>(state.range(1));
    for (auto _ : state) {
        model::StatsOptions o;
        o.threads = threads;
        o.computeCrc = true;
        auto s = model::computeStats(t, o);
        if (!s) {
            state.SkipWithError(s.status().toString().c_str());
            break;
        }
        auto h = model::computeHistogram(t, 64, s->min, s->max, nullptr, threads);
        if (!h) {
            state.SkipWithError(h.status().toString().c_str());
            break;
        }
        benchmark::DoNotOptimize(h->counts.data());
    }
    state.SetLabel(model::kernelPathName());
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * t.elementCount()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * t.bytes().size()));
}

void BM_StatsCrc(benchmark::State& state)
{
    const io::Tensor& t = tensor(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        model::StatsOptions o;
        o.threads = static_cast<int>(state.range(1));
        o.computeCrc = true;
        auto s = model::computeStats(t, o);
        if (!s) {
            state.SkipWithError(s.status().toString().c_str());
            break;
        }
        benchmark::DoNotOptimize(s->mean);
    }
    state.SetLabel(model::kernelPathName());
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * t.elementCount()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * t.bytes().size()));
}

void BM_StatsAndHistogram(benchmark::State& state)
{
    const io::Tensor& t = tensor(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        model::StatsOptions o;
        o.threads = static_cast<int>(state.range(1));
        o.computeCrc = true;
        auto r = model::computeStatsAndHistogram(t, o, [](const model::TensorStats& s) {
            return std::optional<model::HistogramLayout>({ 64, s.min, s.max });
        });
        if (!r) {
            state.SkipWithError(r.status().toString().c_str());
            break;
        }
        benchmark::DoNotOptimize(r->histogram.counts.data());
    }
    state.SetLabel(model::kernelPathName());
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * t.elementCount()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * t.bytes().size()));
}

} // namespace

BENCHMARK(BM_Histogram)
    ->ArgNames({ "dtype", "path", "threads" })
    ->ArgsProduct({ { 0, 1, 2 }, { 0, 1 }, { 1, 2 } })
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_StatsCrcHistogram)
    ->ArgNames({ "dtype", "threads" })
    ->ArgsProduct({ { 0, 1, 2 }, { 1, 2 } })
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(BM_StatsCrc)
    ->ArgNames({ "dtype", "threads" })
    ->ArgsProduct({ { 0, 1, 2 }, { 1, 2 } })
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_StatsAndHistogram)
    ->ArgNames({ "dtype", "threads" })
    ->ArgsProduct({ { 0, 1, 2 }, { 1, 2 } })
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();
