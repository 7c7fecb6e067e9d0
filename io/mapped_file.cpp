#include "io/mapped_file.h"

#include "io/guarded_read.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tscope::io {

Status statusFromErrno(int err, const std::string& what, const std::filesystem::path& path)
{
    ErrorCode code = ErrorCode::Io;
    if (err == ENOENT || err == ENOTDIR)
        code = ErrorCode::NotFound;
    else if (err == EACCES || err == EPERM)
        code = ErrorCode::PermissionDenied;
    else if (err == EISDIR)
        code = ErrorCode::InvalidArgument;
    else if (err == ENOMEM)
        code = ErrorCode::OutOfMemory; // e.g. mapping a huge file under an address-space limit
    return Status(code, what + ": " + std::strerror(err)).withPath(path.string());
}

namespace {

constexpr uint64_t kHugePageBytes = uint64_t(2) << 20;

// Descriptors kept open for readAt(), process-wide. A checkpoint with thousands of large shards (or many
// checkpoints open at once) must not exhaust RLIMIT_NOFILE: past a quarter of it (at most 1024 kept),
// files fall back to the guarded copy from the mapping, which reads the same bytes.
std::atomic<int> g_keptDescriptors { 0 };

int descriptorBudget()
{
    static const int budget = [] {
        struct rlimit limit { };
        if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1024;
        return static_cast<int>(std::min<rlim_t>(1024, limit.rlim_cur / 4));
    }();
    return budget;
}

bool reserveDescriptor()
{
    if (++g_keptDescriptors <= descriptorBudget()) return true;
    --g_keptDescriptors;
    return false;
}

} // namespace

Result<std::shared_ptr<MappedFile>> MappedFile::open(const std::filesystem::path& path)
{
    // O_NONBLOCK: a FIFO or device where a file is expected must not block the open.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return statusFromErrno(errno, "cannot open file", path);
    struct stat st { };
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        return statusFromErrno(err, "cannot stat file", path);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return Status(ErrorCode::InvalidArgument, "not a regular file").withPath(path.string());
    }
    auto file = std::shared_ptr<MappedFile>(new MappedFile());
    file->m_path = path;
    file->m_size = static_cast<uint64_t>(st.st_size);
    if (file->m_size > 0) {
        void* p = ::mmap(nullptr, static_cast<size_t>(file->m_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int err = errno;
            ::close(fd);
            return statusFromErrno(err, "cannot map file", path);
        }
        file->m_data = static_cast<const std::byte*>(p);
        // Asks for 2 MiB pages. On a cache miss the kernel then reads the file into 2 MiB page-cache folios
        // (ext4 since Linux 6.16, xfs earlier), and every later mapping of those, in this process or the
        // next, takes one page-table entry per 2 MiB instead of 512: a 1 GiB tensor maps and unmaps in
        // ~8 ms instead of ~150 ms. Pages already cached in small folios stay small; a kernel without
        // transparent huge pages, or with them set to "never", ignores the hint.
        if (file->m_size >= kHugePageBytes) ::madvise(p, static_cast<size_t>(file->m_size), MADV_HUGEPAGE);
    }
    if (file->m_size >= kPreadMinFileBytes && reserveDescriptor())
        file->m_fd = fd; // for readAt; the same inode as the mapping even if the path is replaced later
    else
        ::close(fd); // the mapping keeps the file alive
    return file;
}

MappedFile::~MappedFile()
{
    if (m_data) ::munmap(const_cast<std::byte*>(m_data), static_cast<size_t>(m_size));
    if (m_fd >= 0) {
        ::close(m_fd);
        --g_keptDescriptors;
    }
}

Status MappedFile::readAt(uint64_t offset, std::span<std::byte> dst) const
{
    auto range = bytes(offset, dst.size());
    if (!range) return range.status();
    if (m_fd < 0) {
        Status s = guardedCopy(*range, dst.data());
        return s.isOk() ? s : std::move(s).withPath(m_path.string()).withOffset(offset);
    }
    size_t done = 0;
    while (done < dst.size()) {
        const ssize_t n
            = ::pread(m_fd, dst.data() + done, dst.size() - done, static_cast<off_t>(offset + done));
        if (n > 0) {
            done += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return statusFromErrno(errno, "cannot read file", m_path).withOffset(offset + done);
        // End of file before the end of the range: the file shrank since it was opened.
        return Status(ErrorCode::Truncated,
            "the file changed on disk while it was being read (truncated or rewritten); reopen it")
            .withPath(m_path.string())
            .withOffset(offset + done);
    }
    return {};
}

Result<std::span<const std::byte>> MappedFile::bytes(uint64_t offset, uint64_t length) const
{
    if (offset > m_size || length > m_size - offset) {
        uint64_t end = offset + length < offset ? UINT64_MAX : offset + length;
        return Status(ErrorCode::Truncated,
            "needs bytes up to " + std::to_string(end) + " but the file has only " + std::to_string(m_size))
            .withPath(m_path.string())
            .withOffset(offset);
    }
    return std::span<const std::byte>(m_data + offset, static_cast<size_t>(length));
}

void MappedFile::adviseSequential(uint64_t offset, uint64_t length) const
{
    if (!m_data || offset >= m_size) return;
    long page = ::sysconf(_SC_PAGESIZE);
    uint64_t start = offset - offset % static_cast<uint64_t>(page);
    uint64_t len = std::min(length + (offset - start), m_size - start);
    ::madvise(const_cast<std::byte*>(m_data) + start, static_cast<size_t>(len), MADV_WILLNEED);
}

void MappedFile::releasePages(uint64_t offset, uint64_t length) const
{
    if (!m_data || offset >= m_size) return;
    const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t end = std::min(m_size, offset + std::min(length, m_size - offset));
    const uint64_t first = (offset + page - 1) / page * page; // whole pages only: neighbours may be in use
    const uint64_t last = end / page * page;
    if (last > first)
        ::madvise(const_cast<std::byte*>(m_data) + first, static_cast<size_t>(last - first), MADV_DONTNEED);
}

} // namespace tscope::io
