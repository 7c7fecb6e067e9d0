// A read-only memory-mapped file with bounds-checked access. Mapping is lazy in the kernel, so
// mapping every data shard at open costs nothing until a tensor's bytes are touched.
//
// Large files also keep their descriptor for readAt(): the diff kernels and readStored's CRC check read
// through pread into small reusable buffers, which costs no page-table work and turns a file truncated
// under us into a short read, i.e. a clean Truncated status instead of a SIGBUS. The statistics, histogram
// and verify passes read the mapping in place under the SIGBUS guard instead (io/guarded_read.h): on a
// 1 GiB file cached in small folios the faults (~16,400, ~90 ms of CPU) cost less than pread's kernel copy
// (~190 ms of CPU), and releasePages() spreads the page-table teardown over the workers. Files of 2 MiB
// and more are mapped with MADV_HUGEPAGE: once the page cache holds them in 2 MiB folios (the kernel reads
// them so on a cache miss under that advice), mapping and unmapping 1 GiB costs ~8 ms instead of ~150.
#pragma once

#include "io/status.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace tscope::io {

class MappedFile {
public:
    // Maps the whole file. Errors: NotFound, PermissionDenied, InvalidArgument (a directory), Io.
    static Result<std::shared_ptr<MappedFile>> open(const std::filesystem::path& path);

    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    uint64_t size() const { return m_size; }
    std::span<const std::byte> all() const { return { m_data, static_cast<size_t>(m_size) }; }

    // [offset, offset+length) or Truncated naming the file, the offset and how much is missing.
    Result<std::span<const std::byte>> bytes(uint64_t offset, uint64_t length) const;

    // Copies bytes [offset, offset + dst.size()) into `dst`: pread on the kept descriptor, or a
    // SIGBUS-guarded copy from the mapping for files without one. Truncated when the range lies past the
    // size at open or the file shrank since (naming the file and offset); Io on a read error.
    Status readAt(uint64_t offset, std::span<std::byte> dst) const;
    bool readsWithPread() const { return m_fd >= 0; }

    // Tells the kernel we will read this range soon / sequentially (a hint; errors are ignored).
    void adviseSequential(uint64_t offset, uint64_t length) const;

    // Drops this process's page-table entries for the whole pages inside [offset, offset + length) once a
    // pass has read them (MADV_DONTNEED; the mapping is read-only, so nothing is lost: a later read faults
    // the same page-cache pages back in). A pass over a large file calls it on each worker for its own
    // pieces, so the teardown of the page tables runs on every core instead of serially in munmap or at
    // exit, and the process does not keep GiBs of mapped pages resident. A hint; errors are ignored.
    void releasePages(uint64_t offset, uint64_t length) const;

private:
    MappedFile() = default;
    std::filesystem::path m_path;
    const std::byte* m_data = nullptr;
    uint64_t m_size = 0;
    int m_fd = -1; // kept for readAt (large files, within the process's descriptor budget), else -1
};

// Files at least this large keep their descriptor for readAt(); smaller ones are read in one piece.
inline constexpr uint64_t kPreadMinFileBytes = uint64_t(1) << 20;

// Maps errno from a failed open/stat to our codes with a readable message.
Status statusFromErrno(int err, const std::string& what, const std::filesystem::path& path);

} // namespace tscope::io
