#include "model/kernels/compute_pool.h"

#include "io/cpu_budget.h"

#include <QSemaphore>
#include <algorithm>
#include <atomic>
#include <limits>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tscope::model {

ComputePool::ComputePool(unsigned threads)
    : m_threads(std::max(1u, threads))
{
    m_pool.setMaxThreadCount(static_cast<int>(m_threads));
}

ComputePool::~ComputePool()
{
    m_pool.waitForDone();
}

bool ComputePool::parallelFor(
    uint64_t chunks, const io::ChunkFn& body, const io::CancelToken* cancel, unsigned maxThreads)
{
    std::atomic<uint64_t> next { 0 };
    std::atomic<bool> stop { false };
    auto loop = [&](unsigned worker) {
        for (uint64_t c = next++; c < chunks && !stop; c = next++)
            if ((cancel && cancel->isCancelled()) || !body(c, worker)) stop = true;
    };
    const uint64_t wanted = std::min<uint64_t>(
        { chunks, m_threads, maxThreads > 0 ? maxThreads : std::numeric_limits<unsigned>::max() });
    QSemaphore helpersDone;
    unsigned helpers = 0;
    // tryStart succeeds only on an idle thread (never queues), so helpers never wait behind jobs and
    // the pool never grows beyond its size.
    for (unsigned w = 1; w < wanted; ++w) {
        const bool started = m_pool.tryStart([&, w] {
            lowerCurrentThreadPriority();
            loop(w);
            helpersDone.release();
        });
        if (!started) break;
        ++helpers;
    }
    loop(0);
    helpersDone.acquire(static_cast<int>(helpers)); // they use this frame's state
    return !stop;
}

ComputePool& sharedComputePool()
{
    static ComputePool pool(io::availableCpus());
    return pool;
}

io::Executor& sharedExecutor()
{
    return sharedComputePool();
}

void lowerCurrentThreadPriority()
{
#ifdef __linux__
    thread_local bool done = false;
    if (done) return;
    done = true;
    // On Linux, nice values are per thread; threads created later by this one inherit it.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
}

} // namespace tscope::model
