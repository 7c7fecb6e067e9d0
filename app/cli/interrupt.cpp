#include "app/cli/interrupt.h"

#include <atomic>
#include <csignal>

namespace tscope::cli {
namespace {

// Async-signal-safe only if lock-free: the handler must not take a lock the interrupted thread may hold.
std::atomic<bool> g_interrupted { false };
static_assert(std::atomic<bool>::is_always_lock_free);

void onSigint(int)
{
    g_interrupted.store(true, std::memory_order_relaxed);
}

} // namespace

void installInterruptHandler()
{
    struct sigaction action { };
    action.sa_handler = onSigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_RESTART; // one-shot: the second Ctrl-C gets the default (terminate)
    sigaction(SIGINT, &action, nullptr);
}

bool interruptRequested()
{
    return g_interrupted.load(std::memory_order_relaxed);
}

void requestInterrupt()
{
    g_interrupted.store(true, std::memory_order_relaxed);
}

} // namespace tscope::cli
