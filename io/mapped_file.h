// A read-only memory-mapped file with bounds-checked access. Mapping is lazy in the kernel, so
// mapping every data shard at open costs nothing until a tensor's bytes are touched.
#pragma once

#include "io/status.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace tscope::io {

class MappedFile {
public:
    // Maps the whole file. Errors: NotFound, PermissionDenied, InvalidArgument (a directory), Io.
    static Result<std::shared_ptr<MappedFile>> open(const std::filesystem::path& path);

    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    uint64_t size() const { return m_size; }
    std::span<const std::byte> all() const { return { m_data, static_cast<size_t>(m_size) }; }

    // [offset, offset+length) or Truncated naming the file, the offset and how much is missing.
    Result<std::span<const std::byte>> bytes(uint64_t offset, uint64_t length) const;

    // Tells the kernel we will read this range soon / sequentially (a hint; errors are ignored).
    void adviseSequential(uint64_t offset, uint64_t length) const;

private:
    MappedFile() = default;
    std::filesystem::path m_path;
    const std::byte* m_data = nullptr;
    uint64_t m_size = 0;
};

// Maps errno from a failed open/stat to our codes with a readable message.
Status statusFromErrno(int err, const std::string& what, const std::filesystem::path& path);

} // namespace tscope::io
