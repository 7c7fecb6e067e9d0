// One running Tensorscope per user and display: a second start hands its files to the first over a local
// socket in the user's runtime directory and exits; the first opens them in new windows.
#pragma once

#include "io/status.h"

#include <QObject>
#include <QStringList>
#include <memory>

class QLocalServer;
class QLockFile;

namespace tscope::app {

class SingleInstance : public QObject {
    Q_OBJECT
public:
    enum class Outcome {
        HandedOver, // a running instance took the files: this process should exit
        Primary, // no instance was running: this process now listens and opens the files itself
    };

    explicit SingleInstance(QObject* parent = nullptr);
    ~SingleInstance() override;

    // Hands `files` (made absolute here: the running instance has another working directory) to a running
    // instance, or becomes the running instance. An error means neither worked; the caller can still run
    // alone. `timeoutMs` bounds each socket step. Equals handOverOrLock() then serve().
    io::Result<Outcome> start(const QStringList& files, int timeoutMs = 5000);

    // The first half of start(), usable before any Q*Application exists (no display connection): hands the
    // files over, or answers Primary holding the start lock, which serve() (with an application) releases.
    io::Result<Outcome> handOverOrLock(const QStringList& files, int timeoutMs = 5000);
    // The second half: listens for later starts and releases the lock. Only after handOverOrLock() said
    // Primary; needs a QCoreApplication.
    io::Status serve();

    // The socket for this user and display: <runtime dir>/tensorscope-<hash of the display>. Computed from
    // the environment only, so a start without an application finds the same socket.
    static QString serverName();

signals:
    // Files a later start handed over (absolute paths; empty: it was started without files).
    void filesReceived(const QStringList& files);

private:
    io::Status listen();
    void onNewConnection();

    QLocalServer* m_server = nullptr;
    // Held from handOverOrLock() to serve(): two starts at once must not both become the running instance.
    std::unique_ptr<QLockFile> m_lock;
};

// The wire format, one message per connection: a UTF-8 JSON object {"files": [...]} and a newline; the
// running instance answers "ok\n" once it has taken the files.
QByteArray encodeHandOver(const QStringList& files);
io::Result<QStringList> decodeHandOver(const QByteArray& line);

} // namespace tscope::app
