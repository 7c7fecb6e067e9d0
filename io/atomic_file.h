// Writing files safely: data goes to a temporary file in the destination directory, is fsynced, and
// only then renamed over the final name. On failure or cancel the temporary file is removed, so a
// reader never sees a partial output.
#pragma once

#include "io/status.h"

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

namespace tscope::io {

class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path finalPath);
    ~AtomicFile(); // discards the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    Status open();
    Status write(std::span<const std::byte> bytes);
    Status write(const std::string& s)
    {
        return write(std::span(reinterpret_cast<const std::byte*>(s.data()), s.size()));
    }
    uint64_t bytesWritten() const { return m_written; }
    // fsync, close and rename into place (then fsync the directory). With `replace` false an existing
    // final file is never overwritten, even one that appeared while we wrote (RENAME_NOREPLACE).
    Status commit(bool replace = true);
    void discard();

    const std::filesystem::path& finalPath() const { return m_final; }
    const std::filesystem::path& tempPath() const { return m_temp; }

private:
    std::filesystem::path m_final;
    std::filesystem::path m_temp;
    int m_fd = -1;
    uint64_t m_written = 0;
    bool m_committed = false;
};

// Temporary names are "<final>.tmp-tensorscope-<pid>-<random>". Removes those in `dir` whose process
// no longer exists (killed mid-write), files and directories (a SavedModel export's temporary directory);
// those of live processes are left alone. Returns how many went.
int removeStaleTemporaries(const std::filesystem::path& dir);
// A fresh temporary name for `finalPath`, for writers that create the file themselves (libzip).
std::filesystem::path temporaryPathFor(const std::filesystem::path& finalPath);
// What commit() does, for a temporary file another writer completed: fsync, rename into place (never
// over an existing file unless `replace`), fsync the directory. The temporary is removed on failure.
Status commitTemporary(
    const std::filesystem::path& temp, const std::filesystem::path& finalPath, bool replace);
inline constexpr const char* kTempMarker = ".tmp-tensorscope-";

// Test hook: make the Nth write (1-based, counted process-wide) fail with ENOSPC; 0 disables.
void injectWriteFailureAfter(uint64_t writes);

} // namespace tscope::io
