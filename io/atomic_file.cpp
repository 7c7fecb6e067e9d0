#include "io/atomic_file.h"

#include "io/mapped_file.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace tscope::io {
namespace {

std::atomic<uint64_t> g_failAfter { 0 };
std::atomic<uint64_t> g_writes { 0 };

std::string randomSuffix()
{
    static thread_local std::mt19937_64 rng { std::random_device {}() };
    static const char* hex = "0123456789abcdef";
    std::string s;
    uint64_t v = rng();
    for (int i = 0; i < 12; ++i, v >>= 4)
        s += hex[v & 15];
    return s;
}

// A failure to create, write or rename the output is the output's problem, whatever errno says: ENOENT
// (no such directory, or /proc refusing a new file) must not read as "an input was not found", nor EISDIR
// as a bad argument. Callers (the CLI's exit codes, the GUI's messages) tell outputs from inputs by code.
Status outputError(int err, const std::string& what, const std::filesystem::path& path)
{
    const ErrorCode code = err == EACCES || err == EPERM ? ErrorCode::PermissionDenied : ErrorCode::Io;
    return Status(code, what + ": " + std::strerror(err)).withPath(path.string());
}

// Before the rename, Durable waits for the data to reach the disk. Renamed leaves writeback to the kernel
// (starting it here with sync_file_range cost 0.3 s of wall time per GiB in our measurements).
Status flushBeforeRename(int fd, Durability durability, const std::filesystem::path& finalPath)
{
    if (durability == Durability::Durable && ::fsync(fd) != 0)
        return outputError(errno, "cannot flush to disk", finalPath);
    return Status::ok();
}

} // namespace

void syncDirectory(const std::filesystem::path& dir)
{
    int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

void injectWriteFailureAfter(uint64_t writes)
{
    g_writes = 0;
    g_failAfter = writes;
}

AtomicFile::AtomicFile(std::filesystem::path finalPath, Durability durability)
    : m_final(std::move(finalPath))
    , m_durability(durability)
{ }

AtomicFile::~AtomicFile()
{
    if (!m_committed) discard();
}

Status AtomicFile::open()
{
    m_temp = temporaryPathFor(m_final);
    m_fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (m_fd < 0) return outputError(errno, "cannot create file", m_temp);
    return Status::ok();
}

Status AtomicFile::write(std::span<const std::byte> bytes)
{
    if (m_fd < 0) return Status(ErrorCode::Io, "write to a file that is not open").withPath(m_final.string());
    if (g_failAfter && ++g_writes >= g_failAfter)
        return outputError(ENOSPC, "cannot write", m_final).withOffset(m_written);
    const std::byte* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(m_fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return outputError(errno, "cannot write", m_final).withOffset(m_written);
        }
        p += n;
        left -= static_cast<size_t>(n);
        m_written += static_cast<uint64_t>(n);
    }
    return Status::ok();
}

Status AtomicFile::writeAt(uint64_t offset, std::span<const std::byte> bytes)
{
    if (m_fd < 0) return Status(ErrorCode::Io, "write to a file that is not open").withPath(m_final.string());
    if (offset + bytes.size() > m_written)
        return Status(ErrorCode::InvalidArgument, "writeAt past the written bytes")
            .withPath(m_final.string());
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n
            = ::pwrite(m_fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return outputError(errno, "cannot write", m_final).withOffset(offset + done);
        }
        done += static_cast<size_t>(n);
    }
    return Status::ok();
}

Status AtomicFile::commit(bool replace)
{
    if (m_fd < 0)
        return Status(ErrorCode::Io, "commit of a file that is not open").withPath(m_final.string());
    TSCOPE_RETURN_IF_ERROR(flushBeforeRename(m_fd, m_durability, m_final));
    int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) return outputError(errno, "cannot close", m_final);
    if (!replace) {
        if (::renameat2(AT_FDCWD, m_temp.c_str(), AT_FDCWD, m_final.c_str(), RENAME_NOREPLACE) != 0) {
            if (errno == EEXIST)
                return Status(ErrorCode::Io, "the output exists (not overwritten)")
                    .withPath(m_final.string());
            return outputError(errno, "cannot rename into place", m_final);
        }
    } else if (::rename(m_temp.c_str(), m_final.c_str()) != 0) {
        return outputError(errno, "cannot rename into place", m_final);
    }
    m_committed = true;
    if (m_durability == Durability::Durable) syncDirectory(m_final.parent_path());
    return Status::ok();
}

void AtomicFile::discard()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_temp.empty() && !m_committed) ::unlink(m_temp.c_str());
}

std::filesystem::path temporaryPathFor(const std::filesystem::path& finalPath)
{
    return finalPath.string() + kTempMarker + std::to_string(::getpid()) + "-" + randomSuffix();
}

int removeStaleTemporaries(const std::filesystem::path& dir)
{
    int removed = 0;
    std::error_code ec;
    for (const auto& item : std::filesystem::directory_iterator(dir.empty() ? "." : dir, ec)) {
        const std::string name = item.path().filename().string();
        const size_t at = name.find(kTempMarker);
        if (at == std::string::npos) continue;
        const std::string rest = name.substr(at + std::string_view(kTempMarker).size());
        long pid = 0;
        if (std::sscanf(rest.c_str(), "%ld-", &pid) != 1 || pid <= 0) continue;
        // Only a process that no longer exists cannot finish (or remove) its temporary file.
        if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        // A SavedModel export builds a whole directory under such a name. Symlinks and other special
        // files are never ours: left alone (remove_all on a real directory does not follow links inside).
        std::error_code sec;
        const auto st = item.symlink_status(sec);
        if (sec) continue;
        if (std::filesystem::is_directory(st)) {
            std::error_code rec;
            std::filesystem::remove_all(item.path(), rec);
            if (!rec) ++removed;
        } else if (std::filesystem::is_regular_file(st) && ::unlink(item.path().c_str()) == 0) {
            ++removed;
        }
    }
    return removed;
}

} // namespace tscope::io
