// What both SavedModel exports (TF2 with a template, TF1 from a .meta graph) share: the output directory is
// built under a temporary name beside OUT and renamed into place only when complete, and the files we
// leave out (fingerprint.pb, when it cannot be computed exactly) are named with the reason.
#pragma once

#include "io/atomic_file.h"
#include "io/status.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tscope::io {

// A temporary directory beside `out` (named by temporaryPathFor, so removeStaleTemporaries recognises it
// after a SIGKILL); removed with everything in it unless keep() was called after the rename.
class TemporaryExportDir {
public:
    explicit TemporaryExportDir(const std::filesystem::path& out);
    ~TemporaryExportDir();
    TemporaryExportDir(const TemporaryExportDir&) = delete;
    TemporaryExportDir& operator=(const TemporaryExportDir&) = delete;

    Status create();
    const std::filesystem::path& path() const { return m_dir; }
    // Renames the finished directory to `out`: never over an existing OUT unless `replace`, in which case
    // both names are swapped atomically (readers see the old or the new SavedModel) and the old one goes.
    // Durable: the file system is synced before the rename (every file and directory inside, the copied
    // template files included) and OUT's directory after it.
    Status renameInto(const std::filesystem::path& out, bool replace, Durability durability);

private:
    std::filesystem::path m_dir;
    bool m_keep = false;
};

// A file of a SavedModel that an export does not write, and why.
struct LeftOutFile {
    std::string file;
    std::string reason;
};

// fingerprint.pb for the finished directory `dir` (saved_model.pb and variables/ written): written when every
// field can be computed exactly as TensorFlow computes it (io/saved_model_fingerprint); otherwise left out
// with the reason, since a wrong fingerprint is worse than none (TensorFlow loads a SavedModel without one).
std::optional<LeftOutFile> writeFingerprint(const std::filesystem::path& dir);

} // namespace tscope::io
