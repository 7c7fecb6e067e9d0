// Runs tensorscope-cli in-process (runCli) for the CLI tests: exit code and what it printed.
#pragma once

#include "app/cli/arguments.h"

#include <sstream>
#include <string>
#include <vector>

namespace tscope::cli::test {

struct Run {
    int exitCode;
    std::string out;
    std::string err;
};

inline Run cli(std::vector<std::string> args)
{
    args.insert(args.begin(), "tensorscope-cli");
    std::vector<const char*> argv;
    for (const auto& a : args)
        argv.push_back(a.c_str());
    std::ostringstream out, err;
    const int code = runCli(static_cast<int>(argv.size()), argv.data(), out, err, false);
    return { code, out.str(), err.str() };
}

} // namespace tscope::cli::test
