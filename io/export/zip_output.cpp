#include "io/export/zip_output.h"

#include "io/atomic_file.h"
#include "io/mapped_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace tscope::io {
namespace {

constexpr size_t kFlushAt = size_t(4) << 20;

} // namespace

ZipOutput::ZipOutput(std::filesystem::path finalPath, bool replaceExisting)
    : m_final(std::move(finalPath))
    , m_replace(replaceExisting)
{
    zip_error_init(&m_error);
}

ZipOutput::~ZipOutput()
{
    discard();
    zip_error_fini(&m_error);
}

zip_source_t* ZipOutput::createSource(zip_error_t* error)
{
    return zip_source_function_create(&ZipOutput::callback, this, error);
}

void ZipOutput::discard()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_temp.empty() && !m_committed) ::unlink(m_temp.c_str());
    m_temp.clear();
}

zip_int64_t ZipOutput::fail(Status s, int zipError, int sysError)
{
    if (m_status.isOk()) m_status = std::move(s);
    zip_error_set(&m_error, zipError, sysError);
    return -1;
}

bool ZipOutput::flush()
{
    size_t done = 0;
    while (done < m_buffer.size()) {
        const ssize_t n = ::pwrite(
            m_fd, m_buffer.data() + done, m_buffer.size() - done, static_cast<off_t>(m_bufferStart + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(statusFromErrno(errno, "cannot write", m_final).withOffset(m_bufferStart + done),
                ZIP_ER_WRITE, errno);
            return false;
        }
        done += static_cast<size_t>(n);
    }
    m_bufferStart += m_buffer.size();
    m_buffer.clear();
    return true;
}

zip_int64_t ZipOutput::callback(void* state, void* data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    auto* self = static_cast<ZipOutput*>(state);
    switch (cmd) {
    case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_WRITABLE | ZIP_SOURCE_MAKE_COMMAND_BITMASK(ZIP_SOURCE_ACCEPT_EMPTY);
    case ZIP_SOURCE_STAT: { // a new, empty archive: there is nothing to read yet
        auto* st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &self->m_error);
        if (!st) return -1;
        zip_stat_init(st);
        st->valid |= ZIP_STAT_SIZE;
        st->size = 0;
        return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ACCEPT_EMPTY:
        return 1;
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&self->m_error, data, len);
    case ZIP_SOURCE_OPEN:
    case ZIP_SOURCE_READ:
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_SEEK:
    case ZIP_SOURCE_TELL:
    case ZIP_SOURCE_FREE:
    case ZIP_SOURCE_REMOVE:
        return 0;
    case ZIP_SOURCE_BEGIN_WRITE:
        self->discard();
        self->m_temp = temporaryPathFor(self->m_final);
        self->m_fd = ::open(self->m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (self->m_fd < 0)
            return self->fail(
                statusFromErrno(errno, "cannot create file", self->m_temp), ZIP_ER_TMPOPEN, errno);
        self->m_buffer.clear();
        self->m_buffer.reserve(kFlushAt + (64 << 10));
        self->m_bufferStart = self->m_position = self->m_size = 0;
        return 0;
    case ZIP_SOURCE_WRITE: {
        if (self->m_position != self->m_bufferStart + self->m_buffer.size()) { // after a seek back
            if (!self->flush()) return -1;
            self->m_bufferStart = self->m_position;
        }
        self->m_buffer.insert(
            self->m_buffer.end(), static_cast<const char*>(data), static_cast<const char*>(data) + len);
        self->m_position += len;
        self->m_size = std::max(self->m_size, self->m_position);
        if (self->m_buffer.size() >= kFlushAt && !self->flush()) return -1;
        return static_cast<zip_int64_t>(len);
    }
    case ZIP_SOURCE_SEEK_WRITE: {
        const zip_int64_t to
            = zip_source_seek_compute_offset(self->m_position, self->m_size, data, len, &self->m_error);
        if (to < 0) return -1;
        self->m_position = static_cast<uint64_t>(to);
        return 0;
    }
    case ZIP_SOURCE_TELL_WRITE:
        return static_cast<zip_int64_t>(self->m_position);
    case ZIP_SOURCE_COMMIT_WRITE: {
        if (!self->flush()) return -1;
        const int fd = self->m_fd;
        self->m_fd = -1;
        if (::close(fd) != 0)
            return self->fail(statusFromErrno(errno, "cannot close", self->m_final), ZIP_ER_WRITE, errno);
        Status s = commitTemporary(self->m_temp, self->m_final, self->m_replace); // fsync + rename
        if (!s.isOk()) return self->fail(std::move(s), ZIP_ER_WRITE, 0);
        self->m_committed = true;
        return 0;
    }
    case ZIP_SOURCE_ROLLBACK_WRITE:
        self->discard();
        return 0;
    default:
        zip_error_set(&self->m_error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

} // namespace tscope::io
