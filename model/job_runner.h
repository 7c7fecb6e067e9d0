// Background jobs with stale-result protection (Hotspot's JobTracker and RenderDoc's tagged requests):
// each job gets a CancelToken; starting a job under a key cancels the previous job with that key and
// drops its result; results are delivered on the receiver's thread only while the receiver lives.
#pragma once

#include "io/cancel.h"

#include <QHash>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <functional>
#include <memory>

namespace tscope::model {

// Background work runs at a lower CPU priority (Linux nice 10, inherited by the threads it starts)
// so the GUI thread wins the core whenever it has something to do.
void lowerCurrentThreadPriority();

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
        io::CancelToken token = startKey(key);
        const quint64 generation = m_generations.value(key);
        QPointer<QObject> guard(receiver);
        // The runner outlives every task (its destructor waits for the pool), so results are posted
        // to the runner's thread and the receiver is checked there, never from the worker.
        JobRunner* runner = this;
        auto task = [work = std::move(work), done = std::move(done), token, guard, runner, key,
                        generation]() mutable {
            lowerCurrentThreadPriority();
            Result result = work(token);
            if (token.isCancelled()) return;
            QMetaObject::invokeMethod(
                runner,
                [result = std::move(result), done = std::move(done), guard, runner, key, generation,
                    token]() mutable {
                    if (!guard || token.isCancelled() || !runner->isCurrent(key, generation)) return;
                    runner->finishKey(key, generation);
                    done(std::move(result));
                },
                Qt::QueuedConnection);
        };
        (void)QtConcurrent::run(&m_pool, std::move(task));
        return generation;
    }

    void cancel(const QString& key);
    void cancelAll();
    bool isRunning(const QString& key) const { return m_tokens.contains(key); }
    bool isCurrent(const QString& key, quint64 generation) const
    {
        return m_generations.value(key) == generation;
    }
    // Blocks until every job has returned (tests, shutdown).
    void waitForDone();

signals:
    void busyChanged(bool busy);

private:
    io::CancelToken startKey(const QString& key);
    void finishKey(const QString& key, quint64 generation);

    QThreadPool m_pool;
    QHash<QString, quint64> m_generations;
    QHash<QString, io::CancelToken> m_tokens;
};

} // namespace tscope::model
