#include "app/gui/single_instance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QStandardPaths>

namespace tscope::app {

namespace {

const QByteArray kAck = QByteArrayLiteral("ok\n");

// The display this process shows windows on: instances on different displays (or X and Wayland) are
// different instances, since a window cannot move between them.
QByteArray displayKey()
{
    return QGuiApplication::platformName().toUtf8() + '|' + qgetenv("WAYLAND_DISPLAY") + '|'
        + qgetenv("DISPLAY");
}

io::Status socketError(const QString& what, const QLocalSocket& socket)
{
    return io::Status(io::ErrorCode::Io, (what + QStringLiteral(": ") + socket.errorString()).toStdString())
        .withPath(SingleInstance::serverName().toStdString());
}

} // namespace

QByteArray encodeHandOver(const QStringList& files)
{
    QJsonObject message;
    message.insert(QStringLiteral("files"), QJsonArray::fromStringList(files));
    return QJsonDocument(message).toJson(QJsonDocument::Compact) + '\n';
}

io::Result<QStringList> decodeHandOver(const QByteArray& line)
{
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(line.trimmed(), &error);
    const auto files = doc.object().value(QStringLiteral("files"));
    if (error.error != QJsonParseError::NoError || !doc.isObject() || !files.isArray())
        return io::Status(io::ErrorCode::Corrupt, "hand-over message is not {\"files\": [...]}");
    QStringList out;
    for (const auto& f : files.toArray()) {
        if (!f.isString()) return io::Status(io::ErrorCode::Corrupt, "hand-over file name is not a string");
        out.append(f.toString());
    }
    return out;
}

SingleInstance::SingleInstance(QObject* parent)
    : QObject(parent)
{ }

SingleInstance::~SingleInstance() = default;

QString SingleInstance::serverName()
{
    // The runtime directory is the user's own (XDG_RUNTIME_DIR, mode 0700), so the name needs no user part.
    QString dir = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (dir.isEmpty()) dir = QDir::tempPath();
    const auto hash = QCryptographicHash::hash(displayKey(), QCryptographicHash::Sha256).toHex().left(16);
    return dir + QStringLiteral("/tensorscope-") + QString::fromLatin1(hash);
}

io::Result<SingleInstance::Outcome> SingleInstance::start(const QStringList& files, int timeoutMs)
{
    QStringList absolute;
    for (const auto& f : files)
        absolute.append(QFileInfo(f).absoluteFilePath());

    // Two starts at once (a file manager opening two files) must not both become the running instance
    // or delete each other's socket: the check-then-listen below runs under a lock file.
    QLockFile lock(serverName() + QStringLiteral(".lock"));
    lock.setStaleLockTime(timeoutMs * 2);
    if (!lock.tryLock(timeoutMs * 2))
        return io::Status(io::ErrorCode::Io, "another Tensorscope is starting and holds the lock")
            .withPath((serverName() + QStringLiteral(".lock")).toStdString());

    io::Status handed = tryHandOver(absolute, timeoutMs);
    if (handed.isOk()) return Outcome::HandedOver;
    if (handed.code() != io::ErrorCode::NotFound) return handed;
    io::Status listening = listen();
    if (!listening.isOk()) return listening;
    return Outcome::Primary;
}

io::Status SingleInstance::tryHandOver(const QStringList& files, int timeoutMs)
{
    QLocalSocket socket;
    socket.connectToServer(serverName());
    if (!socket.waitForConnected(timeoutMs)) {
        const auto e = socket.error();
        // No socket, or a socket file left by a process that died: nobody is running.
        if (e == QLocalSocket::ServerNotFoundError || e == QLocalSocket::ConnectionRefusedError)
            return io::Status(io::ErrorCode::NotFound, "no running instance");
        return socketError(QStringLiteral("connecting to the running Tensorscope"), socket);
    }
    socket.write(encodeHandOver(files));
    if (!socket.waitForBytesWritten(timeoutMs))
        return socketError(QStringLiteral("sending files to the running Tensorscope"), socket);
    QByteArray reply;
    while (!reply.contains('\n') && socket.waitForReadyRead(timeoutMs))
        reply += socket.readAll();
    if (reply != kAck) return socketError(QStringLiteral("the running Tensorscope did not answer"), socket);
    return io::Status::ok();
}

io::Status SingleInstance::listen()
{
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    // Under the lock and after a refused connection, a socket file is a dead instance's: remove it.
    QLocalServer::removeServer(serverName());
    if (!m_server->listen(serverName()))
        return io::Status(io::ErrorCode::Io, ("cannot listen: " + m_server->errorString()).toStdString())
            .withPath(serverName().toStdString());
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
    return io::Status::ok();
}

void SingleInstance::onNewConnection()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) return;
            auto files = decodeHandOver(socket->readLine());
            if (!files) {
                qWarning("Tensorscope: ignored a hand-over: %s", files.status().toString().c_str());
                socket->disconnectFromServer();
                return;
            }
            socket->write(kAck);
            socket->flush();
            emit filesReceived(files.value());
        });
    }
}

} // namespace tscope::app
