// The file libzip writes an archive into: our temporary name in the target directory ("<out>.tmp-
// tensorscope-<pid>-<random>", see atomic_file.h), written in 4 MiB pieces (libzip's own file output
// issues a write per 4 KiB), renamed into place by libzip's commit, removed on rollback.
#pragma once

#include "io/status.h"

#include <filesystem>
#include <vector>
#include <zip.h>

namespace tscope::io {

class ZipOutput {
public:
    ZipOutput(std::filesystem::path finalPath, bool replaceExisting);
    ~ZipOutput(); // removes the temporary file unless committed
    ZipOutput(const ZipOutput&) = delete;
    ZipOutput& operator=(const ZipOutput&) = delete;

    // A libzip source over this output for zip_open_from_source(); this object must outlive it.
    zip_source_t* createSource(zip_error_t* error);
    // Why writing or committing failed (ok when libzip failed for a reason of its own).
    const Status& status() const { return m_status; }
    bool committed() const { return m_committed; }

private:
    static zip_int64_t callback(void* state, void* data, zip_uint64_t len, zip_source_cmd_t cmd);
    zip_int64_t fail(Status s, int zipError, int sysError);
    bool flush();
    void discard();

    std::filesystem::path m_final;
    std::filesystem::path m_temp;
    bool m_replace = false;
    int m_fd = -1;
    std::vector<char> m_buffer; // bytes for [m_bufferStart, m_bufferStart + size) of the file
    uint64_t m_bufferStart = 0;
    uint64_t m_position = 0; // where the next write goes
    uint64_t m_size = 0;
    zip_error_t m_error;
    Status m_status;
    bool m_committed = false;
};

} // namespace tscope::io
