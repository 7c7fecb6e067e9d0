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
    // fsync, close and rename into place (then fsync the directory).
    Status commit();
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

// Test hook: make the Nth write (1-based, counted process-wide) fail with ENOSPC; 0 disables.
void injectWriteFailureAfter(uint64_t writes);

} // namespace tscope::io
