// Reusable destination buffers for pread and for copies out of mapped files, placed at the same address
// modulo 64 as the bytes they receive.
//
// Why: a rep-movsb copy (the kernel's pread copy, glibc's memcpy of large blocks) whose destination lies
// 1-31 bytes ahead of its source modulo 4 KiB runs at a quarter of its speed on AMD Zen 3 (4K aliasing:
// every load waits for an unrelated earlier store). A std::vector's heap block starts 16 bytes into a page,
// and tensors often start on a page of the file, so that was the common case: 128 KiB preads of a cached
// 1 GiB file ran at 2.2 GB/s instead of 8.4 GB/s (scratch probe on the 2-core EPYC CI machine, every
// destination offset 0-4095 tried: slow exactly for distances 1-31). Equal offsets modulo 64 keep the
// distance a multiple of 64; a destination a few bytes behind its source (to keep elements aligned) is fast
// too.
#pragma once

#include "io/status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace tscope::io {

inline constexpr size_t kCopyAlignment = 64;
inline constexpr uint64_t kAliasingPage = 4096; // the distance that matters is taken modulo this

class CopyDestination {
public:
    // `n` bytes whose address is congruent to `sourceAddress` modulo 64 (pass the source's address in a
    // mapping of the file, or its offset in the file: a mapping starts on a page), moved down to a multiple
    // of `elementAlignment` (a power of two up to 64) so that the elements read from it are aligned. Valid
    // until the next call; the contents are not kept when it grows. OutOfMemory instead of an exception.
    Result<std::span<std::byte>> place(uint64_t sourceAddress, size_t n, size_t elementAlignment = 1);

    // `n` bytes for a block copied from `sourceAddress` into it and then from it to `destinationAddress`
    // (a write()'s page-cache offset: the output file's offset): placed within a page so that neither copy
    // has its destination 1-31 bytes ahead of its source modulo 4 KiB. Valid until the next call.
    Result<std::span<std::byte>> placeBetween(uint64_t sourceAddress, uint64_t destinationAddress, size_t n);

private:
    Result<std::byte*> reserve(size_t bytes);

    std::unique_ptr<std::byte[]> m_storage;
    size_t m_capacity = 0;
};

} // namespace tscope::io
