// Writes tensor bytes (usually a span of a mapped shard) into an AtomicFile and checksums them in the same
// pass: 4 MiB chunks are copied out of the mapping under the SIGBUS guard (a shard truncated under us is
// an error, not a crash) into one reused buffer, checksummed there, and written from there. So a stored
// CRC is always computed from exactly the bytes written. Measured on 1 GiB (bench/export_bench.py, same
// run): write() from the cache-hot buffer costs less CPU than write() straight from the mapping
// (.safetensors 0.64 s against 1.03 s), and a second thread checksumming the mapping while this one wrote
// from it was slower (SavedModel 1.00 s against 0.73 s), so this is one thread.
#pragma once

#include "io/atomic_file.h"
#include "io/status.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace tscope::io {

// Called with consecutive chunks of the bytes, in order.
using ChunkDigest = std::function<void(std::span<const std::byte>)>;
// Called after each chunk is written with the bytes written so far; false stops the write with Cancelled.
using ChunkProceed = std::function<bool(uint64_t written)>;

// `digest` may be empty (a plain guarded copy).
Status streamedWrite(AtomicFile& file, std::span<const std::byte> bytes, const ChunkDigest& digest,
    const ChunkProceed& proceed = {});

} // namespace tscope::io
