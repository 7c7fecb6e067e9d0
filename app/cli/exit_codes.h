// The exit codes of tensorscope-cli (docs/CLI.md); scripts depend on them, so they never change meaning.
#pragma once

namespace tscope::cli {

enum ExitCode {
    kExitOk = 0,
    kExitDifferent = 1, // diff: something differs; check: the checkpoint does not fit
    kExitUsage = 2,
    kExitOpenFailed = 3,
    kExitDamaged = 4,
    kExitNoSuchVariable = 5,
    kExitMappingRefused = 6, // export savedmodel: missing or mismatched variables, unaccepted fallbacks
    kExitNotWritten = 7, // export: the output exists (no --force), cannot be written, or cannot hold a dtype
    kExitInterrupted = 130, // Ctrl-C, as shells report a process that SIGINT ended (128 + 2)
};

} // namespace tscope::cli
