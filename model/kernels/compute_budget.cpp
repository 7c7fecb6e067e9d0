#include "model/kernels/compute_budget.h"

#include "io/cpu_budget.h"

#include <chrono>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tscope::model {

namespace {
thread_local int t_slotsHeld = 0; // > 0 while this thread holds a slot of the shared budget
}

ComputeBudget::ComputeBudget(unsigned slots)
    : m_slots(slots > 0 ? slots : 1)
{ }

ComputeBudget& ComputeBudget::shared()
{
    static ComputeBudget budget(io::availableCpus());
    return budget;
}

unsigned ComputeBudget::inUse() const
{
    std::lock_guard lock(m_mutex);
    return m_used;
}

bool ComputeBudget::acquire(const io::CancelToken* cancel)
{
    std::unique_lock lock(m_mutex);
    // Waiting in short steps lets a job cancelled while queued give up without ever computing.
    while (m_used >= m_slots) {
        if (cancel && cancel->isCancelled()) return false;
        m_freed.wait_for(lock, std::chrono::milliseconds(20));
    }
    ++m_used;
    return true;
}

bool ComputeBudget::tryAcquire()
{
    std::lock_guard lock(m_mutex);
    if (m_used >= m_slots) return false;
    ++m_used;
    return true;
}

void ComputeBudget::release()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_used > 0) --m_used;
    }
    m_freed.notify_one();
}

ComputeSlot::ComputeSlot(const io::CancelToken* cancel)
{
    if (t_slotsHeld > 0) {
        m_held = true;
        return;
    }
    m_held = m_owner = ComputeBudget::shared().acquire(cancel);
    if (m_owner) ++t_slotsHeld;
}

ComputeSlot::~ComputeSlot()
{
    if (!m_owner) return;
    --t_slotsHeld;
    ComputeBudget::shared().release();
}

bool ComputeSlot::currentThreadHoldsOne()
{
    return t_slotsHeld > 0;
}

void ComputeSlot::adoptOnCurrentThread(bool holds)
{
    t_slotsHeld += holds ? 1 : -1;
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
