#include "io/artifact_verify.h"

namespace tscope::io {

void verifyArtifactParts(const Artifact& a, VerifyReport& report, std::vector<Status>& warnings)
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
        if (sm.fingerprint)
            warnings.push_back(Status(ErrorCode::Note,
                "fingerprint.pb not checked: saved_model_checksum and checkpoint_hash are FarmHash "
                "Fingerprint64 "
                "values (of TensorFlow's deterministic re-serialization and of variables.index), and the "
                "graph, "
                "signature and object-graph hashes need TensorFlow's regularization; none is recomputed"));
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
