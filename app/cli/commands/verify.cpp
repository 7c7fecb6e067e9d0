// `verify PATH`: checks every index block and tensor CRC, and a SavedModel's other parts (variables/,
// assets, fingerprint.pb's hashes); exit 4 if damaged (tensorscope.verify/1).
#include "app/cli/command.h"
#include "app/cli/exit_codes.h"
#include "app/cli/json_output.h"
#include "app/cli/text_output.h"
#include "io/artifact_verify.h"
#include "model/kernels/compute_pool.h"

#include <CLI/CLI.hpp>
#include <ostream>

namespace tscope::cli {
namespace {

const char* verdictName(io::FingerprintVerdict v)
{
    switch (v) {
    case io::FingerprintVerdict::Match:
        return "match";
    case io::FingerprintVerdict::Mismatch:
        return "mismatch";
    case io::FingerprintVerdict::NotRecomputable:
        return "not_checked";
    }
    return "?";
}

// 64-bit hashes as decimal strings: JSON readers lose integers above 2^53.
void writeFingerprintJson(json::JsonWriter& w, const io::FingerprintCheck& check)
{
    w.key("fingerprint");
    w.beginObject();
    w.field("producer", check.record.producer);
    w.field("uuid", check.record.uuid);
    w.key("fields");
    w.beginArray();
    for (const auto& f : check.fields) {
        w.beginObject();
        w.field("field", io::fingerprintFieldName(f.field));
        w.field("file", io::fingerprintFieldFile(f.field));
        w.field("status", verdictName(f.verdict));
        w.field("recorded", std::to_string(f.expected));
        if (f.computed) w.field("computed", std::to_string(*f.computed));
        if (!f.note.empty()) w.field("note", f.note);
        w.endObject();
    }
    w.endArray();
    w.endObject();
}

void writeJson(const io::VerifyReport& report, const std::vector<io::Status>& warnings,
    const std::optional<io::FingerprintCheck>& fingerprint, std::ostream& out)
{
    json::JsonWriter w(out);
    w.beginObject();
    w.field("schema", "tensorscope.verify/1");
    w.field("ok", report.ok);
    w.field("files_checked", report.filesChecked);
    w.field("blocks_checked", report.blocksChecked);
    w.field("tensors_checked", report.tensorsChecked);
    w.field("bytes_checked", report.bytesChecked);
    if (fingerprint) writeFingerprintJson(w, *fingerprint);
    w.key("problems");
    w.beginArray();
    for (const auto& p : report.problems)
        writeStatusObject(w, p);
    w.endArray();
    w.key("warnings");
    w.beginArray();
    for (const auto& warning : warnings)
        w.value(io::warningText(warning));
    w.endArray();
    w.endObject();
}

void writeText(const io::VerifyReport& report, const std::vector<io::Status>& warnings,
    const std::optional<io::FingerprintCheck>& fingerprint, std::ostream& out)
{
    out << (report.ok ? "OK" : "DAMAGED") << ": " << report.filesChecked << " files, " << report.blocksChecked
        << " index blocks, " << report.tensorsChecked << " tensors, " << humanBytes(report.bytesChecked)
        << " checked\n";
    for (const auto& p : report.problems)
        out << "  " << cleanText(p.toString()) << "\n";
    if (fingerprint) {
        out << "fingerprint.pb:\n";
        for (const auto& f : fingerprint->fields)
            out << "  " << cleanText(io::fingerprintFieldText(f)) << "\n";
    }
    for (const auto& w : warnings)
        out << "Warning: " << cleanText(io::warningText(w)) << "\n";
}

class VerifyCommand final : public ArtifactCommand {
public:
    const char* name() const override { return "verify"; }
    const char* summary() const override
    {
        return "check every index block and tensor CRC and fingerprint.pb's hashes (exit 4 if damaged)";
    }

protected:
    int runOn(const io::Artifact& artifact, CommandContext& context) override
    {
        io::VerifyReport report;
        if (artifact.bundle) {
            auto bar = context.progress("Verifying");
            report = artifact.bundle->verify(
                &context.cancel, context.progressCallback(bar), model::sharedExecutor());
            if (context.cancelled()) return context.reportCancelled();
        }
        std::vector<io::Status> warnings; // the rest: variables/, assets, fingerprint.pb, the state file
        std::optional<io::FingerprintCheck> fingerprint;
        io::verifyArtifactParts(artifact, report, warnings, &fingerprint);
        if (json())
            writeJson(report, warnings, fingerprint, context.out);
        else
            writeText(report, warnings, fingerprint, context.out);
        return report.ok ? kExitOk : kExitDamaged;
    }
};

} // namespace

std::unique_ptr<Command> makeVerifyCommand()
{
    return std::make_unique<VerifyCommand>();
}

} // namespace tscope::cli
