// CRC32C throughput: SSE4.2 three-stream path (crc32c::extend) vs the portable slicing-by-8 path.
// Reports bytes/second; the hardware path is expected to exceed 8 GB/s for large buffers on one core.

#include "io/crc32c.h"

#include <benchmark/benchmark.h>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace crc = tscope::io::crc32c;

namespace {

const std::vector<unsigned char>& buffer(size_t n)
{
    // One random buffer, large enough for the largest size, shared by all runs.
    static const std::vector<unsigned char> data = [] {
        std::vector<unsigned char> v(size_t { 64 } << 20);
        std::mt19937_64 rng(42);
        for (size_t i = 0; i + 8 <= v.size(); i += 8) {
            const uint64_t w = rng();
            std::memcpy(v.data() + i, &w, 8);
        }
        return v;
    }();
    if (n > data.size()) std::abort();
    return data;
}

void BM_Crc32cHardware(benchmark::State& state)
{
    if (!crc::hardwareAccelerated()) {
        state.SkipWithError("CPU has no SSE4.2: extend() uses the portable path");
        return;
    }
    const size_t n = static_cast<size_t>(state.range(0));
    const unsigned char* p = buffer(n).data();
    uint32_t c = 0;
    for (auto _ : state) {
        c = crc::extend(c, p, n);
        benchmark::DoNotOptimize(c);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

void BM_Crc32cPortable(benchmark::State& state)
{
    const size_t n = static_cast<size_t>(state.range(0));
    const unsigned char* p = buffer(n).data();
    uint32_t c = 0;
    for (auto _ : state) {
        c = crc::extendPortable(c, p, n);
        benchmark::DoNotOptimize(c);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

} // namespace

BENCHMARK(BM_Crc32cHardware)->Arg(4 << 10)->Arg(64 << 10)->Arg(1 << 20)->Arg(64 << 20);
BENCHMARK(BM_Crc32cPortable)->Arg(4 << 10)->Arg(64 << 10)->Arg(1 << 20)->Arg(64 << 20);

BENCHMARK_MAIN();
