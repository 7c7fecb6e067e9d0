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

Status::Status(ErrorCode code, std::string message)
{
    if (code == ErrorCode::Ok) return; // an OK status carries nothing
    m_detail = std::make_unique<Detail>();
    m_detail->code = code;
    m_detail->message = std::move(message);
}

Status::Status(const Status& other)
    : m_detail(other.m_detail ? std::make_unique<Detail>(*other.m_detail) : nullptr)
{ }

Status& Status::operator=(const Status& other)
{
    if (this != &other) m_detail = other.m_detail ? std::make_unique<Detail>(*other.m_detail) : nullptr;
    return *this;
}

const std::string& Status::emptyString()
{
    static const std::string empty;
    return empty;
}

Status& Status::withPath(std::string path) &
{
    if (m_detail) m_detail->path = std::move(path);
    return *this;
}
Status&& Status::withPath(std::string path) &&
{
    return std::move(withPath(std::move(path)));
}
Status& Status::withTensor(std::string tensor) &
{
    if (m_detail) m_detail->tensor = std::move(tensor);
    return *this;
}
Status&& Status::withTensor(std::string tensor) &&
{
    return std::move(withTensor(std::move(tensor)));
}
Status& Status::withOffset(uint64_t offset) &
{
    if (m_detail) m_detail->offset = offset;
    return *this;
}
Status&& Status::withOffset(uint64_t offset) &&
{
    return std::move(withOffset(offset));
}

std::string Status::toString() const
{
    if (isOk()) return "OK";
    const Detail& d = *m_detail;
    std::string out = std::string(errorCodeName(d.code)) + ": " + d.message;
    std::string ctx;
    auto add = [&ctx](const std::string& part) {
        if (!ctx.empty()) ctx += ", ";
        ctx += part;
    };
    if (!d.tensor.empty()) add("tensor '" + d.tensor + "'");
    if (!d.path.empty()) add("file '" + d.path + "'");
    if (d.offset) add("offset " + std::to_string(*d.offset));
    if (!ctx.empty()) out += " (" + ctx + ")";
    return out;
}

std::string warningText(const Status& warning)
{
    const bool located = !warning.path().empty() || !warning.tensor().empty() || warning.offset();
    return located ? warning.toString() : warning.message();
}

} // namespace tscope::io
