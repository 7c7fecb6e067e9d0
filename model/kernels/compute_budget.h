// One CPU budget for the whole process: as many compute slots as CPUs in the affinity mask
// (io::availableCpus()). A thread runs compute only while it holds a slot: background jobs hold one
// for their whole run, and the shared pool's helpers borrow a free one per parallel loop, so the
// process never has more compute threads runnable than it has CPUs, however many jobs are queued.
#pragma once

#include "io/cancel.h"

#include <condition_variable>
#include <mutex>

namespace tscope::model {

class ComputeBudget {
public:
    explicit ComputeBudget(unsigned slots);
    static ComputeBudget& shared(); // sized from io::availableCpus() on first use

    unsigned capacity() const { return m_slots; }
    unsigned inUse() const;
    // Blocks until a slot is free; false when `cancel` was set meanwhile (no slot taken then).
    bool acquire(const io::CancelToken* cancel = nullptr);
    bool tryAcquire();
    void release();

private:
    const unsigned m_slots;
    unsigned m_used = 0;
    mutable std::mutex m_mutex;
    std::condition_variable m_freed;
};

// Holds a slot of the shared budget for the current thread while it lives. Nested scopes on a thread
// that already holds one take nothing more (a job calling a kernel, a helper running a chunk).
class ComputeSlot {
public:
    explicit ComputeSlot(const io::CancelToken* cancel = nullptr);
    ~ComputeSlot();
    ComputeSlot(const ComputeSlot&) = delete;
    ComputeSlot& operator=(const ComputeSlot&) = delete;
    bool held() const { return m_held; } // false only when cancelled while waiting

    static bool currentThreadHoldsOne();
    // For a pool helper whose slot was acquired on its behalf by the thread that started it.
    static void adoptOnCurrentThread(bool holds);

private:
    bool m_owner = false; // this scope took the slot and releases it
    bool m_held = false;
};

// Background threads run at a lower CPU priority (Linux nice 10) so the GUI thread wins the core
// whenever it has something to do. Once per thread.
void lowerCurrentThreadPriority();

} // namespace tscope::model
