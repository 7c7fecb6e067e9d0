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

// How many faults the guard has turned into errors in this process (tests assert on it).
unsigned long guardedFaultCount();

} // namespace tscope::io
