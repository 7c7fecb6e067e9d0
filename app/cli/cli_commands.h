// The commands of tensorscope-cli, each writing text or JSON (docs/CLI.md) and returning an exit code.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace tscope::cli {

enum ExitCode { kExitOk = 0, kExitUsage = 2, kExitOpenFailed = 3, kExitDamaged = 4, kExitNoSuchVariable = 5 };

struct CliOptions {
    std::string command;
    std::string path;
    std::vector<std::string> names; // VAR arguments
    bool json = false;
    bool flat = false;
    bool noSlots = false;
    std::string slice;
    std::string format = "text"; // show: text | csv | json
};

// Parses argv; on error writes usage to `err` and returns false.
bool parseArguments(int argc, char** argv, CliOptions& options, std::ostream& err, int& exitCode);
int runCommand(const CliOptions& options, std::ostream& out, std::ostream& err);
void printUsage(std::ostream& out);

} // namespace tscope::cli
