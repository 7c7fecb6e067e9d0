// Reading mapped bytes so that a file truncated or rewritten under us is an error, not a SIGBUS: every
// touch of a borrowed tensor's bytes goes through guardedCopy (directly or via Tensor::copyTo), in
// chunks of a few MiB into buffers the caller reuses, or through guardedRun, which lets a leaf kernel
// (CRC, statistics, binning, conversion) read the mapped bytes in place: the bulk passes over large
// tensors do that, since a copy costs as much memory traffic as the kernel itself.
#pragma once

#include "io/cancel.h"
#include "io/guarded_copy.h"
#include "io/status.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace tscope::io {

inline constexpr size_t kGuardedChunkBytes = size_t(4) << 20;

// The status a fault under the guard becomes: Truncated ("the file changed on disk ...").
Status truncatedWhileReading();

// Runs fn() under the SIGBUS guard, so that a kernel reads mapped bytes in place instead of from a copy:
// Truncated when a read faulted (fn was abandoned at that read), else Ok. A fault jumps over fn's frames,
// so fn and everything it calls while reading mapped bytes must hold no automatic objects with non-trivial
// destructors, no locks and no allocations of their own (plain pointer loops: CRC, statistics, binning,
// dtype conversion). Nests with guardedCopy.
template <typename Fn> Status guardedRun(Fn&& fn)
{
    using F = std::remove_reference_t<Fn>;
    const auto call = [](void* f) { (*static_cast<F*>(f))(); };
    if (tscope_guarded_call(call, const_cast<void*>(static_cast<const void*>(&fn))) != 0)
        return truncatedWhileReading();
    return {};
}

// Copies `src` (mapped bytes) to `dst`. A fault becomes Truncated ("the file changed on disk ...").
Status guardedCopy(std::span<const std::byte> src, std::byte* dst);

// A new vector holding `src`; OutOfMemory instead of an exception.
Result<std::vector<std::byte>> guardedCopyAll(std::span<const std::byte> src);

// A whole (small) file, mapped and copied under the guard: metadata protobufs (fingerprint.pb,
// keras_metadata.pb, saved_model.pb for hashing) that are read in one piece.
Result<std::string> guardedReadFile(const std::filesystem::path& file);

// CRC32C (unmasked) of mapped bytes, computed in place under the guard (no copy) chunk by chunk; checks
// `cancel` between chunks.
Result<uint32_t> guardedCrc32c(std::span<const std::byte> src, const CancelToken* cancel);

class MappedFile;

// Bytes read per piece by the bulk passes that read through MappedFile::readAt: small enough that the
// piece is still in the L2 cache when the kernel (CRC, statistics) runs over it.
inline constexpr size_t kReadPieceBytes = size_t(256) << 10;

// CRC32C (unmasked) of bytes [offset, offset + length) of `file`, read piece by piece with readAt into a
// per-thread buffer; checks `cancel` every few MiB.
Result<uint32_t> fileCrc32c(
    const MappedFile& file, uint64_t offset, uint64_t length, const CancelToken* cancel);

// How many faults the guard has turned into errors in this process (tests assert on it).
unsigned long guardedFaultCount();

} // namespace tscope::io
