#include "io/cpu_budget.h"

#include <algorithm>
#include <thread>

#ifdef __linux__
#include <sched.h>
#endif

namespace tscope::io {

unsigned affinityCpuCount()
{
#ifdef __linux__
    // Large enough for machines with more than CPU_SETSIZE (1024) CPUs.
    for (int cpus = CPU_SETSIZE; cpus <= 1 << 16; cpus *= 4) {
        cpu_set_t* set = CPU_ALLOC(cpus);
        if (!set) break;
        const size_t size = CPU_ALLOC_SIZE(cpus);
        CPU_ZERO_S(size, set);
        const int rc = sched_getaffinity(0, size, set);
        const int count = rc == 0 ? CPU_COUNT_S(size, set) : 0;
        CPU_FREE(set);
        if (rc == 0) return static_cast<unsigned>(std::max(count, 1));
    }
#endif
    return std::max(1u, std::thread::hardware_concurrency());
}

unsigned availableCpus()
{
    static const unsigned cpus = affinityCpuCount();
    return cpus;
}

} // namespace tscope::io
