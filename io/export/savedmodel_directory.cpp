#include "io/export/savedmodel_directory.h"

#include "io/atomic_file.h"
#include "io/mapped_file.h"
#include "io/saved_model_fingerprint.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace tscope::io {

TemporaryExportDir::TemporaryExportDir(const std::filesystem::path& out)
    : m_dir(temporaryPathFor(out))
{ }

TemporaryExportDir::~TemporaryExportDir()
{
    std::error_code ec;
    if (!m_keep && !m_dir.empty()) std::filesystem::remove_all(m_dir, ec);
}

Status TemporaryExportDir::create()
{
    std::error_code ec;
    if (!std::filesystem::create_directory(m_dir, ec))
        return Status(ErrorCode::Io,
            "cannot create a temporary directory: " + (ec ? ec.message() : std::string("it exists")))
            .withPath(m_dir.string());
    return Status::ok();
}

Status TemporaryExportDir::renameInto(const std::filesystem::path& out, bool replace, Durability durability)
{
    if (durability == Durability::Durable) {
        const int dfd = ::open(m_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        const bool synced = dfd >= 0 && ::syncfs(dfd) == 0;
        const int err = errno;
        if (dfd >= 0) ::close(dfd);
        if (!synced) return statusFromErrno(err, "cannot flush to disk", m_dir);
    }
    const std::filesystem::path parent = out.parent_path();
    if (::renameat2(AT_FDCWD, m_dir.c_str(), AT_FDCWD, out.c_str(), RENAME_NOREPLACE) == 0) {
        m_keep = true;
        if (durability == Durability::Durable) syncDirectory(parent);
        return Status::ok();
    }
    if (errno != EEXIST || !replace)
        return Status(ErrorCode::Io,
            errno == EEXIST ? "the output exists (use --force to replace it)"
                            : "cannot rename the output into place")
            .withPath(out.string());
    if (::renameat2(AT_FDCWD, m_dir.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) != 0)
        return Status(ErrorCode::Io, "cannot replace the output").withPath(out.string());
    if (durability == Durability::Durable) syncDirectory(parent);
    // m_dir now names the old output: the destructor removes it (a SIGKILL before that leaves it under
    // our temporary name, for the next export's removeStaleTemporaries).
    return Status::ok();
}

std::optional<LeftOutFile> writeFingerprint(const std::filesystem::path& dir)
{
    auto content = fingerprintFileContent(dir);
    if (!content) return LeftOutFile { "fingerprint.pb", "not written: " + content.status().message() };
    AtomicFile file(dir / "fingerprint.pb");
    Status s = file.open();
    if (s.isOk()) s = file.write(*content);
    if (s.isOk()) s = file.commit(false);
    if (!s.isOk()) return LeftOutFile { "fingerprint.pb", "not written: " + s.message() };
    return std::nullopt;
}

} // namespace tscope::io
