#include "model/kernels/kernel_dispatch.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace tscope::model {
namespace {

bool cpuHas(bool f16c)
{
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool avx2 = [] {
        __builtin_cpu_init(); // may run before libgcc's own constructor (static initialisers)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }();
    static const bool half = avx2 && __builtin_cpu_supports("f16c");
    return f16c ? half : avx2;
#else
    (void)f16c;
    return false;
#endif
}

std::atomic<bool>& forced()
{
    static std::atomic<bool> portable = [] {
        const char* env = std::getenv("TSCOPE_PORTABLE_KERNELS");
        return env && *env && std::strcmp(env, "0") != 0;
    }();
    return portable;
}

} // namespace

bool kernelsUseAvx2()
{
    return cpuHas(false) && !forced().load(std::memory_order_relaxed);
}

bool kernelsUseF16c()
{
    return cpuHas(true) && !forced().load(std::memory_order_relaxed);
}

void forcePortableKernels(bool portable)
{
    forced().store(portable, std::memory_order_relaxed);
}

const char* kernelPathName()
{
    return kernelsUseAvx2() ? "avx2" : "portable";
}

} // namespace tscope::model
