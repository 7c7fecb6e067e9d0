#include "app/cli/command.h"

#include "app/cli/common_arguments.h"

#include <CLI/CLI.hpp>

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
    int exitCode = 0;
    auto artifact = context.openArtifact(m_path, exitCode);
    if (!artifact) return exitCode;
    return runOn(*artifact, context);
}

} // namespace tscope::cli
