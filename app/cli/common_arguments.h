// Arguments most commands share, declared the same way everywhere.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace tscope::cli {

void addPathArgument(CLI::App& app, std::string& path); // the required PATH positional
void addJsonFlag(CLI::App& app, bool& json); // --json

} // namespace tscope::cli
