// `ls PATH [--flat] [--no-slots] [--compact | --pretty]`: the variable tree with dtype, shape and size
// (tensorscope.ls/1).
#include "app/cli/command.h"
#include "app/cli/exit_codes.h"
#include "app/cli/json_output.h"
#include "app/cli/text_output.h"
#include "io/dtype.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <functional>
#include <ostream>

namespace tscope::cli {
namespace {

struct LsOptions {
    bool flat = false;
    bool noSlots = false;
    bool compact = false; // --json without whitespace
    bool pretty = false; // --json indented, also when stdout is no terminal
};

// Calls enter(node, depth) in depth-first pre-order and leave(node) after a node's subtree, without
// recursion (object graphs are bounded in depth, io/object_graph_walk.h, but a C++ stack is smaller).
// Slots are skipped with `noSlots`.
void walkTree(const io::Artifact& a, bool noSlots, const std::function<void(int, size_t)>& enter,
    const std::function<void(int)>& leave)
{
    struct Frame {
        int node;
        size_t next; // index of the next child to visit
    };
    auto skipped
        = [&](int c) { return noSlots && a.tree.nodes[static_cast<size_t>(c)].kind == io::NodeKind::Slot; };
    if (a.tree.nodes.empty()) return;
    std::vector<Frame> stack { { 0, 0 } };
    enter(0, 0);
    while (!stack.empty()) {
        Frame& f = stack.back();
        const auto& children = a.tree.nodes[static_cast<size_t>(f.node)].children;
        if (f.next < children.size()) {
            const int c = children[f.next++];
            if (skipped(c)) continue;
            enter(c, stack.size());
            stack.push_back({ c, 0 });
            continue;
        }
        leave(f.node);
        stack.pop_back();
    }
}

void writeTreeJson(json::JsonWriter& w, const io::Artifact& a, bool noSlots)
{
    walkTree(
        a, noSlots,
        [&](int node, size_t) {
            const auto& n = a.tree.nodes[static_cast<size_t>(node)];
            w.beginObject();
            w.textField("name", n.name);
            w.field("kind", io::nodeKindName(n.kind));
            if (n.entry >= 0)
                w.textField("key", a.bundle->entries()[static_cast<size_t>(n.entry)].key);
            else
                w.nullField("key");
            w.field("parameters", n.parameters);
            w.field("bytes", n.bytes);
            w.key("children");
            w.beginArray();
        },
        [&](int) {
            w.endArray();
            w.endObject();
        });
}

// How an optimizer slot is linked (also the inferred and undecidable ones); null for non-slots.
void writeSlotLinkJson(json::JsonWriter& w, const io::SlotLink& link)
{
    w.key("slot_link");
    if (link.confidence == io::SlotLinkConfidence::None) {
        w.null();
        return;
    }
    w.beginObject();
    w.field("confidence", io::slotLinkConfidenceName(link.confidence));
    if (link.variableKey.empty())
        w.nullField("variable");
    else
        w.textField("variable", link.variableKey);
    if (link.variablePath.empty())
        w.nullField("variable_path");
    else
        w.textField("variable_path", link.variablePath);
    if (link.slotName.empty())
        w.nullField("slot_name");
    else
        w.textField("slot_name", link.slotName);
    if (link.slotList.empty())
        w.nullField("slot_list");
    else
        w.textField("slot_list", link.slotList);
    w.textField("optimizer_path", link.optimizerPath);
    w.textField("reason", link.reason);
    w.endObject();
}

void writeVariableJson(json::JsonWriter& w, const io::TensorEntry& e, const io::EntryAnnotation& an)
{
    w.beginObject();
    w.textField("key", e.key);
    w.field("dtype", io::dtypeName(e.dtype));
    w.key("shape");
    writeShape(w, e.shape);
    w.field("parameters", e.elementCount());
    w.field("bytes", e.byteSize());
    w.field("shard", e.stored.shard);
    w.field("offset", e.stored.offset);
    w.field("partitioned", e.partitioned());
    w.field("kind", io::entryRoleName(an.role));
    if (an.objectPath.empty())
        w.nullField("object_path");
    else
        w.textField("object_path", an.objectPath);
    if (an.role == io::EntryRole::Slot) {
        w.textField("slot_of", an.details().slotOfKey);
        w.field("slot_name", an.details().slotName);
        w.field("optimizer_path", an.details().optimizerPath);
    } else {
        w.nullField("slot_of");
        w.nullField("slot_name");
        w.nullField("optimizer_path");
    }
    w.field("optimizer_state", an.optimizerState);
    writeSlotLinkJson(w, an.details().slotLink);
    if (an.details().foundAt.empty())
        w.nullField("found_at");
    else
        w.textField("found_at", an.details().foundAt);
    if (an.details().variableName.empty())
        w.nullField("variable_name");
    else
        w.textField("variable_name", an.details().variableName);
    if (an.details().twinOf.empty())
        w.nullField("twin_of");
    else
        w.textField("twin_of", an.details().twinOf);
    if (e.problem.isOk())
        w.nullField("problem");
    else
        w.field("problem", e.problem.message());
    w.endObject();
}

void writeJson(const io::Artifact& a, const LsOptions& o, std::ostream& out)
{
    {
        json::JsonWriter w(out, !o.compact);
        w.beginObject();
        w.field("schema", "tensorscope.ls/1");
        w.key("variables");
        w.beginArray();
        if (a.bundle) {
            const auto& entries = a.bundle->entries();
            for (size_t i = 0; i < entries.size(); ++i) {
                const auto& an = a.tree.annotations[i];
                if (o.noSlots && an.role == io::EntryRole::Slot) continue;
                writeVariableJson(w, entries[i], an);
            }
        }
        w.endArray();
        w.key("tree");
        writeTreeJson(w, a, o.noSlots);
        w.endObject();
    }
    if (o.compact) out << '\n'; // one line, ended like every other output
}

std::string entrySummary(const io::TensorEntry& e)
{
    std::string s = io::dtypeName(e.dtype) + io::shapeToString(e.shape);
    if (e.partitioned()) s += " partitioned(" + std::to_string(e.slices.size()) + ")";
    if (!e.problem.isOk()) s += "  [damaged: " + cleanText(e.problem.message()) + "]";
    return s;
}

void writeText(const io::Artifact& a, const LsOptions& o, std::ostream& out)
{
    if (!a.bundle) {
        out << "(no variables)\n";
        return;
    }
    const auto& entries = a.bundle->entries();
    if (o.flat) {
        for (size_t i = 0; i < entries.size(); ++i) {
            const auto& e = entries[i];
            if (o.noSlots && a.tree.annotations[i].role == io::EntryRole::Slot) continue;
            out << cleanText(e.key) << "  " << entrySummary(e) << "  " << humanBytes(e.byteSize()) << "\n";
        }
        return;
    }
    // Indentation stops growing at kMaxIndent levels (deeper lines say their depth), so the output stays
    // linear in the tree however deep it is.
    constexpr size_t kMaxIndent = 32;
    walkTree(
        a, o.noSlots,
        [&](int node, size_t depth) {
            const auto& n = a.tree.nodes[static_cast<size_t>(node)];
            std::string line(std::min(depth, kMaxIndent) * 2, ' ');
            if (depth > kMaxIndent) line += "[depth " + std::to_string(depth) + "] ";
            if (n.kind == io::NodeKind::Slot)
                line += "[slot " + cleanText(n.name) + " of " + cleanText(n.optimizerPath()) + "]";
            else
                line += n.name.empty() ? "(root)" : cleanText(n.name);
            if (!n.label().empty()) line += "  [" + cleanText(n.label()) + "]";
            if (n.entry >= 0) {
                const auto& e = entries[static_cast<size_t>(n.entry)];
                line += "  " + entrySummary(e) + "  " + humanBytes(e.byteSize());
            } else if (node != 0) {
                line += "/  (" + withThousands(n.parameters) + " params, " + humanBytes(n.bytes) + ")";
            } else {
                line += "  (" + withThousands(n.parameters) + " params, " + humanBytes(n.bytes) + ")";
            }
            out << line << "\n";
        },
        [](int) {});
}

class LsCommand final : public ArtifactCommand {
public:
    const char* name() const override { return "ls"; }
    const char* summary() const override { return "the variable tree with dtype, shape and size"; }

protected:
    void addOptions(CLI::App& app) override
    {
        app.add_flag(
            "--flat", m_options.flat, "one line per checkpoint key instead of the tree (text output)");
        app.add_flag("--no-slots", m_options.noSlots, "hide optimizer slots");
        auto* compact = app.add_flag("--compact", m_options.compact,
            "JSON without line breaks and indentation (about half the bytes for large checkpoints); the "
            "default when stdout is not a terminal");
        app.add_flag("--pretty", m_options.pretty,
               "JSON with line breaks and indentation; the default when stdout is a terminal")
            ->excludes(compact);
    }
    int runOn(const io::Artifact& artifact, CommandContext& context) override
    {
        if (json()) {
            LsOptions options = m_options;
            options.compact = m_options.compact || (!m_options.pretty && !context.stdoutIsTerminal);
            writeJson(artifact, options, context.out);
        } else
            writeText(artifact, m_options, context.out);
        return kExitOk;
    }

private:
    LsOptions m_options;
};

} // namespace

std::unique_ptr<Command> makeLsCommand()
{
    return std::make_unique<LsCommand>();
}

} // namespace tscope::cli
