#include "model/kernels/kernel_dispatch.h"

#include <atomic>
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#endif
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
    // clang (Debian 12's 14) has no "f16c" for __builtin_cpu_supports: read CPUID leaf 1, ECX bit 29.
    static const bool half = [] {
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        return avx2 && __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C) != 0;
    }();
    return f16c ? half : avx2;
#else
    (void)f16c;
    return false;
#endif
}

bool cpuHasAvx512()
{
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool avx512 = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") != 0;
    }();
    return avx512;
#else
    return false;
#endif
}

std::atomic<bool>& avx512Allowed()
{
    static std::atomic<bool> allowed = [] {
        const char* env = std::getenv("TSCOPE_NO_AVX512");
        return !(env && *env && std::strcmp(env, "0") != 0);
    }();
    return allowed;
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

bool kernelsUseAvx512()
{
    return kernelsUseAvx2() && cpuHasAvx512() && avx512Allowed().load(std::memory_order_relaxed);
}

void allowAvx512Kernels(bool allowed)
{
    avx512Allowed().store(allowed, std::memory_order_relaxed);
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
