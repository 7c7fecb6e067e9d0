#include "io/guarded_read.h"

#include "io/copy_destination.h"
#include "io/crc32c.h"
#include "io/guarded_copy.h"
#include "io/mapped_file.h"

#include <algorithm>
#include <new>

namespace tscope::io {

Status truncatedWhileReading()
{
    return Status(ErrorCode::Truncated,
        "the file changed on disk while it was being read (truncated or rewritten); reopen it");
}

Status guardedCopy(std::span<const std::byte> src, std::byte* dst)
{
    if (src.empty()) return {};
    if (tscope_guarded_copy(dst, src.data(), src.size()) != 0) return truncatedWhileReading();
    return {};
}

Result<std::vector<std::byte>> guardedCopyAll(std::span<const std::byte> src)
{
    std::vector<std::byte> out;
    try {
        out.resize(src.size());
    } catch (const std::bad_alloc&) {
        return Status(
            ErrorCode::OutOfMemory, "not enough memory for " + std::to_string(src.size()) + " bytes");
    }
    TSCOPE_RETURN_IF_ERROR(guardedCopy(src, out.data()));
    return out;
}

Result<uint32_t> guardedCrc32c(std::span<const std::byte> src, const CancelToken* cancel)
{
    uint32_t crc = 0;
    for (size_t pos = 0; pos < src.size(); pos += kGuardedChunkBytes) {
        if (cancel && cancel->isCancelled()) return Status(ErrorCode::Cancelled, "cancelled");
        const size_t n = std::min(kGuardedChunkBytes, src.size() - pos);
        const std::byte* p = src.data() + pos;
        uint32_t chunk = crc;
        TSCOPE_RETURN_IF_ERROR(guardedRun([&] { chunk = crc32c::extend(chunk, p, n); }));
        crc = chunk;
    }
    return crc;
}

Result<uint32_t> fileCrc32c(
    const MappedFile& file, uint64_t offset, uint64_t length, const CancelToken* cancel)
{
    // One buffer per thread, reused by every CRC it computes, placed to suit the pread copy.
    thread_local CopyDestination destination;
    uint32_t crc = 0;
    for (uint64_t pos = 0; pos < length; pos += kReadPieceBytes) {
        if (pos % kGuardedChunkBytes == 0 && cancel && cancel->isCancelled())
            return Status(ErrorCode::Cancelled, "cancelled");
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kReadPieceBytes, length - pos));
        auto buffer = destination.place(offset + pos, n);
        if (!buffer) return buffer.status();
        TSCOPE_RETURN_IF_ERROR(file.readAt(offset + pos, *buffer));
        crc = crc32c::extend(crc, buffer->data(), n);
    }
    return crc;
}

unsigned long guardedFaultCount()
{
    return tscope_guarded_faults();
}

Result<std::string> guardedReadFile(const std::filesystem::path& file)
{
    auto mapped = MappedFile::open(file);
    if (!mapped) return mapped.status();
    auto bytes = guardedCopyAll((*mapped)->all());
    if (!bytes) return bytes.status();
    return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

} // namespace tscope::io
