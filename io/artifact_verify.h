// verify beyond the tensor bundle: the parts of an artifact that are not CRC-protected tensors. Missing
// or unusable variables of a SavedModel, assets the graph lists but the directory lacks, and checkpoint
// state entries that point nowhere are damage; an absolute state path from another machine (normal
// after copying a directory) is a warning. What cannot be recomputed exactly is reported as not checked.
#pragma once

#include "io/artifact.h"
#include "io/bundle_reader.h"

#include <vector>

namespace tscope::io {

// Adds problems (damage) to `report` and remarks to `warnings`.
void verifyArtifactParts(const Artifact& artifact, VerifyReport& report, std::vector<Status>& warnings);

} // namespace tscope::io
