// Ctrl-C for tensorscope-cli: the first SIGINT only raises a flag that progress callbacks read (the
// running operation then cancels through its io::CancelToken and the command exits 130); the handler
// resets itself, so a second Ctrl-C kills the process as usual.
#pragma once

namespace tscope::cli {

void installInterruptHandler(); // once, from main
bool interruptRequested(); // a SIGINT arrived since the handler was installed
void requestInterrupt(); // what the handler does; for tests

} // namespace tscope::cli
