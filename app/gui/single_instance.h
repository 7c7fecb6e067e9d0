// One running Tensorscope per user and display: a second start hands its files to the first over a local
// socket in the user's runtime directory and exits; the first opens them in new windows.
#pragma once

#include "io/status.h"

#include <QObject>
#include <QStringList>

class QLocalServer;

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
    // alone. `timeoutMs` bounds each socket step.
    io::Result<Outcome> start(const QStringList& files, int timeoutMs = 5000);

    // The socket for this user and display: <runtime dir>/tensorscope-<hash of the display>.
    static QString serverName();

signals:
    // Files a later start handed over (absolute paths; empty: it was started without files).
    void filesReceived(const QStringList& files);

private:
    io::Status tryHandOver(const QStringList& files, int timeoutMs); // NotFound: nobody listens
    io::Status listen();
    void onNewConnection();

    QLocalServer* m_server = nullptr;
};

// The wire format, one message per connection: a UTF-8 JSON object {"files": [...]} and a newline; the
// running instance answers "ok\n" once it has taken the files.
QByteArray encodeHandOver(const QStringList& files);
io::Result<QStringList> decodeHandOver(const QByteArray& line);

} // namespace tscope::app
