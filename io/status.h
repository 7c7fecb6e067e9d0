// One status type for every error the io layer can report: a code, a message a person
// understands, and where it happened (file, tensor, byte offset). No exceptions cross the API.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tscope::io {

enum class ErrorCode {
    Ok = 0,
    NotFound, // a file or tensor that should exist does not
    PermissionDenied, // the OS refused access
    Corrupt, // bytes are not what the format requires
    ChecksumMismatch, // a stored CRC32C does not match the bytes
    Truncated, // a file ends before the data it declares
    Unsupported, // a real format we recognise but do not read (V1, .h5, chunked SavedModel)
    InvalidArgument, // the caller asked for something impossible (bad slice, unknown variable)
    Cancelled, // the user cancelled; never shown as an error
    Io, // read/write failed for another OS reason
    OutOfMemory, // an allocation the data asked for failed (huge tensor, hostile size)
    Note, // not an error: a warning-list remark on how an ambiguous input was interpreted
};

const char* errorCodeName(ErrorCode code);

// One pointer wide: an OK status holds nothing, an error its details on the heap. Statuses sit in every
// index entry (TensorEntry::problem) and every Result, and 100,000 entries of 120-byte statuses were 12 MB.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(ErrorCode code, std::string message);
    Status(const Status& other);
    Status& operator=(const Status& other);
    Status(Status&&) noexcept = default;
    Status& operator=(Status&&) noexcept = default;
    ~Status() = default;

    static Status ok() { return {}; }
    bool isOk() const { return m_detail == nullptr; }
    explicit operator bool() const { return isOk(); }

    ErrorCode code() const { return m_detail ? m_detail->code : ErrorCode::Ok; }
    const std::string& message() const { return m_detail ? m_detail->message : emptyString(); }
    const std::string& path() const { return m_detail ? m_detail->path : emptyString(); }
    const std::string& tensor() const { return m_detail ? m_detail->tensor : emptyString(); }
    std::optional<uint64_t> offset() const { return m_detail ? m_detail->offset : std::nullopt; }

    // Context setters return *this so call sites can chain: Status(...).withPath(p).withOffset(o).
    // On an OK status they change nothing (context describes an error).
    Status& withPath(std::string path) &;
    Status&& withPath(std::string path) &&;
    Status& withTensor(std::string tensor) &;
    Status&& withTensor(std::string tensor) &&;
    Status& withOffset(uint64_t offset) &;
    Status&& withOffset(uint64_t offset) &&;

    // "Corrupt: bad block CRC (file 'x.index', offset 1234)"
    std::string toString() const;

private:
    struct Detail {
        ErrorCode code = ErrorCode::Ok;
        std::string message;
        std::string path;
        std::string tensor;
        std::optional<uint64_t> offset;
    };
    static const std::string& emptyString();

    std::unique_ptr<Detail> m_detail;
};

// How a warning reads to a person. Problems found in a file name it (path, tensor or offset) and read
// in full with their code, as toString(); remarks about the artifact as a whole (a missing asset, a
// meta graph without signatures) read as their message alone.
std::string warningText(const Status& warning);

inline Status makeError(ErrorCode code, std::string message)
{
    return Status(code, std::move(message));
}

// A value or the Status explaining why there is none (std::expected is C++23).
template <typename T> class [[nodiscard]] Result {
public:
    Result(T value)
        : m_data(std::move(value))
    { }
    Result(Status status)
        : m_data(std::move(status))
    { }

    bool isOk() const { return m_data.index() == 0; }
    explicit operator bool() const { return isOk(); }

    T& value() & { return std::get<0>(m_data); }
    const T& value() const& { return std::get<0>(m_data); }
    T&& value() && { return std::get<0>(std::move(m_data)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    // The error; only valid when !isOk().
    const Status& status() const& { return std::get<1>(m_data); }
    Status&& status() && { return std::get<1>(std::move(m_data)); }

private:
    std::variant<T, Status> m_data;
};

} // namespace tscope::io

// Early return for Status-returning code.
#define TSCOPE_RETURN_IF_ERROR(expr)                                                                         \
    do {                                                                                                     \
        ::tscope::io::Status tscope_status_ = (expr);                                                        \
        if (!tscope_status_.isOk()) return tscope_status_;                                                   \
    } while (0)
