// tensorscope-cli: every artifact view of the GUI, headless. See docs/CLI.md.
#include "app/cli/cli_commands.h"

#include <iostream>

int main(int argc, char** argv)
{
    std::ios::sync_with_stdio(false);
    tscope::cli::CliOptions options;
    int exitCode = 0;
    if (!tscope::cli::parseArguments(argc, argv, options, std::cerr, exitCode)) return exitCode;
    return tscope::cli::runCommand(options, std::cout, std::cerr);
}
