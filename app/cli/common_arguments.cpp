#include "app/cli/common_arguments.h"

#include <CLI/CLI.hpp>

namespace tscope::cli {

void addPathArgument(CLI::App& app, std::string& path)
{
    app.add_option(
           "PATH", path, "checkpoint prefix, .index, .data-*, `checkpoint` file, directory or SavedModel")
        ->required();
}

void addJsonFlag(CLI::App& app, bool& json)
{
    app.add_flag("--json", json, "machine-readable output (docs/CLI.md, docs/schema/)");
}

} // namespace tscope::cli
