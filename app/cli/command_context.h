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

// For a process that ends right after its command (tensorscope-cli's main, which then calls
// exitWithoutTeardown): artifacts opened from then on are kept until the process ends and left to the
// operating system, instead of being freed record by record (at 100,000 variables that was ~10% of `info`).
void keepArtifactsUntilExit();
// Flushes the standard streams and ends the process without running destructors.
[[noreturn]] void exitWithoutTeardown(int exitCode);

struct CommandContext {
    CommandContext(std::ostream& output, std::ostream& errors, bool jsonMode = false, bool terminal = false)
        : out(output)
        , err(errors)
        , json(jsonMode)
        , stderrIsTerminal(terminal)
    { }

    std::ostream& out;
    std::ostream& err;
    bool json = false; // set by the command from its --json option before it writes anything
    bool stderrIsTerminal = false;
    bool stdoutIsTerminal = false; // ls --json is compact unless a person reads it

    // Set when Ctrl-C asks the running operation to stop; pass it to every long io or model call.
    io::CancelToken cancel;

    // A progress bar on `err` for a long step, or a silent one: never in JSON mode, never when stderr is
    // not a terminal.
    ProgressBar progress(const std::string& label) const;
    // The callback to give a long operation: draws `bar` and returns false once Ctrl-C was pressed, so
    // the operation cancels (always non-empty, also when the bar is silent).
    io::ProgressFn progressCallback(ProgressBar& bar) const;
    // True once Ctrl-C was pressed or `cancel` was set.
    bool cancelled() const;
    // The one line "tensorscope-cli: cancelled" on stderr (once); returns 130.
    int reportCancelled();

    // Opens an artifact; on failure reports it (exit code 3) and returns null.
    std::shared_ptr<io::Artifact> openArtifact(
        const std::filesystem::path& path, int& exitCode, bool displayTree = true);

    // One line on stderr; with --json also a tensorscope.error/1 document on stdout. Returns `exitCode`.
    int reportError(const io::Status& status, int exitCode);

    bool cancelReported = false;
};

} // namespace tscope::cli
