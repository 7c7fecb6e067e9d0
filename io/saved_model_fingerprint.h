// A SavedModel's fingerprint.pb (TensorFlow's FingerprintDef): read it, recompute its hashes from the
// files, and compare. FORMATS.md §4.7 lists the fields; exactly how TensorFlow 2.11 to 2.21 computes
// them (checked against TensorFlow-written files), all FarmHash Fingerprint64 (`fp`) combined with
// FingerprintCat64 (`cat`):
//   saved_model_checksum    fp(deterministic re-serialization of the parsed saved_model.pb)
//   graph_def_program_hash  fp(deterministic serialization of meta_graphs[0].graph_def after TF's
//                           "simple delete": function-call UIDs and config_proto, string Const values,
//                           library and versions emptied)
//   signature_def_hash      cat over signatures sorted by key of fp(key) (TF >= 2.13; not before) and
//                           fp(deterministic SignatureDef)
//   saved_object_graph_hash cat over concrete functions sorted by name UID of fp(name without UID) and
//                           fp(deterministic SavedConcreteFunction)
//   checkpoint_hash         fp(bytes of variables/variables.index), 0 when it cannot be read
// TensorFlow 2.11 (version producer 0) stored graph_def_checksum in field 1 instead: fp(deterministic
// meta_graphs[0].graph_def), not regularized.
// A field is recomputed only when our schema knows every field of the messages it covers (unknown
// fields would be re-serialized in another order than TensorFlow's); otherwise it is not recomputable.
#pragma once

#include "io/status.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tensorflow {
class SavedModel;
}

namespace tscope::io {

enum class FingerprintField {
    SavedModelChecksum,
    GraphDefProgramHash,
    SignatureDefHash,
    SavedObjectGraphHash,
    CheckpointHash,
};
inline constexpr size_t kFingerprintFieldCount = 5;
const char* fingerprintFieldName(FingerprintField field); // TensorFlow's name, "saved_model_checksum"
// The file a field's hash covers, relative to the SavedModel directory.
const char* fingerprintFieldFile(FingerprintField field);

// What fingerprint.pb holds.
struct FingerprintRecord {
    std::array<uint64_t, kFingerprintFieldCount> values {}; // indexed by FingerprintField
    int64_t producer = 0; // version.producer: 0 (TF 2.11), 1 (2.12-2.17), 4 (2.21)
    std::string uuid; // newer TF only; random, not a hash
    bool hasUnknownFields = false; // written by a newer TensorFlow: accepted
    uint64_t operator[](FingerprintField f) const { return values[static_cast<size_t>(f)]; }
};

// Parses `file` strictly (a protobuf that does not parse, a Git LFS pointer, a directory: Corrupt/Io).
Result<FingerprintRecord> readFingerprintFile(const std::filesystem::path& file);

// The fields recomputed from the files; a field we cannot recompute exactly is nullopt with a reason.
struct ComputedFingerprint {
    std::array<std::optional<uint64_t>, kFingerprintFieldCount> values;
    std::array<std::string, kFingerprintFieldCount> whyNot;
    // signature_def_hash as TensorFlow 2.11/2.12 computed it (without the keys).
    std::optional<uint64_t> signatureDefHashWithoutKeys;
    // Field 1 as TensorFlow 2.11 (producer 0) computed it; only when asked for (`producer` 0).
    std::optional<uint64_t> graphDefChecksum;
    std::string graphDefChecksumWhyNot;
    std::optional<uint64_t> operator[](FingerprintField f) const { return values[static_cast<size_t>(f)]; }
    bool complete() const;
};

// Recomputes from the parsed binary saved_model.pb and `directory`/variables/variables.index, with the
// formulas of the fingerprint's version producer (the current ones unless it is 0).
ComputedFingerprint computeFingerprint(
    const tensorflow::SavedModel& savedModel, const std::filesystem::path& directory, int64_t producer = 1);
// Reads `directory`/saved_model.pb itself (Corrupt if it does not parse, Unsupported for .pbtxt only).
Result<ComputedFingerprint> computeFingerprint(const std::filesystem::path& directory, int64_t producer = 1);

// The serialized FingerprintDef TensorFlow's current writer would produce for `directory` (version
// producer 1, no uuid), for exporters; an error when any field is not recomputable.
Result<std::string> fingerprintFileContent(const std::filesystem::path& directory);

enum class FingerprintVerdict {
    Match,
    Mismatch,
    NotRecomputable,
};

struct FingerprintFieldCheck {
    FingerprintField field;
    uint64_t expected = 0; // from fingerprint.pb
    std::optional<uint64_t> computed;
    FingerprintVerdict verdict = FingerprintVerdict::NotRecomputable;
    std::string note; // why not recomputable, or which formula matched
};

struct FingerprintCheck {
    FingerprintRecord record;
    std::vector<FingerprintFieldCheck> fields; // in FingerprintField order
    const FingerprintFieldCheck& operator[](FingerprintField f) const
    {
        return fields[static_cast<size_t>(f)];
    }
};

FingerprintCheck compareFingerprint(const FingerprintRecord& record, const ComputedFingerprint& computed);

// Reads fingerprint.pb and recomputes; `parsed` (the binary saved_model.pb already parsed) saves a parse.
Result<FingerprintCheck> checkFingerprint(
    const std::filesystem::path& directory, const tensorflow::SavedModel* parsed = nullptr);

} // namespace tscope::io
