// CRC32C throughput: SSE4.2 three-stream path (crc32c::extend) vs the portable slicing-by-8 path.
// Reports bytes/second; the hardware path is expected to exceed 8 GB/s for large buffers on one core.
// BM_FileCrc32c*: a whole 256 MiB file from the page cache as verify reads it, opened afresh each time
// (a process pays the open, the reads and the unmap): pread into an L2-sized buffer (fileCrc32c) vs the
// CRC computed in place in the mapping under the SIGBUS guard (guardedCrc32c, which pays the page faults;
// "MappedCopy" is the benchmark's old name, from when it copied out of the mapping first).

#include "bench_common.h"
#include "io/crc32c.h"
#include "io/guarded_read.h"
#include "io/mapped_file.h"

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

// A 256 MiB file of random bytes under the bench directory, written once.
const std::filesystem::path& crcFile()
{
    static const std::filesystem::path file = [] {
        const auto path = tscope::bench::benchRoot() / "crc32c-256MiB.bin";
        const size_t size = size_t(256) << 20;
        if (!std::filesystem::exists(path) || std::filesystem::file_size(path) != size) {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            const auto& data = buffer(size_t(64) << 20);
            for (int i = 0; i < 4; ++i)
                out.write(
                    reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        }
        return path;
    }();
    return file;
}

template <bool Pread> void BM_FileCrc32c(benchmark::State& state)
{
    const auto& path = crcFile();
    uint64_t size = 0;
    for (auto _ : state) {
        auto file = tscope::io::MappedFile::open(path);
        if (!file) {
            state.SkipWithError("cannot open the bench file");
            return;
        }
        size = (*file)->size();
        auto crc = Pread ? tscope::io::fileCrc32c(**file, 0, size, nullptr)
                         : tscope::io::guardedCrc32c((*file)->all(), nullptr);
        if (!crc) {
            state.SkipWithError("read failed");
            return;
        }
        benchmark::DoNotOptimize(*crc);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

} // namespace

BENCHMARK_TEMPLATE(BM_FileCrc32c, true)
    ->Name("BM_FileCrc32c_Pread")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_FileCrc32c, false)
    ->Name("BM_FileCrc32c_MappedCopy")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Crc32cHardware)->Arg(4 << 10)->Arg(64 << 10)->Arg(1 << 20)->Arg(64 << 20);
BENCHMARK(BM_Crc32cPortable)->Arg(4 << 10)->Arg(64 << 10)->Arg(1 << 20)->Arg(64 << 20);

int main(int argc, char** argv)
{
    return tscope::bench::runMain(argc, argv);
}
