// The sending side of the single-instance hand-over in plain POSIX sockets, so that a second start can give
// its files to the running Tensorscope and exit before it creates a QApplication (which would connect to the
// display: a start that cannot reach the display must still hand over).
#pragma once

#include "io/status.h"

#include <QByteArray>
#include <QString>

namespace tscope::app {

// Connects to the local socket `socketPath`, sends `message` and waits for the one-line answer `ack`.
// NotFound: nobody listens there (no socket, or a file left by a dead instance). `timeoutMs` bounds each
// step (connect, send, answer).
io::Status handOverOverLocalSocket(
    const QString& socketPath, const QByteArray& message, const QByteArray& ack, int timeoutMs);

} // namespace tscope::app
