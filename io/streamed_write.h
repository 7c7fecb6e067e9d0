// Writes tensor bytes (usually a span of a mapped shard) into an AtomicFile and checksums them in the same
// pass over memory, on two cores: a worker copies the next chunk out of the mapping under the SIGBUS guard
// (a shard truncated under us is an error, not a crash) and runs the checksum over that cache-hot copy
// while the calling thread writes the previous chunk. So the CRC a writer stores is always computed from
// exactly the bytes it wrote.
#pragma once

#include "io/atomic_file.h"
#include "io/status.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace tscope::io {

// Called with consecutive chunks of the bytes, in order (on the worker thread).
using ChunkDigest = std::function<void(std::span<const std::byte>)>;
// Called on the calling thread after each chunk is written with the bytes written so far; false stops
// the write with Cancelled.
using ChunkProceed = std::function<bool(uint64_t written)>;

// Without a digest the bytes are written straight from `bytes` (the kernel reports a truncated mapping as
// an error), in large writes.
Status streamedWrite(AtomicFile& file, std::span<const std::byte> bytes, const ChunkDigest& digest,
    const ChunkProceed& proceed = {});

} // namespace tscope::io
