// Writing files safely: data goes to a temporary file in the destination directory and is renamed over
// the final name only when complete. On failure or cancel the temporary file is removed, so a reader never
// sees a partial output, and after a SIGKILL the final name holds the old file or the complete new one.
#pragma once

#include "io/status.h"

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

namespace tscope::io {

// What a commit promises beyond "the final name holds a complete file or none" (which the rename alone
// gives after a crash of this process or a full disk):
//   Renamed: the kernel writes the data back in its own time (within ~30 s), so an export ends when its
//            bytes are in the page cache (a 1 GiB fsync would wait for the disk: 0.4 s to seconds).
//   Durable: also across a power cut or kernel crash: fsync of the file before the rename, of the
//            directory after it (`--sync` in the CLI).
enum class Durability { Renamed, Durable };

class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path finalPath, Durability durability = Durability::Renamed);
    ~AtomicFile(); // discards the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    Status open();
    Status write(std::span<const std::byte> bytes);
    Status write(const std::string& s)
    {
        return write(std::span(reinterpret_cast<const std::byte*>(s.data()), s.size()));
    }
    // Writes `bytes` at `offset` (below bytesWritten(): a header patched once the data behind it is known).
    Status writeAt(uint64_t offset, std::span<const std::byte> bytes);
    uint64_t bytesWritten() const { return m_written; }
    // Close and rename into place (Durable: fsync before, and the directory after). With `replace` false an
    // existing final file is never overwritten, even one that appeared while we wrote (RENAME_NOREPLACE).
    Status commit(bool replace = true);
    void discard();

    const std::filesystem::path& finalPath() const { return m_final; }
    const std::filesystem::path& tempPath() const { return m_temp; }

private:
    std::filesystem::path m_final;
    std::filesystem::path m_temp;
    Durability m_durability = Durability::Renamed;
    int m_fd = -1;
    uint64_t m_written = 0;
    bool m_committed = false;
};

// Temporary names are "<final>.tmp-tensorscope-<pid>-<random>". Removes those in `dir` whose process
// no longer exists (killed mid-write), files and directories (a SavedModel export's temporary directory);
// those of live processes are left alone. Returns how many went.
int removeStaleTemporaries(const std::filesystem::path& dir);
// A fresh temporary name for `finalPath`, for outputs that are not one file (a SavedModel directory).
std::filesystem::path temporaryPathFor(const std::filesystem::path& finalPath);
// Durable: fsync of `dir` (makes a rename inside it durable). Best effort.
void syncDirectory(const std::filesystem::path& dir);
inline constexpr const char* kTempMarker = ".tmp-tensorscope-";

// Test hook: make the Nth write (1-based, counted process-wide) fail with ENOSPC; 0 disables.
void injectWriteFailureAfter(uint64_t writes);

} // namespace tscope::io
