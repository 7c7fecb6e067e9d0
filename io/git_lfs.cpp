#include "io/git_lfs.h"

#include <cstring>
#include <fstream>

namespace tscope::io {

bool isGitLfsPointer(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return false; // never open a FIFO or device for reading
    std::ifstream in(file, std::ios::binary);
    char head[24] = {};
    in.read(head, sizeof head);
    return in.gcount() >= 23 && std::memcmp(head, "version https://git-lfs", 23) == 0;
}

Status gitLfsPointerError(const std::filesystem::path& file)
{
    return Status(ErrorCode::Unsupported,
        "not supported: " + file.filename().string()
            + " is a Git LFS pointer, not the real file (run `git lfs pull` in its repository)")
        .withPath(file.string());
}

} // namespace tscope::io
