// The output files of an export and the checks made before writing them: an existing output needs
// --force, and an output that is one of the artifact's own files is refused even with --force.
#pragma once

#include "io/bundle_reader.h"
#include "io/status.h"

#include <filesystem>
#include <vector>

namespace tscope::cli {

// "<prefix>.index" and every "<prefix>.data-*-of-N".
std::vector<std::filesystem::path> bundleOutputFiles(const std::filesystem::path& prefix, int32_t numShards);

io::Status checkOutputs(
    const std::vector<std::filesystem::path>& outputs, const io::BundleReader& input, bool force);

} // namespace tscope::cli
