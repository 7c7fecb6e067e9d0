#include "app/cli/command.h"

#include "app/cli/common_arguments.h"
#include "app/cli/exit_codes.h"

#include <CLI/CLI.hpp>
#include <new>

namespace tscope::cli {

void ArtifactCommand::addArguments(CLI::App& app)
{
    addPathArgument(app, m_path);
    addOptions(app);
    addJsonFlag(app, m_json);
}

int ArtifactCommand::run(CommandContext& context)
{
    context.json = wantsJson();
    // The last net: io reports OutOfMemory itself; an allocation that still fails in a command's own
    // output work ends with the documented one-line error, not std::terminate.
    try {
        int exitCode = 0;
        auto artifact = context.openArtifact(m_path, exitCode, needsDisplayTree());
        if (!artifact) return exitCode;
        return runOn(*artifact, context);
    } catch (const std::bad_alloc&) {
        return context.reportError(
            io::Status(io::ErrorCode::OutOfMemory, "not enough memory for this command"), kExitOpenFailed);
    }
}

} // namespace tscope::cli
