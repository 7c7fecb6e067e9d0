// Data-parallel work without owning threads: io code (verify, export) and the numeric kernels hand
// chunks to an Executor, and the application passes one shared implementation (model::sharedExecutor(),
// a Qt thread pool under one CPU budget) so nothing starts threads of its own. io stays Qt-free.
#pragma once

#include "io/cancel.h"

#include <cstdint>
#include <functional>

namespace tscope::io {

// body(chunk, worker) processes one chunk; `worker` is in [0, maxWorkers) and unique among the
// threads running at the same time, so callers can keep one partial result per worker without locks.
// Returning false stops the loop (e.g. a progress callback asked to cancel).
using ChunkFn = std::function<bool(uint64_t chunk, unsigned worker)>;

class Executor {
public:
    virtual ~Executor() = default;
    // Most threads a parallelFor may use (the caller included); size per-worker state with it.
    virtual unsigned maxWorkers() const = 0;
    // Runs body for every chunk in [0, chunks) on up to min(maxWorkers(), maxThreads) threads, the
    // calling thread included (worker 0, the one to report progress from). Stops handing out chunks
    // once `cancel` is set or a body returns false. Returns true when every chunk ran.
    virtual bool parallelFor(
        uint64_t chunks, const ChunkFn& body, const CancelToken* cancel = nullptr, unsigned maxThreads = 0)
        = 0;
};

// Runs every chunk on the calling thread, in order: the default for io code nobody gave an executor.
Executor& inlineExecutor();

} // namespace tscope::io
