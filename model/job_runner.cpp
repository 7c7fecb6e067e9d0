#include "model/job_runner.h"

#include "io/cpu_budget.h"

#include <QThread>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tscope::model {

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

JobRunner::JobRunner(QObject* parent)
    : QObject(parent)
{
    // Disk-bound work: a couple of threads is enough and keeps the GUI thread's core free.
    m_pool.setMaxThreadCount(static_cast<int>(std::max(2u, io::availableCpus())));
}

JobRunner::~JobRunner()
{
    cancelAll();
    m_pool.waitForDone();
}

io::CancelToken JobRunner::startKey(const QString& key)
{
    if (auto it = m_tokens.find(key); it != m_tokens.end()) it->cancel();
    const bool wasIdle = m_tokens.isEmpty();
    io::CancelToken token;
    m_tokens.insert(key, token);
    m_generations[key] = m_generations.value(key) + 1;
    if (wasIdle) emit busyChanged(true);
    return token;
}

void JobRunner::finishKey(const QString& key, quint64 generation)
{
    if (!isCurrent(key, generation)) return;
    m_tokens.remove(key);
    if (m_tokens.isEmpty()) emit busyChanged(false);
}

void JobRunner::cancel(const QString& key)
{
    if (auto it = m_tokens.find(key); it != m_tokens.end()) {
        it->cancel();
        m_tokens.erase(it);
        m_generations[key] = m_generations.value(key) + 1; // any in-flight result is now stale
        if (m_tokens.isEmpty()) emit busyChanged(false);
    }
}

void JobRunner::cancelAll()
{
    const auto keys = m_tokens.keys();
    for (const auto& k : keys)
        cancel(k);
}

void JobRunner::waitForDone()
{
    m_pool.waitForDone();
}

} // namespace tscope::model
