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

// A command on one artifact (all of today's): it gets the PATH positional first and --json last, with its
// own arguments in between (addOptions), and run() opens the artifact (progress bar, Ctrl-C, error
// document) before handing it to runOn(). A command on two artifacts (diff) derives from Command.
class ArtifactCommand : public Command {
public:
    void addArguments(CLI::App& app) final;
    int run(CommandContext& context) final;

protected:
    virtual void addOptions(CLI::App&) { }
    // Whether the output is JSON (show also takes --format json).
    virtual bool wantsJson() const { return m_json; }
    virtual int runOn(const io::Artifact& artifact, CommandContext& context) = 0;
    // False for commands that only count (io::OpenOptions::displayTree): the tree is not built.
    virtual bool needsDisplayTree() const { return true; }
    bool json() const { return wantsJson(); }

private:
    std::string m_path;
    bool m_json = false;
};

// Every command, in the order `--help` lists them.
std::vector<std::unique_ptr<Command>> allCommands();

} // namespace tscope::cli
