// The registration list: the only place that knows every command.
#include "app/cli/command.h"
#include "app/cli/commands/commands.h"

namespace tscope::cli {

std::vector<std::unique_ptr<Command>> allCommands()
{
    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(makeInfoCommand());
    commands.push_back(makeLsCommand());
    commands.push_back(makeShowCommand());
    commands.push_back(makeStatsCommand());
    commands.push_back(makeSignaturesCommand());
    commands.push_back(makeVerifyCommand());
    return commands;
}

} // namespace tscope::cli
