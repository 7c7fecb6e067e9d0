// `info PATH`: kind, TensorFlow version, variable and parameter counts (tensorscope.info/1).
#include "app/cli/command.h"
#include "app/cli/exit_codes.h"
#include "app/cli/text_output.h"
#include "io/dtype.h"
#include "io/json/json_writer.h"
#include "io/status.h"

#include <CLI/CLI.hpp>
#include <array>
#include <iomanip>
#include <ostream>

namespace tscope::cli {
namespace {

// Optimizer slots per link confidence (index = io::SlotLinkConfidence).
std::array<uint64_t, 5> slotLinkCounts(const io::Artifact& a)
{
    std::array<uint64_t, 5> n {};
    for (const auto& an : a.tree.annotations)
        ++n[static_cast<size_t>(an.details().slotLink.confidence)];
    return n;
}

void writeJson(const io::Artifact& a, std::ostream& out)
{
    const auto totals = a.totals();
    const auto opt = a.optimizerTotals();
    json::JsonWriter w(out);
    w.beginObject();
    w.field("schema", "tensorscope.info/1");
    w.textField("path", a.location.input.string());
    w.field("kind", io::artifactKindName(a.location.kind));
    w.field("format", a.format());
    if (a.tensorflowVersion.empty())
        w.nullField("tensorflow_version");
    else
        w.field("tensorflow_version", a.tensorflowVersion);
    if (a.bundle)
        w.textField("checkpoint_prefix", a.bundle->prefix().string());
    else
        w.nullField("checkpoint_prefix");
    w.field("variable_count", totals.variables);
    w.field("parameters", totals.parameters);
    w.field("bytes", totals.bytes);
    w.key("by_dtype");
    w.beginArray();
    for (const auto& d : a.totalsByDtype()) {
        w.beginObject();
        w.field("dtype", io::dtypeName(d.dtype));
        w.field("variables", d.variables);
        w.field("parameters", d.parameters);
        w.field("bytes", d.bytes);
        w.endObject();
    }
    w.endArray();
    w.key("optimizer");
    w.beginObject();
    w.field("variables", opt.variables);
    w.field("parameters", opt.parameters);
    w.field("bytes", opt.bytes);
    w.endObject();
    const auto weights = a.modelWeightTotals();
    w.key("model_weights");
    w.beginObject();
    w.field("variables", weights.variables);
    w.field("parameters", weights.parameters);
    w.field("bytes", weights.bytes);
    w.endObject();
    w.key("slot_links");
    w.beginObject();
    const auto links = slotLinkCounts(a);
    for (size_t c = 1; c < links.size(); ++c)
        w.field(io::slotLinkConfidenceName(static_cast<io::SlotLinkConfidence>(c)), links[c]);
    w.endObject();
    w.key("checkpoints");
    w.beginArray();
    if (a.location.run)
        for (const auto& c : a.location.run->checkpoints) {
            w.beginObject();
            w.textField("prefix", c.prefix.string());
            if (c.timestamp)
                w.field("timestamp", *c.timestamp);
            else
                w.nullField("timestamp");
            w.field("latest", c.latest);
            w.field("exists", c.exists);
            w.endObject();
        }
    w.endArray();
    w.key("warnings");
    w.beginArray();
    for (const auto& s : a.warnings)
        w.value(io::warningText(s));
    w.endArray();
    w.endObject();
}

void writeText(const io::Artifact& a, std::ostream& out)
{
    const auto totals = a.totals();
    const auto opt = a.optimizerTotals();
    out << "Path:        " << a.location.input.string() << "\n";
    out << "Kind:        " << io::artifactKindName(a.location.kind) << " (" << a.format() << ")\n";
    out << "TensorFlow:  " << (a.tensorflowVersion.empty() ? "unknown" : a.tensorflowVersion) << "\n";
    if (a.bundle) out << "Checkpoint:  " << a.bundle->prefix().string() << "\n";
    out << "Variables:   " << withThousands(totals.variables) << " (" << withThousands(totals.parameters)
        << " parameters, " << humanBytes(totals.bytes) << ")\n";
    const auto weights = a.modelWeightTotals();
    out << "Weights:     " << withThousands(weights.variables) << " (" << withThousands(weights.parameters)
        << " parameters, " << humanBytes(weights.bytes) << "; no optimizer state, Keras 3 twins once)\n";
    if (opt.variables)
        out << "Optimizer:   " << withThousands(opt.variables) << " variables, "
            << withThousands(opt.parameters) << " parameters, " << humanBytes(opt.bytes) << "\n";
    const auto links = slotLinkCounts(a);
    if (links[1] + links[2] + links[3] + links[4] > 0) {
        out << "Slot links:  ";
        const char* sep = "";
        for (size_t c = 1; c < links.size(); ++c)
            if (links[c]) {
                out << sep << links[c] << " "
                    << io::slotLinkConfidenceName(static_cast<io::SlotLinkConfidence>(c));
                sep = ", ";
            }
        out << "\n";
    }
    auto by = a.totalsByDtype();
    if (!by.empty()) {
        out << "By dtype:\n";
        for (const auto& d : by)
            out << "  " << std::left << std::setw(12) << io::dtypeName(d.dtype) << std::right << std::setw(8)
                << d.variables << " variables " << std::setw(14) << withThousands(d.parameters)
                << " parameters " << std::setw(11) << humanBytes(d.bytes) << "\n";
    }
    if (a.location.run && a.location.run->checkpoints.size() > 0) {
        out << "Checkpoints in this run (" << a.location.run->checkpoints.size() << "):\n";
        for (const auto& c : a.location.run->checkpoints)
            out << "  " << (c.latest ? "* " : "  ") << cleanText(c.prefix.filename().string())
                << (c.exists ? "" : "  (missing)") << "\n";
    }
    for (const auto& s : a.warnings)
        out << "Warning: " << cleanText(io::warningText(s)) << "\n";
}

class InfoCommand final : public ArtifactCommand {
public:
    const char* name() const override { return "info"; }
    const char* summary() const override { return "kind, TensorFlow version, variable and parameter counts"; }

protected:
    bool needsDisplayTree() const override { return false; } // counts come from the entries and annotations
    int runOn(const io::Artifact& artifact, CommandContext& context) override
    {
        if (json())
            writeJson(artifact, context.out);
        else
            writeText(artifact, context.out);
        return kExitOk;
    }
};

} // namespace

std::unique_ptr<Command> makeInfoCommand()
{
    return std::make_unique<InfoCommand>();
}

} // namespace tscope::cli
