#include "app/cli/command_context.h"

#include "app/cli/exit_codes.h"
#include "app/cli/interrupt.h"
#include "app/cli/json_output.h"
#include "app/cli/text_output.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <ostream>
#include <vector>

namespace tscope::cli {

namespace {
// Allocated once and never freed: exitWithoutTeardown ends the process with these still alive.
std::vector<std::shared_ptr<const io::Artifact>>* keptArtifacts = nullptr;
} // namespace

void keepArtifactsUntilExit()
{
    if (!keptArtifacts) keptArtifacts = new std::vector<std::shared_ptr<const io::Artifact>>();
}

void exitWithoutTeardown(int exitCode)
{
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(exitCode);
}

ProgressBar CommandContext::progress(const std::string& label) const
{
    return ProgressBar(err, label, stderrIsTerminal && !json);
}

io::ProgressFn CommandContext::progressCallback(ProgressBar& bar) const
{
    return [&bar](uint64_t done, uint64_t total) {
        if (interruptRequested()) return false;
        bar.update(done, total);
        return true;
    };
}

bool CommandContext::cancelled() const
{
    return interruptRequested() || cancel.isCancelled();
}

int CommandContext::reportCancelled()
{
    if (!cancelReported) err << "tensorscope-cli: cancelled\n";
    cancelReported = true;
    return kExitInterrupted;
}

std::shared_ptr<io::Artifact> CommandContext::openArtifact(
    const std::filesystem::path& path, int& exitCode, bool displayTree)
{
    auto bar = progress("Opening");
    io::OpenOptions options;
    options.cancel = &cancel;
    options.displayTree = displayTree;
    options.progress = progressCallback(bar);
    auto artifact = io::openArtifact(path, options);
    bar.finish();
    if (artifact && keptArtifacts) keptArtifacts->push_back(*artifact);
    if (!artifact) {
        exitCode = artifact.status().code() == io::ErrorCode::Cancelled && cancelled()
            ? reportCancelled()
            : reportError(artifact.status(), kExitOpenFailed);
        return nullptr;
    }
    return std::move(*artifact);
}

int CommandContext::reportError(const io::Status& status, int exitCode)
{
    err << "tensorscope-cli: " << cleanText(status.toString()) << "\n";
    if (json) {
        json::JsonWriter w(out);
        writeStatusObject(w, status, "tensorscope.error/1");
    }
    return exitCode;
}

} // namespace tscope::cli
