// A zip archive of stored (uncompressed) members, the layout numpy.savez writes, streamed through an
// AtomicFile: each member's bytes pass once through streamed_write.h's guarded buffer, where their CRC32 is
// computed with libdeflate (PCLMUL, ~3x zlib's crc32, which libzip 1.7 uses unconditionally for stored
// members and which alone capped .npz export below 1 GB/s). The local header's CRC is patched in after
// the data. zip64 records (APPNOTE 4.5.3, 4.3.14-15) where a size, an offset or the member count needs them.
// Dates are the DOS epoch (1980-01-01 00:00, as numpy's zipfile writes), so equal inputs give equal files.
#pragma once

#include "io/atomic_file.h"
#include "io/status.h"
#include "io/streamed_write.h"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace tscope::io {

class ZipStoredWriter {
public:
    // `zip64Above`: sizes and offsets above it get zip64 fields (the format's limit; tests lower it).
    ZipStoredWriter(std::filesystem::path out, Durability durability, uint64_t zip64Above = 0xFFFFFFFEull);

    Status open();
    // One member: `head` then `data` (an .npy header and the tensor bytes). `proceed` sees the member's
    // bytes written so far.
    Status add(const std::string& name, std::span<const std::byte> head, std::span<const std::byte> data,
        const ChunkProceed& proceed = {});
    // Writes the central directory and renames the archive into place.
    Status commit(bool replace);

private:
    struct Member {
        std::string name;
        uint64_t offset = 0;
        uint64_t size = 0;
        uint32_t crc = 0;
        bool zip64 = false;
    };
    std::string centralHeader(const Member& m) const;

    AtomicFile m_file;
    uint64_t m_zip64Above;
    std::vector<Member> m_members;
};

} // namespace tscope::io
