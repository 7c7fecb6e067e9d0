// Background jobs with stale-result protection (Hotspot's JobTracker and RenderDoc's tagged requests):
// each job gets a CancelToken; starting a job under a key cancels the previous job with that key and
// drops its result; results are delivered on the receiver's thread only while the receiver lives.
// Jobs of every runner share the process's one ComputePool (one thread per CPU of the affinity mask),
// and jobs a person waits for carry a label and report progress (activity* signals), which the status
// bar shows with a Cancel button.
#pragma once

#include "io/cancel.h"
#include "model/kernels/compute_pool.h"

#include <QHash>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace tscope::model {

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;

    // Runs work(token) on the pool; then, on `receiver`'s thread, done(result) unless the job was
    // superseded, cancelled, or the receiver is gone. Returns the job's generation.
    template <typename Result>
    quint64 run(const QString& key, QObject* receiver, std::function<Result(const io::CancelToken&)> work,
        std::function<void(Result)> done)
    {
        return runWithProgress<Result>(
            key, QString(), receiver,
            [work = std::move(work)](
                const io::CancelToken& token, const io::ProgressFn&) { return work(token); },
            std::move(done));
    }

    // Like run(), for work a person waits for: announced as `label` (activityStarted), its
    // progress(done, total) calls arrive coalesced as activityProgress on this runner's thread, and
    // activityFinished follows whatever the outcome. An empty label runs it silently, and then the
    // work's ProgressFn is empty (io's convention: callers test it before calling).
    template <typename Result>
    quint64 runWithProgress(const QString& key, const QString& label, QObject* receiver,
        std::function<Result(const io::CancelToken&, const io::ProgressFn&)> work,
        std::function<void(Result)> done)
    {
        io::CancelToken token = startKey(key, label);
        const quint64 generation = m_generations.value(key);
        io::ProgressFn progress = label.isEmpty() ? io::ProgressFn() : progressRelay(key, generation);
        QPointer<QObject> guard(receiver);
        // The runner outlives every task (its destructor waits for them), so results are posted
        // to the runner's thread and the receiver is checked there, never from the worker.
        JobRunner* runner = this;
        taskStarted();
        auto task = [work = std::move(work), done = std::move(done), progress = std::move(progress), token,
                        guard, runner, key, generation]() mutable {
            lowerCurrentThreadPriority();
            std::optional<Result> result;
            if (!token.isCancelled()) result.emplace(work(token, progress)); // cancelled while queued: skip
            QMetaObject::invokeMethod(
                runner,
                [result = std::move(result), done = std::move(done), guard, runner, key, generation,
                    token]() mutable {
                    // Always ends the key, so a dead receiver or a job that cancelled itself never
                    // leaves the runner busy; only then decide whether anyone gets the result.
                    if (!runner->isCurrent(key, generation)) return;
                    runner->finishKey(key, generation);
                    if (!guard || !result || token.isCancelled()) return;
                    done(std::move(*result));
                },
                Qt::QueuedConnection);
            runner->taskEnded();
        };
        sharedComputePool().threads().start(std::move(task));
        return generation;
    }

    void cancel(const QString& key);
    void cancelAll();
    bool isRunning(const QString& key) const { return m_tokens.contains(key); }
    bool isBusy() const { return !m_tokens.isEmpty(); }
    bool isCurrent(const QString& key, quint64 generation) const
    {
        return m_generations.value(key) == generation;
    }
    QString label(const QString& key) const { return m_labels.value(key); }
    // Blocks until every job has returned (tests, shutdown).
    void waitForDone();

signals:
    void busyChanged(bool busy);
    void activityStarted(const QString& key, const QString& label);
    void activityProgress(const QString& key, qint64 done, qint64 total); // total 0 = unknown
    void activityFinished(const QString& key);

private:
    io::CancelToken startKey(const QString& key, const QString& label);
    void finishKey(const QString& key, quint64 generation);
    void endKey(const QString& key);
    io::ProgressFn progressRelay(const QString& key, quint64 generation);
    void taskStarted();
    void taskEnded(); // from the worker

    std::mutex m_tasksMutex;
    std::condition_variable m_tasksEnded;
    int m_tasks = 0; // queued or running on the shared pool
    QHash<QString, quint64> m_generations;
    QHash<QString, io::CancelToken> m_tokens;
    QHash<QString, QString> m_labels; // running jobs that have one
};

} // namespace tscope::model
