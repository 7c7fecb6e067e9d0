#include "app/gui/hand_over_client.h"

#include <QFile>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace tscope::app {

namespace {

io::Status socketError(const char* what, const QString& path, int error = errno)
{
    return io::Status(io::ErrorCode::Io, std::string(what) + ": " + std::strerror(error))
        .withPath(path.toStdString());
}

// Closes the descriptor on every return path.
struct Fd {
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0) ::close(fd);
    }
};

// Waits until `fd` is ready for `events`; false on timeout or error (errno set).
bool waitFor(int fd, short events, int timeoutMs)
{
    pollfd p { fd, events, 0 };
    int r;
    do {
        r = ::poll(&p, 1, timeoutMs);
    } while (r < 0 && errno == EINTR);
    if (r == 0) errno = ETIMEDOUT;
    return r > 0;
}

} // namespace

io::Status handOverOverLocalSocket(
    const QString& socketPath, const QByteArray& message, const QByteArray& ack, int timeoutMs)
{
    const QByteArray path = QFile::encodeName(socketPath);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (path.size() >= qsizetype(sizeof(address.sun_path)))
        return io::Status(io::ErrorCode::Io, "socket path too long").withPath(socketPath.toStdString());
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));

    Fd s { ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0) };
    if (s.fd < 0) return socketError("creating a local socket", socketPath);
    // A Unix socket connects at once or, with the listener's backlog full, fails with EAGAIN (no connect in
    // progress to wait for): retry until the timeout.
    int waitedMs = 0;
    while (::connect(s.fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        // No socket, or a socket file (or plain file) nobody accepts on: nobody is running.
        if (errno == ENOENT || errno == ECONNREFUSED || errno == ENOTSOCK)
            return io::Status(io::ErrorCode::NotFound, "no running instance");
        if ((errno != EAGAIN && errno != EINTR) || waitedMs >= timeoutMs)
            return socketError("connecting to the running Tensorscope", socketPath);
        ::usleep(10'000);
        waitedMs += 10;
    }

    for (qsizetype sent = 0; sent < message.size();) {
        if (!waitFor(s.fd, POLLOUT, timeoutMs))
            return socketError("sending files to the running Tensorscope", socketPath);
        // MSG_NOSIGNAL: an instance that died meanwhile is an error here, not a SIGPIPE.
        const ssize_t n
            = ::send(s.fd, message.constData() + sent, size_t(message.size() - sent), MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return socketError("sending files to the running Tensorscope", socketPath);
        if (n > 0) sent += n;
    }

    QByteArray reply;
    while (!reply.contains('\n')) {
        if (!waitFor(s.fd, POLLIN, timeoutMs))
            return socketError("the running Tensorscope did not answer", socketPath);
        char buffer[256];
        const ssize_t n = ::recv(s.fd, buffer, sizeof(buffer), 0);
        if (n == 0) break; // closed before answering
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return socketError("the running Tensorscope did not answer", socketPath);
        if (n > 0) reply.append(buffer, n);
    }
    if (reply != ack)
        return io::Status(io::ErrorCode::Io, "the running Tensorscope did not answer")
            .withPath(socketPath.toStdString());
    return io::Status::ok();
}

} // namespace tscope::app
