#include "io/status.h"

namespace tscope::io {

const char* errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Ok:
        return "Ok";
    case ErrorCode::NotFound:
        return "NotFound";
    case ErrorCode::PermissionDenied:
        return "PermissionDenied";
    case ErrorCode::Corrupt:
        return "Corrupt";
    case ErrorCode::ChecksumMismatch:
        return "ChecksumMismatch";
    case ErrorCode::Truncated:
        return "Truncated";
    case ErrorCode::Unsupported:
        return "Unsupported";
    case ErrorCode::InvalidArgument:
        return "InvalidArgument";
    case ErrorCode::Cancelled:
        return "Cancelled";
    case ErrorCode::Io:
        return "Io";
    case ErrorCode::OutOfMemory:
        return "OutOfMemory";
    case ErrorCode::Note:
        return "Note";
    }
    return "Unknown";
}

Status& Status::withPath(std::string path) &
{
    m_path = std::move(path);
    return *this;
}
Status&& Status::withPath(std::string path) &&
{
    return std::move(withPath(std::move(path)));
}
Status& Status::withTensor(std::string tensor) &
{
    m_tensor = std::move(tensor);
    return *this;
}
Status&& Status::withTensor(std::string tensor) &&
{
    return std::move(withTensor(std::move(tensor)));
}
Status& Status::withOffset(uint64_t offset) &
{
    m_offset = offset;
    return *this;
}
Status&& Status::withOffset(uint64_t offset) &&
{
    return std::move(withOffset(offset));
}

std::string Status::toString() const
{
    if (isOk()) return "OK";
    std::string out = std::string(errorCodeName(m_code)) + ": " + m_message;
    std::string ctx;
    auto add = [&ctx](const std::string& part) {
        if (!ctx.empty()) ctx += ", ";
        ctx += part;
    };
    if (!m_tensor.empty()) add("tensor '" + m_tensor + "'");
    if (!m_path.empty()) add("file '" + m_path + "'");
    if (m_offset) add("offset " + std::to_string(*m_offset));
    if (!ctx.empty()) out += " (" + ctx + ")";
    return out;
}

std::string warningText(const Status& warning)
{
    const bool located = !warning.path().empty() || !warning.tensor().empty() || warning.offset();
    return located ? warning.toString() : warning.message();
}

} // namespace tscope::io
