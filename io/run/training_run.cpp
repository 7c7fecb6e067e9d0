#include "io/run/training_run.h"

#include "io/artifact_locator.h"
#include "io/checkpoint_state.h"

#include <algorithm>
#include <map>
#include <set>
#include <sys/stat.h>

namespace tscope::io {
namespace fs = std::filesystem;
namespace {

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The prefix a checkpoint file stands for: "x.index" and "x.data-00000-of-00001" mean "x".
fs::path prefixOf(const fs::path& file)
{
    const std::string name = file.filename().string();
    if (endsWith(name, ".index")) return file.parent_path() / name.substr(0, name.size() - 6);
    if (const size_t d = name.rfind(".data-"); d != std::string::npos)
        return file.parent_path() / name.substr(0, d);
    return file;
}

// Unix seconds of the last modification (POSIX: std::filesystem's clock has no portable epoch in C++20's
// libstdc++ 12 without clock_cast).
double modificationTime(const fs::path& file)
{
    struct stat st { };
    if (::stat(file.c_str(), &st) != 0) return 0;
    return static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) * 1e-9;
}

} // namespace

std::pair<std::string, std::optional<int64_t>> splitStepNumber(const std::string& name)
{
    size_t digits = name.size();
    while (digits > 0 && name[digits - 1] >= '0' && name[digits - 1] <= '9')
        --digits;
    if (digits == name.size() || digits == 0 || name.size() - digits > 18) return { name, std::nullopt };
    const int64_t step = std::stoll(name.substr(digits));
    std::string base = name.substr(0, digits);
    if (!base.empty() && (base.back() == '-' || base.back() == '.' || base.back() == '_')) base.pop_back();
    return { base, step };
}

Result<std::vector<TrainingRun>> findTrainingRuns(const std::vector<fs::path>& inputs)
{
    std::set<fs::path> prefixes;
    std::map<fs::path, CheckpointState> states; // per directory, when it has a state file
    for (const auto& input : inputs) {
        std::error_code ec;
        if (fs::is_directory(input, ec)) {
            for (const auto& p : checkpointPrefixesIn(input))
                prefixes.insert(p);
        } else {
            const fs::path prefix = prefixOf(input);
            if (!fs::exists(fs::path(prefix.string() + ".index"), ec))
                return Status(
                    ErrorCode::NotFound, "no checkpoint at '" + input.string() + "' (expected its .index)");
            prefixes.insert(prefix);
        }
    }
    if (prefixes.empty()) return Status(ErrorCode::NotFound, "no checkpoints found in the given paths");
    for (const auto& p : prefixes) {
        const fs::path dir = p.parent_path();
        std::error_code ec;
        if (states.count(dir) || !fs::is_regular_file(dir / "checkpoint", ec)) continue;
        if (auto s = readCheckpointState(dir / "checkpoint")) states.emplace(dir, std::move(*s));
    }

    std::map<std::pair<fs::path, std::string>, TrainingRun> runs;
    for (const auto& p : prefixes) {
        auto [base, step] = splitStepNumber(p.filename().string());
        auto& run = runs[{ p.parent_path(), base }];
        run.name = base;
        run.directory = p.parent_path();
        RunStep s { p, step, modificationTime(fs::path(p.string() + ".index")), false };
        if (auto it = states.find(run.directory); it != states.end())
            for (const auto& ref : it->second.checkpoints) {
                if (ref.prefix.lexically_normal() != p.lexically_normal()) continue;
                if (ref.timestamp) s.timestamp = *ref.timestamp, s.timestampFromStateFile = true;
                if (ref.latest) run.current = true;
            }
        run.steps.push_back(std::move(s));
    }
    std::vector<TrainingRun> out;
    for (auto& [key, run] : runs) {
        std::sort(run.steps.begin(), run.steps.end(), [](const RunStep& a, const RunStep& b) {
            return naturalLess(a.prefix.filename().string(), b.prefix.filename().string());
        });
        out.push_back(std::move(run));
    }
    return out;
}

} // namespace tscope::io
