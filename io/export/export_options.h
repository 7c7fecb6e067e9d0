// What every export takes: overwrite permission, cancel token and progress (in bytes of tensor data).
// Every writer goes through AtomicFile, so a failed or cancelled export leaves no partial output.
#pragma once

#include "io/atomic_file.h"
#include "io/cancel.h"

namespace tscope::io {

struct ExportOptions {
    bool replaceExisting = false; // --force: an existing output is replaced (atomically), else refused
    const CancelToken* cancel = nullptr;
    ProgressFn progress;
    Durability durability = Durability::Renamed; // --sync: Durable (fsync before the rename)
};

} // namespace tscope::io
