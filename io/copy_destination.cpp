#include "io/copy_destination.h"

#include <new>
#include <string>

namespace tscope::io {

Result<std::byte*> CopyDestination::reserve(size_t bytes)
{
    if (m_capacity < bytes) {
        m_storage.reset(new (std::nothrow) std::byte[bytes]);
        if (!m_storage) {
            m_capacity = 0;
            return Status(ErrorCode::OutOfMemory,
                "not enough memory for a buffer of " + std::to_string(bytes) + " bytes");
        }
        m_capacity = bytes;
    }
    return m_storage.get();
}

Result<std::span<std::byte>> CopyDestination::place(uint64_t sourceAddress, size_t n, size_t elementAlignment)
{
    // Room for the aligned start plus the offset within 64 bytes.
    auto storage = reserve(n + 2 * kCopyAlignment);
    if (!storage) return storage.status();
    const auto base = reinterpret_cast<uintptr_t>(*storage);
    const uintptr_t aligned = (base + kCopyAlignment - 1) & ~uintptr_t { kCopyAlignment - 1 };
    const uint64_t within = sourceAddress % kCopyAlignment;
    auto* start = reinterpret_cast<std::byte*>(aligned + (within & ~uint64_t { elementAlignment - 1 }));
    return std::span<std::byte>(start, n);
}

Result<std::span<std::byte>> CopyDestination::placeBetween(
    uint64_t sourceAddress, uint64_t destinationAddress, size_t n)
{
    auto storage = reserve(n + 2 * kAliasingPage);
    if (!storage) return storage.status();
    const auto base = reinterpret_cast<uintptr_t>(*storage);
    const uintptr_t page = (base + kAliasingPage - 1) & ~uintptr_t { kAliasingPage - 1 };
    // At the source's offset within the page (distance 0 for the first copy); when that puts the final
    // destination 1-31 bytes ahead of the buffer, 32 bytes earlier (the first copy's distance is then -32,
    // the second's 33-63).
    uint64_t at = sourceAddress % kAliasingPage;
    const uint64_t ahead = (destinationAddress - at) % kAliasingPage;
    if (ahead >= 1 && ahead < 32) at = (at + kAliasingPage - 32) % kAliasingPage;
    return std::span<std::byte>(reinterpret_cast<std::byte*>(page + at), n);
}

} // namespace tscope::io
