#include "io/artifact_verify.h"

#include "io/keras_metadata.h"
#include "saved_model.pb.h"

#include <filesystem>

namespace tscope::io {
namespace {

// fingerprint.pb against the files: mismatches are damage, hashes we cannot recompute are warnings.
void verifyFingerprint(const SavedModelInfo& sm, VerifyReport& report, std::vector<Status>& warnings,
    std::optional<FingerprintCheck>* out)
{
    const auto file = sm.directory / "fingerprint.pb";
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(file, ec))) return; // optional file
    auto damage = [&](Status s) {
        report.ok = false;
        report.problems.push_back(std::move(s));
    };
    if (sm.textFormat) {
        warnings.push_back(Status(ErrorCode::Note,
            "fingerprint.pb not checked: TensorFlow computes it from saved_model.pb, and this SavedModel "
            "is saved_model.pbtxt")
                               .withPath(file.string()));
        return;
    }
    auto check = checkFingerprint(sm.directory, sm.proto.get());
    if (!check) {
        Status s = check.status();
        if (s.path().empty()) s.withPath(file.string());
        damage(std::move(s));
        return;
    }
    report.filesChecked += 1;
    for (const auto& f : check->fields) {
        const std::string name = fingerprintFieldName(f.field);
        if (f.verdict == FingerprintVerdict::NotRecomputable) {
            warnings.push_back(Status(ErrorCode::Note, "fingerprint.pb: " + name + " not checked: " + f.note)
                                   .withPath(file.string()));
        } else if (f.verdict == FingerprintVerdict::Mismatch) {
            damage(Status(ErrorCode::ChecksumMismatch,
                std::string(fingerprintFieldFile(f.field)) + " does not match fingerprint.pb's " + name
                    + " (recorded " + std::to_string(f.expected) + ", computed " + std::to_string(*f.computed)
                    + "): one of the two files changed since TensorFlow wrote them")
                       .withPath((sm.directory / fingerprintFieldFile(f.field)).string()));
        }
    }
    if (check->record.hasUnknownFields)
        warnings.push_back(Status(ErrorCode::Note,
            "fingerprint.pb has fields this version does not know (a newer TensorFlow); they are not checked")
                               .withPath(file.string()));
    if (out) *out = std::move(*check);
}

} // namespace

std::string fingerprintFieldText(const FingerprintFieldCheck& f)
{
    std::string text = std::string(fingerprintFieldName(f.field)) + ": ";
    switch (f.verdict) {
    case FingerprintVerdict::Match:
        text += "matches (" + std::to_string(f.expected) + ")";
        break;
    case FingerprintVerdict::Mismatch:
        text += "MISMATCH (recorded " + std::to_string(f.expected) + ", computed "
            + std::to_string(*f.computed) + ")";
        break;
    case FingerprintVerdict::NotRecomputable:
        text += "not checked";
        break;
    }
    if (!f.note.empty()) text += " - " + f.note;
    return text;
}

void verifyArtifactParts(const Artifact& a, VerifyReport& report, std::vector<Status>& warnings,
    std::optional<FingerprintCheck>* fingerprint)
{
    auto damage = [&](Status s) {
        report.ok = false;
        report.problems.push_back(std::move(s));
    };
    if (!a.bundle && !a.bundleStatus.isOk()) damage(a.bundleStatus);
    if (a.savedModel) {
        const auto& sm = *a.savedModel;
        for (const auto& mg : sm.metaGraphs)
            for (const auto& asset : mg.assets) {
                if (!asset.safeName)
                    damage(
                        Status(ErrorCode::Corrupt, "asset '" + asset.filename + "' would lie outside assets/")
                            .withPath((sm.directory / "saved_model.pb").string()));
                else if (!asset.exists)
                    damage(Status(
                        ErrorCode::NotFound, "asset '" + asset.filename + "' listed by the graph is missing")
                               .withPath((sm.directory / "assets" / asset.filename).string()));
            }
        verifyFingerprint(sm, report, warnings, fingerprint);
        if (sm.hasKerasMetadata) {
            Status s = verifyKerasMetadataFile(sm.directory / "keras_metadata.pb");
            if (!s.isOk()) damage(std::move(s));
        }
    }
    if (a.location.run)
        for (const auto& c : a.location.run->checkpoints) {
            if (c.exists) continue;
            Status s = Status(
                c.recordedPath.empty() || c.recordedPath[0] != '/' ? ErrorCode::NotFound : ErrorCode::Note,
                "the checkpoint state file lists '" + c.recordedPath + "', which does not exist")
                           .withPath(a.location.run->file.string());
            if (s.code() == ErrorCode::Note) // an absolute path from the machine that wrote it
                warnings.push_back(std::move(s));
            else
                damage(std::move(s));
        }
}

} // namespace tscope::io
