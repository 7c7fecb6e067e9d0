#include "model/kernels/compute_pool.h"

#include "model/kernels/compute_budget.h"

#include <QSemaphore>
#include <algorithm>
#include <atomic>
#include <limits>

namespace tscope::model {

ComputePool::ComputePool()
{
    // Helpers only ever run on a borrowed slot, so the budget's size is enough threads.
    m_helpers.setMaxThreadCount(static_cast<int>(ComputeBudget::shared().capacity()));
}

ComputePool::~ComputePool()
{
    m_helpers.waitForDone();
}

unsigned ComputePool::maxWorkers() const
{
    return ComputeBudget::shared().capacity();
}

bool ComputePool::parallelFor(
    uint64_t chunks, const io::ChunkFn& body, const io::CancelToken* cancel, unsigned maxThreads)
{
    if (chunks == 0) return true;
    ComputeSlot own(cancel);
    if (!own.held()) return false; // cancelled while waiting for a CPU

    std::atomic<uint64_t> next { 0 };
    std::atomic<bool> stop { false };
    auto loop = [&](unsigned worker) {
        for (uint64_t c = next++; c < chunks && !stop; c = next++)
            if ((cancel && cancel->isCancelled()) || !body(c, worker)) stop = true;
    };

    ComputeBudget& budget = ComputeBudget::shared();
    const uint64_t wanted = std::min<uint64_t>(
        { chunks, maxWorkers(), maxThreads > 0 ? maxThreads : std::numeric_limits<unsigned>::max() });
    QSemaphore helpersDone;
    unsigned helpers = 0;
    for (unsigned w = 1; w < wanted && budget.tryAcquire(); ++w) {
        ++helpers;
        m_helpers.start([&, w] {
            lowerCurrentThreadPriority();
            ComputeSlot::adoptOnCurrentThread(true);
            loop(w);
            ComputeSlot::adoptOnCurrentThread(false);
            budget.release();
            helpersDone.release();
        });
    }
    loop(0);
    helpersDone.acquire(static_cast<int>(helpers)); // they use this frame's state
    return !stop;
}

io::Executor& sharedExecutor()
{
    static ComputePool pool;
    return pool;
}

} // namespace tscope::model
