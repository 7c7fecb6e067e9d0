// Git LFS pointers: small text files that stand in for a repository's large files until `git lfs pull`.
#pragma once

#include "io/status.h"

#include <filesystem>

namespace tscope::io {

// True when the file is a Git LFS pointer (text "version https://git-lfs...") instead of real content.
bool isGitLfsPointer(const std::filesystem::path& file);

// The one Unsupported error for a pointer found where real content was expected.
Status gitLfsPointerError(const std::filesystem::path& file);

} // namespace tscope::io
