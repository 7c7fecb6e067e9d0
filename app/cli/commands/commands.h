// One factory per command, each defined in its own file in this directory.
#pragma once

#include "app/cli/command.h"

#include <memory>

namespace tscope::cli {

std::unique_ptr<Command> makeInfoCommand();
std::unique_ptr<Command> makeLsCommand();
std::unique_ptr<Command> makeShowCommand();
std::unique_ptr<Command> makeStatsCommand();
std::unique_ptr<Command> makeSignaturesCommand();
std::unique_ptr<Command> makeVerifyCommand();

} // namespace tscope::cli
