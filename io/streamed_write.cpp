#include "io/streamed_write.h"

#include "io/guarded_read.h"

#include <future>
#include <memory>
#include <new>

namespace tscope::io {
namespace {

// Chunks of the guard's size: two of them (one being filled, one being written) stay in the L3 cache.
constexpr size_t kChunk = kGuardedChunkBytes;
// Tensors up to this size are copied and checksummed on the calling thread: a thread start costs more.
constexpr size_t kParallelFrom = 2 * kChunk;
// Straight writes from the mapping: large, so one system call moves many pages.
constexpr size_t kDirectWrite = size_t(32) << 20;

Status stopped()
{
    return Status(ErrorCode::Cancelled, "export cancelled");
}

Status writeDirect(AtomicFile& file, std::span<const std::byte> bytes, const ChunkProceed& proceed)
{
    for (size_t at = 0; at < bytes.size(); at += kDirectWrite) {
        const auto part = bytes.subspan(at, std::min(kDirectWrite, bytes.size() - at));
        TSCOPE_RETURN_IF_ERROR(file.write(part));
        if (proceed && !proceed(at + part.size())) return stopped();
    }
    return Status::ok();
}

} // namespace

Status streamedWrite(AtomicFile& file, std::span<const std::byte> bytes, const ChunkDigest& digest,
    const ChunkProceed& proceed)
{
    if (!digest) return writeDirect(file, bytes, proceed);
    std::unique_ptr<std::byte[]> buffers[2];
    try {
        for (auto& b : buffers)
            b = std::make_unique<std::byte[]>(std::min(kChunk, std::max<size_t>(bytes.size(), 1)));
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::OutOfMemory, "not enough memory for a write buffer");
    }
    auto fill = [&](size_t chunk) -> Status {
        const size_t at = chunk * kChunk;
        const auto part = bytes.subspan(at, std::min(kChunk, bytes.size() - at));
        std::byte* dst = buffers[chunk % 2].get();
        TSCOPE_RETURN_IF_ERROR(guardedCopy(part, dst));
        digest(std::span<const std::byte>(dst, part.size()));
        return Status::ok();
    };
    const size_t chunks = (bytes.size() + kChunk - 1) / kChunk;
    auto flush = [&](size_t chunk) -> Status {
        const size_t at = chunk * kChunk;
        const size_t n = std::min(kChunk, bytes.size() - at);
        TSCOPE_RETURN_IF_ERROR(file.write(std::span<const std::byte>(buffers[chunk % 2].get(), n)));
        if (proceed && !proceed(at + n)) return stopped();
        return Status::ok();
    };
    if (bytes.size() < kParallelFrom) {
        for (size_t c = 0; c < chunks; ++c) {
            TSCOPE_RETURN_IF_ERROR(fill(c));
            TSCOPE_RETURN_IF_ERROR(flush(c));
        }
        return Status::ok();
    }
    // Chunk c + 1 is filled on the worker while chunk c is written here.
    TSCOPE_RETURN_IF_ERROR(fill(0));
    for (size_t c = 0; c < chunks; ++c) {
        std::future<Status> next;
        if (c + 1 < chunks) next = std::async(std::launch::async, fill, c + 1);
        Status written = flush(c);
        Status filled = next.valid() ? next.get() : Status::ok();
        TSCOPE_RETURN_IF_ERROR(written);
        TSCOPE_RETURN_IF_ERROR(filled);
    }
    return Status::ok();
}

} // namespace tscope::io
