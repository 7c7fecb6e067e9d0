// verify beyond the tensor bundle: the parts of an artifact that are not CRC-protected tensors. Missing
// or unusable variables of a SavedModel, assets the graph lists but the directory lacks, and checkpoint
// state entries that point nowhere are damage; an absolute state path from another machine (normal
// after copying a directory) is a warning. fingerprint.pb's hashes are recomputed
// (saved_model_fingerprint.h): a mismatch, or a fingerprint.pb that does not parse, is damage; a hash
// that cannot be recomputed exactly is a warning that says why it was not checked.
#pragma once

#include "io/artifact.h"
#include "io/bundle_reader.h"
#include "io/saved_model_fingerprint.h"

#include <optional>
#include <string>
#include <vector>

namespace tscope::io {

// Adds problems (damage) to `report` and remarks to `warnings`; `fingerprint`, when given, receives the
// per-field comparison of a SavedModel's fingerprint.pb (left empty without one).
void verifyArtifactParts(const Artifact& artifact, VerifyReport& report, std::vector<Status>& warnings,
    std::optional<FingerprintCheck>* fingerprint = nullptr);

// One line per field for text output: "saved_model_checksum: matches (1234...)".
std::string fingerprintFieldText(const FingerprintFieldCheck& field);

} // namespace tscope::io
