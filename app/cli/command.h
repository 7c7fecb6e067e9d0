// One tensorscope-cli command: it declares its own arguments and options (so an option of one command is
// an error on another) and runs with them. Adding a command = one file in commands/ + its
// registration in commands/all_commands.cpp.
#pragma once

#include "app/cli/command_context.h"

#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tscope::cli {

class Command {
public:
    virtual ~Command() = default;
    virtual const char* name() const = 0;
    virtual const char* summary() const = 0; // one line for the command list
    // Declares positionals and options on the command's own parser; values bind to members.
    virtual void addArguments(CLI::App& app) = 0;
    virtual int run(CommandContext& context) = 0;
};

// Every command, in the order `--help` lists them.
std::vector<std::unique_ptr<Command>> allCommands();

} // namespace tscope::cli
