#include "io/copy_destination.h"

#include <new>
#include <string>

namespace tscope::io {

Result<std::span<std::byte>> CopyDestination::place(uint64_t sourceAddress, size_t n, size_t elementAlignment)
{
    // Room for the aligned start plus the offset within 64 bytes.
    const size_t needed = n + 2 * kCopyAlignment;
    if (m_capacity < needed) {
        m_storage.reset(new (std::nothrow) std::byte[needed]);
        if (!m_storage) {
            m_capacity = 0;
            return Status(ErrorCode::OutOfMemory,
                "not enough memory for a read buffer of " + std::to_string(n) + " bytes");
        }
        m_capacity = needed;
    }
    const auto base = reinterpret_cast<uintptr_t>(m_storage.get());
    const uintptr_t aligned = (base + kCopyAlignment - 1) & ~uintptr_t { kCopyAlignment - 1 };
    const uint64_t within = sourceAddress % kCopyAlignment;
    auto* start = reinterpret_cast<std::byte*>(aligned + (within & ~uint64_t { elementAlignment - 1 }));
    return std::span<std::byte>(start, n);
}

} // namespace tscope::io
