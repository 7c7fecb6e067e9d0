#include "app/cli/commands/export_paths.h"

namespace tscope::cli {

std::vector<std::filesystem::path> bundleOutputFiles(const std::filesystem::path& prefix, int32_t numShards)
{
    std::vector<std::filesystem::path> files;
    for (int32_t i = 0; i < numShards; ++i)
        files.push_back(io::bundleDataPath(prefix, i, numShards));
    files.push_back(prefix.string() + ".index");
    return files;
}

io::Status checkOutputs(
    const std::vector<std::filesystem::path>& outputs, const io::BundleReader& input, bool force)
{
    std::vector<std::filesystem::path> inputs { input.indexPath() };
    for (int32_t i = 0; i < input.header().numShards; ++i)
        inputs.push_back(input.dataPath(i));
    for (const auto& out : outputs) {
        std::error_code ec;
        if (!std::filesystem::exists(out, ec)) continue;
        for (const auto& in : inputs)
            if (std::filesystem::equivalent(out, in, ec))
                return io::Status(
                    io::ErrorCode::Io, "the output is one of the input's files (never overwritten)")
                    .withPath(out.string());
        if (!force)
            return io::Status(io::ErrorCode::Io, "the output exists (use --force to replace it)")
                .withPath(out.string());
    }
    const auto dir = outputs.front().parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))
        return io::Status(io::ErrorCode::NotFound, "the output directory does not exist")
            .withPath(dir.string());
    return io::Status::ok();
}

} // namespace tscope::cli
