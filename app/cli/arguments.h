// Argument handling of tensorscope-cli: one CLI11 parser with a subcommand per registered Command.
// Parse errors (unknown command or option, missing or extra argument) print a one-line reason and exit 2.
#pragma once

#include <iosfwd>

namespace tscope::cli {

// Parses argv and runs the chosen command; returns the process exit code (app/cli/exit_codes.h).
int runCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err, bool stderrIsTerminal,
    bool stdoutIsTerminal = false);

} // namespace tscope::cli
