#pragma once
// How many CPUs this process may run on: the size of its affinity mask (taskset, cgroups cpusets, CI
// runners), not the machine's core count, which std::thread::hardware_concurrency() reports and which
// oversubscribes a process pinned to fewer cores.

namespace tscope::io {

// CPUs in the process's affinity mask as seen by the first caller (sched_getaffinity); at least 1. Cached.
unsigned availableCpus();

// The same, read now for the calling thread (affinity is per thread on Linux); not cached.
unsigned affinityCpuCount();

} // namespace tscope::io
