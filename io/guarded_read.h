// Reading mapped bytes so that a file truncated or rewritten under us is an error, not a SIGBUS: every
// touch of a borrowed tensor's bytes goes through guardedCopy (directly or via Tensor::copyTo), in
// chunks of a few MiB into buffers the caller reuses. Only whole-tensor copies are avoided; a chunk copy
// at memory speed costs little next to the work done on it.
#pragma once

#include "io/cancel.h"
#include "io/status.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace tscope::io {

inline constexpr size_t kGuardedChunkBytes = size_t(4) << 20;

// Copies `src` (mapped bytes) to `dst`. A fault becomes Truncated ("the file changed on disk ...").
Status guardedCopy(std::span<const std::byte> src, std::byte* dst);

// A new vector holding `src`; OutOfMemory instead of an exception.
Result<std::vector<std::byte>> guardedCopyAll(std::span<const std::byte> src);

// A whole (small) file, mapped and copied under the guard: metadata protobufs (fingerprint.pb,
// keras_metadata.pb, saved_model.pb for hashing) that are read in one piece.
Result<std::string> guardedReadFile(const std::filesystem::path& file);

// CRC32C (unmasked) of mapped bytes, copied chunk by chunk into a per-thread buffer; checks `cancel`
// between chunks.
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
