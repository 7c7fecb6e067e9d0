// The registration list: the only place that knows every command. A new command is one file in this
// directory defining its make...Command() factory, plus its two lines here.
#include "app/cli/command.h"

namespace tscope::cli {

std::unique_ptr<Command> makeInfoCommand();
std::unique_ptr<Command> makeLsCommand();
std::unique_ptr<Command> makeShowCommand();
std::unique_ptr<Command> makeStatsCommand();
std::unique_ptr<Command> makeSignaturesCommand();
std::unique_ptr<Command> makeVerifyCommand();
std::unique_ptr<Command> makeDiffCommand();
std::unique_ptr<Command> makeCheckCommand();
std::unique_ptr<Command> makeRunCommand();
std::unique_ptr<Command> makeExportCommand();

std::vector<std::unique_ptr<Command>> allCommands()
{
    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(makeInfoCommand());
    commands.push_back(makeLsCommand());
    commands.push_back(makeShowCommand());
    commands.push_back(makeStatsCommand());
    commands.push_back(makeSignaturesCommand());
    commands.push_back(makeVerifyCommand());
    commands.push_back(makeDiffCommand());
    commands.push_back(makeCheckCommand());
    commands.push_back(makeRunCommand());
    commands.push_back(makeExportCommand());
    return commands;
}

} // namespace tscope::cli
