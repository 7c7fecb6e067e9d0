// `verify PATH`: checks every index block and tensor CRC; exit 4 if damaged (tensorscope.verify/1).
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

void writeJson(const io::VerifyReport& report, const std::vector<io::Status>& warnings, std::ostream& out)
{
    json::JsonWriter w(out);
    w.beginObject();
    w.field("schema", "tensorscope.verify/1");
    w.field("ok", report.ok);
    w.field("files_checked", report.filesChecked);
    w.field("blocks_checked", report.blocksChecked);
    w.field("tensors_checked", report.tensorsChecked);
    w.field("bytes_checked", report.bytesChecked);
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

void writeText(const io::VerifyReport& report, const std::vector<io::Status>& warnings, std::ostream& out)
{
    out << (report.ok ? "OK" : "DAMAGED") << ": " << report.filesChecked << " files, " << report.blocksChecked
        << " index blocks, " << report.tensorsChecked << " tensors, " << humanBytes(report.bytesChecked)
        << " checked\n";
    for (const auto& p : report.problems)
        out << "  " << cleanText(p.toString()) << "\n";
    for (const auto& w : warnings)
        out << "Warning: " << cleanText(io::warningText(w)) << "\n";
}

class VerifyCommand final : public ArtifactCommand {
public:
    const char* name() const override { return "verify"; }
    const char* summary() const override
    {
        return "check every index block and tensor CRC (exit 4 if damaged)";
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
        std::vector<io::Status> warnings; // the rest of the artifact: variables/, assets, the state file
        io::verifyArtifactParts(artifact, report, warnings);
        if (json())
            writeJson(report, warnings, context.out);
        else
            writeText(report, warnings, context.out);
        return report.ok ? kExitOk : kExitDamaged;
    }
};

} // namespace

std::unique_ptr<Command> makeVerifyCommand()
{
    return std::make_unique<VerifyCommand>();
}

} // namespace tscope::cli
