// Cancellation and progress for every long operation (PlotJuggler's contract: the callback
// returns false to cancel). Checked between chunks, never per element.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

namespace tscope::io {

// Shared flag: copies observe the same cancellation. A default-constructed token never cancels.
class CancelToken {
public:
    CancelToken()
        : m_flag(std::make_shared<std::atomic<bool>>(false))
    { }
    void cancel() const { m_flag->store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

// done/total in arbitrary units (bytes or items); return false to cancel.
using ProgressFn = std::function<bool(uint64_t done, uint64_t total)>;

// Reports progress and answers "should we stop?" in one call.
inline bool shouldStop(const CancelToken* cancel, const ProgressFn& progress, uint64_t done, uint64_t total)
{
    if (cancel && cancel->isCancelled()) return true;
    if (progress && !progress(done, total)) {
        if (cancel) cancel->cancel();
        return true;
    }
    return false;
}

} // namespace tscope::io
