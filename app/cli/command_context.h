// What a running command needs besides its arguments: the output streams, the output mode, opening an
// artifact (with progress on a terminal) and reporting errors the documented way.
#pragma once

#include "app/cli/progress_bar.h"
#include "io/artifact.h"
#include "io/status.h"

#include <filesystem>
#include <iosfwd>
#include <memory>

namespace tscope::cli {

struct CommandContext {
    std::ostream& out;
    std::ostream& err;
    bool json = false; // set by the command from its --json option before it writes anything
    bool stderrIsTerminal = false;

    // A progress bar on `err` for a long step, or a silent one: never in JSON mode, never when stderr is
    // not a terminal.
    ProgressBar progress(const std::string& label) const;

    // Opens an artifact; on failure reports it (exit code 3) and returns null.
    std::shared_ptr<io::Artifact> openArtifact(const std::filesystem::path& path, int& exitCode);

    // One line on stderr; with --json also a tensorscope.error/1 document on stdout. Returns `exitCode`.
    int reportError(const io::Status& status, int exitCode);
};

} // namespace tscope::cli
