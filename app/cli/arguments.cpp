#include "app/cli/arguments.h"

#include "app/cli/command.h"
#include "app/cli/exit_codes.h"
#include "tscope_version.h"

#include <CLI/CLI.hpp>
#include <ostream>
#include <string_view>

namespace tscope::cli {
namespace {

constexpr const char* kFooter
    = "PATH: a checkpoint prefix, .index, .data-* shard, `checkpoint` file, training directory,\n"
      "      SavedModel directory, saved_model.pb/.pbtxt or its variables/ directory.\n"
      "Exit codes: 0 ok, 2 usage, 3 cannot open/read, 4 damaged (verify), 5 no such variable,\n"
      "            7 output not written (export), 130 cancelled (Ctrl-C).\n"
      "`tensorscope-cli COMMAND --help` shows a command's options; docs/CLI.md describes the JSON.";

} // namespace

int runCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err, bool stderrIsTerminal,
    bool stdoutIsTerminal)
{
    CLI::App app("Tensorscope: TensorFlow checkpoints and SavedModels, headless.", "tensorscope-cli");
    app.set_version_flag("--version", std::string("tensorscope-cli ") + kTensorscopeVersion);
    app.footer(kFooter);
    app.require_subcommand(1);
    const auto commands = allCommands();
    Command* chosen = nullptr;
    for (const auto& command : commands) {
        CLI::App* sub = app.add_subcommand(command->name(), command->summary());
        command->addArguments(*sub);
        sub->callback([&chosen, c = command.get()] { chosen = c; });
    }
    // CLI11 would only say "a subcommand is required"; name the word it did not know instead.
    std::string names;
    bool known = false;
    for (const auto& command : commands) {
        names += std::string(names.empty() ? "" : ", ") + command->name();
        known = known || (argc > 1 && std::string_view(argv[1]) == command->name());
    }
    if (argc > 1 && argv[1][0] != '-' && !known) {
        err << "tensorscope-cli: unknown command '" << argv[1] << "' (commands: " << names << ")\n"
            << "Run `tensorscope-cli --help` for usage.\n";
        return kExitUsage;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) { // --help, --version
            app.exit(e, out, err);
            return kExitOk;
        }
        err << "tensorscope-cli: " << e.what() << "\n"
            << "Run `tensorscope-cli --help` or `tensorscope-cli COMMAND --help` for usage.\n";
        return kExitUsage;
    }
    if (!chosen) return kExitUsage; // require_subcommand(1) makes this unreachable
    CommandContext context { out, err, false, stderrIsTerminal };
    context.stdoutIsTerminal = stdoutIsTerminal;
    const int exitCode = chosen->run(context);
    // Ctrl-C during a step that does not poll (writing the output): the command finished, but the
    // person asked to stop, and scripts expect 130 for that.
    if (context.cancelled()) return context.reportCancelled();
    return exitCode;
}

} // namespace tscope::cli
