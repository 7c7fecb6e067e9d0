#include "app/gui/single_instance.h"

#include "app/gui/hand_over_client.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
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
// different instances, since a window cannot move between them. From the environment Qt picks its platform
// from (not QGuiApplication::platformName()), so it is known before an application connects to the display.
QByteArray displayKey()
{
    return qgetenv("QT_QPA_PLATFORM") + '|' + qgetenv("WAYLAND_DISPLAY") + '|' + qgetenv("DISPLAY");
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
    auto outcome = handOverOrLock(files, timeoutMs);
    if (!outcome || *outcome == Outcome::HandedOver) return outcome;
    io::Status listening = serve();
    if (!listening.isOk()) return listening;
    return Outcome::Primary;
}

io::Result<SingleInstance::Outcome> SingleInstance::handOverOrLock(const QStringList& files, int timeoutMs)
{
    QStringList absolute;
    for (const auto& f : files)
        absolute.append(QFileInfo(f).absoluteFilePath());

    // Two starts at once (a file manager opening two files) must not both become the running instance
    // or delete each other's socket: the check-then-listen runs under a lock file, held until serve().
    auto lock = std::make_unique<QLockFile>(serverName() + QStringLiteral(".lock"));
    lock->setStaleLockTime(timeoutMs * 2);
    if (!lock->tryLock(timeoutMs * 2))
        return io::Status(io::ErrorCode::Io, "another Tensorscope is starting and holds the lock")
            .withPath((serverName() + QStringLiteral(".lock")).toStdString());

    io::Status handed = handOverOverLocalSocket(serverName(), encodeHandOver(absolute), kAck, timeoutMs);
    if (handed.isOk()) return Outcome::HandedOver;
    if (handed.code() != io::ErrorCode::NotFound) return handed;
    m_lock = std::move(lock);
    return Outcome::Primary;
}

io::Status SingleInstance::serve()
{
    io::Status listening = listen();
    m_lock.reset(); // later starts now find the socket (or, had listening failed, try to be primary)
    return listening;
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
