#include "io/streamed_write.h"

#include "io/copy_destination.h"
#include "io/guarded_read.h"

#include <memory>
#include <new>

namespace tscope::io {

Status streamedWrite(AtomicFile& file, std::span<const std::byte> bytes, const ChunkDigest& digest,
    const ChunkProceed& proceed)
{
    // One reused buffer of the guard's chunk size: it stays in the cache between the copy, the digest and
    // the write; placed so that neither the copy into it nor write()'s copy out of it runs into 4K aliasing
    // (io/copy_destination.h).
    constexpr size_t kChunk = kGuardedChunkBytes;
    CopyDestination destination;
    for (size_t at = 0; at < bytes.size(); at += kChunk) {
        const size_t n = std::min(kChunk, bytes.size() - at);
        auto buffer = destination.placeBetween(
            reinterpret_cast<uintptr_t>(bytes.data() + at), file.bytesWritten(), n);
        if (!buffer) return buffer.status();
        const std::span<const std::byte> copy(buffer->data(), n);
        TSCOPE_RETURN_IF_ERROR(guardedCopy(bytes.subspan(at, n), buffer->data()));
        if (digest) digest(copy);
        TSCOPE_RETURN_IF_ERROR(file.write(copy));
        if (proceed && !proceed(at + n)) return Status(ErrorCode::Cancelled, "export cancelled");
    }
    return Status::ok();
}

} // namespace tscope::io
