// Protobuf's own log lines ("[libprotobuf ERROR ...] String field ... contains invalid UTF-8 data") went
// straight to stderr, breaking the CLI's one-line error format. The handler installed here sends them to
// the innermost ProtoLogCapture on the calling thread (which turns them into warnings) and drops them
// when there is none: the parse that logged also fails, and that failure is reported our way.
#pragma once

#include "io/status.h"

#include <string>
#include <vector>

namespace tscope::io {

class ProtoLogCapture;
void appendProtobufLog(const std::string& message); // to the innermost capture of this thread

// Installs the handler (once per process; also done by the first ProtoLogCapture).
void installProtobufLogHandler();

// While alive, collects protobuf's log messages on this thread. Nestable.
class ProtoLogCapture {
public:
    ProtoLogCapture();
    ~ProtoLogCapture();
    ProtoLogCapture(const ProtoLogCapture&) = delete;
    ProtoLogCapture& operator=(const ProtoLogCapture&) = delete;

    // The messages as warnings (Corrupt, "protobuf: <message>"), duplicates once, at most 20.
    std::vector<Status> warnings() const;

private:
    friend void appendProtobufLog(const std::string& message);
    ProtoLogCapture* m_outer = nullptr;
    std::vector<std::string> m_messages;
    size_t m_dropped = 0;
};

} // namespace tscope::io
