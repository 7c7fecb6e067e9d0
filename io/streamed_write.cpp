#include "io/streamed_write.h"

#include "io/guarded_read.h"

#include <memory>
#include <new>

namespace tscope::io {

Status streamedWrite(AtomicFile& file, std::span<const std::byte> bytes, const ChunkDigest& digest,
    const ChunkProceed& proceed)
{
    // One reused buffer of the guard's chunk size: it stays in the cache between the copy, the digest and
    // the write.
    constexpr size_t kChunk = kGuardedChunkBytes;
    std::unique_ptr<std::byte[]> buffer;
    try {
        buffer = std::make_unique<std::byte[]>(std::min(kChunk, std::max<size_t>(bytes.size(), 1)));
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::OutOfMemory, "not enough memory for a write buffer");
    }
    for (size_t at = 0; at < bytes.size(); at += kChunk) {
        const size_t n = std::min(kChunk, bytes.size() - at);
        const std::span<const std::byte> copy(buffer.get(), n);
        TSCOPE_RETURN_IF_ERROR(guardedCopy(bytes.subspan(at, n), buffer.get()));
        if (digest) digest(copy);
        TSCOPE_RETURN_IF_ERROR(file.write(copy));
        if (proceed && !proceed(at + n)) return Status(ErrorCode::Cancelled, "export cancelled");
    }
    return Status::ok();
}

} // namespace tscope::io
