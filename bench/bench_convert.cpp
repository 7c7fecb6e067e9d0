// Widening float16, bfloat16 and float8 to float32 (model/kernels/convert_to_float.h): what the statistics
// and histogram passes pay per element before their float32 kernels. 1 Mi elements per call (a chunk of
// the statistics pass stays in L2); every 16-bit pattern occurs, so subnormals, Inf and NaN are included.
//
//   BM_HalfToFloat/path:{0,1}   0 = portable bit manipulation, 1 = the automatic choice (F16C when present)
//   BM_HalfToFloatScalar        io::halfToFloat element by element (the decoder the kernels replaced)
//   BM_Bfloat16ToFloat/path:{0,1}  one shift per element (portable loop, or AVX2)
//   BM_Float8ToFloat            a 256-entry table per format (float8_e4m3fn)
//
// items_per_second counts elements.

#include "io/element.h"
#include "model/kernels/convert_to_float.h"
#include "model/kernels/kernel_dispatch.h"

#include <benchmark/benchmark.h>
#include <cstdint>
#include <cstring>
#include <vector>

namespace model = tscope::model;
namespace io = tscope::io;

namespace {

constexpr size_t kElements = size_t { 1 } << 20;

const std::vector<uint16_t>& patterns16()
{
    static const std::vector<uint16_t> v = [] {
        std::vector<uint16_t> p(kElements);
        for (size_t i = 0; i < p.size(); ++i)
            p[i] = static_cast<uint16_t>(i * 40503u); // an odd multiplier visits every pattern
        return p;
    }();
    return v;
}

void finish(benchmark::State& state, size_t elementBytes)
{
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kElements));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kElements * elementBytes));
    state.SetLabel(model::kernelPathName());
}

void BM_HalfToFloat(benchmark::State& state)
{
    model::forcePortableKernels(state.range(0) == 0);
    const auto* src = reinterpret_cast<const std::byte*>(patterns16().data());
    std::vector<float> out(kElements);
    for (auto _ : state) {
        model::halfToFloatBlock(src, out.data(), kElements);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    finish(state, 2);
    model::forcePortableKernels(false);
}

void BM_HalfToFloatScalar(benchmark::State& state)
{
    const auto& src = patterns16();
    std::vector<float> out(kElements);
    for (auto _ : state) {
        for (size_t i = 0; i < kElements; ++i)
            out[i] = io::halfToFloat(src[i]);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    finish(state, 2);
}

void BM_Bfloat16ToFloat(benchmark::State& state)
{
    model::forcePortableKernels(state.range(0) == 0);
    const auto* src = reinterpret_cast<const std::byte*>(patterns16().data());
    std::vector<float> out(kElements);
    for (auto _ : state) {
        model::bfloat16ToFloatBlock(src, out.data(), kElements);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    finish(state, 2);
    model::forcePortableKernels(false);
}

void BM_Float8ToFloat(benchmark::State& state)
{
    std::vector<uint8_t> bytes(kElements);
    for (size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<uint8_t>(i * 167u);
    std::vector<float> out(kElements);
    for (auto _ : state) {
        model::float8ToFloatBlock(
            io::DType::Float8E4M3FN, reinterpret_cast<const std::byte*>(bytes.data()), out.data(), kElements);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    finish(state, 1);
}

} // namespace

BENCHMARK(BM_HalfToFloat)->ArgName("path")->Arg(0)->Arg(1);
BENCHMARK(BM_HalfToFloatScalar);
BENCHMARK(BM_Bfloat16ToFloat)->ArgName("path")->Arg(0)->Arg(1);
BENCHMARK(BM_Float8ToFloat);

BENCHMARK_MAIN();
