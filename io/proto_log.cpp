#include "io/proto_log.h"

#include <algorithm>
#include <google/protobuf/stubs/logging.h>
#include <mutex>

namespace tscope::io {

namespace {

constexpr size_t kMaxMessages = 20;
thread_local ProtoLogCapture* t_capture = nullptr;

void onProtobufLog(google::protobuf::LogLevel, const char*, int, const std::string& message)
{
    appendProtobufLog(message);
}

} // namespace

void appendProtobufLog(const std::string& message)
{
    ProtoLogCapture* capture = t_capture;
    if (!capture) return;
    auto& m = capture->m_messages;
    if (std::find(m.begin(), m.end(), message) != m.end()) return;
    if (m.size() >= kMaxMessages) {
        ++capture->m_dropped;
        return;
    }
    m.push_back(message);
}

void installProtobufLogHandler()
{
    static std::once_flag once;
    std::call_once(once, [] { google::protobuf::SetLogHandler(&onProtobufLog); });
}

ProtoLogCapture::ProtoLogCapture()
    : m_outer(t_capture)
{
    installProtobufLogHandler();
    t_capture = this;
}

ProtoLogCapture::~ProtoLogCapture()
{
    t_capture = m_outer;
}

std::vector<Status> ProtoLogCapture::warnings() const
{
    std::vector<Status> out;
    for (const auto& m : m_messages)
        out.push_back(Status(ErrorCode::Corrupt, "protobuf: " + m));
    if (m_dropped > 0)
        out.push_back(
            Status(ErrorCode::Corrupt, "protobuf: " + std::to_string(m_dropped) + " more messages"));
    return out;
}

} // namespace tscope::io
