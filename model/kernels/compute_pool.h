// The process's one compute budget and its one data-parallel mechanism: a single QThreadPool with as
// many threads as CPUs in the affinity mask (io::availableCpus()). Every background job (JobRunner)
// runs on it, and parallel loops (stats, histograms, later diff, export, verify) add helpers only on
// its idle threads, so however many jobs are queued, at most that many threads compute; waiting
// work is a queued task, never a sleeping thread that wakes up to compete.
#pragma once

#include "io/executor.h"

#include <QThreadPool>

namespace tscope::model {

class ComputePool final : public io::Executor {
public:
    explicit ComputePool(unsigned threads);
    ~ComputePool() override;

    unsigned maxWorkers() const override { return m_threads; }
    // The caller works (worker 0) and adds a helper per idle pool thread, up to maxThreads (0 = no
    // limit beyond the pool). A caller outside the pool (the CLI's main thread) is one of the CPUs.
    bool parallelFor(uint64_t chunks, const io::ChunkFn& body, const io::CancelToken* cancel = nullptr,
        unsigned maxThreads = 0) override;

    QThreadPool& threads() { return m_pool; } // where JobRunner queues its jobs

private:
    const unsigned m_threads;
    QThreadPool m_pool;
};

// The shared pool every kernel and JobRunner uses by default; the GUI and the CLI pass it to io too.
ComputePool& sharedComputePool();
io::Executor& sharedExecutor();

// Background threads run at a lower CPU priority (Linux nice 10) so the GUI thread wins the core
// whenever it has something to do. Once per thread.
void lowerCurrentThreadPriority();

} // namespace tscope::model
