// Whether a SavedModel's graph needs variables that its `variables/` directory cannot provide: missing,
// a directory or FIFO named variables.index, a symlink loop, `variables` linked elsewhere, unreadable.
// Such a SavedModel is damaged (verify exits 4, info warns), not a model with 0 variables.
#pragma once

#include "io/saved_model_reader.h"
#include "io/status.h"

#include <filesystem>

namespace tscope::io {

// How many variables the graph declares (object-graph variable nodes, or variable ops when there is no
// object graph).
uint64_t savedModelVariableCount(const SavedModelInfo& info);

// Ok when the graph declares no variables; otherwise why `dir/variables/variables.index` cannot be
// opened (NotFound, PermissionDenied, InvalidArgument, Io), naming the file.
Status savedModelVariablesProblem(const SavedModelInfo& info, const std::filesystem::path& dir);

} // namespace tscope::io
