#include "model/session/job_runner.h"

#include <atomic>

namespace tscope::model {

JobRunner::JobRunner(QObject* parent)
    : QObject(parent)
{ }

JobRunner::~JobRunner()
{
    cancelAll();
    waitForDone();
}

void JobRunner::taskStarted()
{
    std::lock_guard lock(m_tasksMutex);
    ++m_tasks;
}

void JobRunner::taskEnded()
{
    std::lock_guard lock(m_tasksMutex);
    if (--m_tasks == 0) m_tasksEnded.notify_all();
}

io::CancelToken JobRunner::startKey(const QString& key, const QString& label)
{
    const bool wasIdle = m_tokens.isEmpty();
    if (m_tokens.contains(key)) endKey(key); // the previous job under this key is superseded
    io::CancelToken token;
    m_tokens.insert(key, token);
    m_generations[key] = m_generations.value(key) + 1;
    if (!label.isEmpty()) m_labels.insert(key, label);
    if (wasIdle) emit busyChanged(true);
    if (!label.isEmpty()) emit activityStarted(key, label);
    return token;
}

// Cancels the key's job and forgets it, without touching the generation.
void JobRunner::endKey(const QString& key)
{
    auto it = m_tokens.find(key);
    if (it == m_tokens.end()) return;
    it->cancel();
    m_tokens.erase(it);
    if (m_labels.remove(key) > 0) emit activityFinished(key);
}

void JobRunner::finishKey(const QString& key, quint64 generation)
{
    if (!isCurrent(key, generation) || !m_tokens.contains(key)) return;
    m_tokens.remove(key);
    if (m_labels.remove(key) > 0) emit activityFinished(key);
    if (m_tokens.isEmpty()) emit busyChanged(false);
}

void JobRunner::cancel(const QString& key)
{
    if (!m_tokens.contains(key)) return;
    endKey(key);
    m_generations[key] = m_generations.value(key) + 1; // any in-flight result is now stale
    if (m_tokens.isEmpty()) emit busyChanged(false);
}

void JobRunner::cancelAll()
{
    const auto keys = m_tokens.keys();
    for (const auto& k : keys)
        cancel(k);
}

void JobRunner::waitForDone()
{
    std::unique_lock lock(m_tasksMutex);
    m_tasksEnded.wait(lock, [this] { return m_tasks == 0; });
}

io::ProgressFn JobRunner::progressRelay(const QString& key, quint64 generation)
{
    // Workers may report thousands of times a second: keep only the latest numbers and post at most
    // one update at a time; the update reads whatever is newest when it runs.
    struct Latest {
        std::atomic<uint64_t> done { 0 }, total { 0 };
        std::atomic<bool> posted { false };
    };
    auto latest = std::make_shared<Latest>();
    JobRunner* runner = this;
    return [latest, runner, key, generation](uint64_t done, uint64_t total) {
        latest->done = done;
        latest->total = total;
        if (!latest->posted.exchange(true))
            QMetaObject::invokeMethod(
                runner,
                [latest, runner, key, generation] {
                    latest->posted = false; // before reading, so a newer report posts again
                    if (!runner->isCurrent(key, generation) || !runner->isRunning(key)) return;
                    emit runner->activityProgress(key, static_cast<qint64>(latest->done.load()),
                        static_cast<qint64>(latest->total.load()));
                },
                Qt::QueuedConnection);
        return true;
    };
}

} // namespace tscope::model
