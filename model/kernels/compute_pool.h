// The process's one data-parallel mechanism: an io::Executor over a QThreadPool whose helpers run only
// on free slots of the ComputeBudget. Stats, histograms and (later) diff, export and verify all split
// their work through it, so concurrent jobs share the CPUs instead of each starting a thread per core.
#pragma once

#include "io/executor.h"

#include <QThreadPool>

namespace tscope::model {

class ComputePool final : public io::Executor {
public:
    ComputePool();
    ~ComputePool() override;

    unsigned maxWorkers() const override;
    // The caller takes a budget slot first (waiting if none is free, unless it holds one already),
    // then adds a helper per further free slot, up to maxThreads (0 = no limit beyond the budget).
    bool parallelFor(uint64_t chunks, const io::ChunkFn& body, const io::CancelToken* cancel = nullptr,
        unsigned maxThreads = 0) override;

private:
    QThreadPool m_helpers;
};

// The shared pool every kernel uses by default; the GUI and the CLI pass it to io as well.
io::Executor& sharedExecutor();

} // namespace tscope::model
