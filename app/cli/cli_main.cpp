// tensorscope-cli: every artifact view of the GUI, headless. See docs/CLI.md.
#include "app/cli/arguments.h"
#include "app/cli/command_context.h"
#include "app/cli/interrupt.h"
#include "io/proto_log.h"

#include <iostream>
#include <unistd.h>

int main(int argc, char** argv)
{
    std::ios::sync_with_stdio(false);
    tscope::cli::installInterruptHandler();
    tscope::io::installProtobufLogHandler(); // protobuf's log lines become warnings, never raw stderr

#ifdef __SANITIZE_ADDRESS__
    // Sanitizer builds tear everything down, so the leak check at exit sees what a command leaves behind.
    return tscope::cli::runCli(
        argc, argv, std::cout, std::cerr, isatty(STDERR_FILENO) == 1, isatty(STDOUT_FILENO) == 1);
#else
    tscope::cli::keepArtifactsUntilExit();
    const int exitCode = tscope::cli::runCli(
        argc, argv, std::cout, std::cerr, isatty(STDERR_FILENO) == 1, isatty(STDOUT_FILENO) == 1);
    tscope::cli::exitWithoutTeardown(exitCode);
#endif
}
