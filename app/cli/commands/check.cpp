// `check CKPT TARGET`: does the checkpoint fit the target (a SavedModel or another checkpoint)? It fits
// when every variable of TARGET has a match in CKPT (mapping engine: object graph, names, --map rules)
// with the same dtype and shape, which is when TensorFlow's
// tf.train.Checkpoint(model=...).read(CKPT).assert_existing_objects_matched() succeeds on TARGET's model.
// Variables only in CKPT (the optimizer, save_counter) are reported as unexpected, never a failure.
// TARGET's optimizer state and its Keras `keras_api/` subtree (metrics that Keras 2 adds to a SavedModel
// for serialization only, never to checkpoints) are compared when CKPT has them but not required, like
// TensorFlow, which only asks that the model's own objects find their values.
// Only the indexes and object graphs are read. Exit 0 fits, 1 does not (tensorscope.check/1).
#include "app/cli/command.h"
#include "app/cli/common_arguments.h"
#include "app/cli/compare_output.h"
#include "app/cli/exit_codes.h"
#include "app/cli/json_output.h"
#include "io/compare/pair_status.h"
#include "io/compare/variable_mapping.h"
#include "model/compare/checkpoint_fit.h"

#include <CLI/CLI.hpp>
#include <ostream>

namespace tscope::cli {
namespace {

using CheckReport = model::FitReport;

void writeEntry(json::JsonWriter& w, const io::Artifact& artifact, int index)
{
    const auto& e = artifact.bundle->entries()[static_cast<size_t>(index)];
    const auto& note = artifact.tree.annotations[static_cast<size_t>(index)];
    w.beginObject();
    w.textField("key", e.key);
    w.field("object_path", note.objectPath);
    w.field("dtype", io::dtypeName(e.dtype));
    w.key("shape");
    writeShape(w, e.shape);
    w.field("optimizer_state", note.optimizerState);
    w.endObject();
}

void writeJson(const CheckReport& r, const CompareSides& sides, std::ostream& out)
{
    json::JsonWriter w(out);
    w.beginObject();
    w.field("schema", "tensorscope.check/1");
    w.key("checkpoint");
    writeSideJson(w, sides.a);
    w.key("target");
    writeSideJson(w, sides.b);
    w.field("fits", r.fits());
    w.key("mapping");
    writeMappingJson(w, r.mapping, sides.rules);
    w.key("summary");
    w.beginObject();
    w.field("target_variables", r.targetVariables);
    w.field("matched", static_cast<uint64_t>(r.mapping.matches.size() - r.mismatched.size()));
    w.field("missing", static_cast<uint64_t>(r.missing.size()));
    w.field("optional_missing", static_cast<uint64_t>(r.optionalMissing.size()));
    w.field("mismatched", static_cast<uint64_t>(r.mismatched.size()));
    w.field("unexpected", static_cast<uint64_t>(r.unexpected.size()));
    w.endObject();
    w.key("missing");
    w.beginArray();
    for (int j : r.missing)
        writeEntry(w, sides.b, j);
    w.endArray();
    w.key("optional_missing");
    w.beginArray();
    for (int j : r.optionalMissing)
        writeEntry(w, sides.b, j);
    w.endArray();
    w.key("mismatched");
    w.beginArray();
    for (const auto& mm : r.mismatched) {
        w.beginObject();
        w.field("problem", mm.what);
        w.key("checkpoint");
        writeEntry(w, sides.a, mm.match.a);
        w.key("target");
        writeEntry(w, sides.b, mm.match.b);
        w.key("match");
        writeMatchJson(w, mm.match, sides.rules);
        w.endObject();
    }
    w.endArray();
    w.key("unexpected");
    w.beginArray();
    for (int i : r.unexpected)
        writeEntry(w, sides.a, i);
    w.endArray();
    w.endObject();
}

void writeText(const CheckReport& r, const CompareSides& sides, std::ostream& out)
{
    auto line = [](const io::Artifact& art, int i) {
        const auto& e = art.bundle->entries()[static_cast<size_t>(i)];
        return e.key + "  " + io::dtypeName(e.dtype) + io::shapeToString(e.shape);
    };
    out << (r.fits() ? "fits" : "does not fit") << ": " << r.mapping.matches.size() - r.mismatched.size()
        << " of " << r.targetVariables << " target variables matched, " << r.missing.size() << " missing, "
        << r.mismatched.size() << " mismatched, " << r.unexpected.size() << " unexpected in the checkpoint";
    if (!r.optionalMissing.empty())
        out << ", " << r.optionalMissing.size() << " optional ones (optimizer, keras_api) absent";
    out << "\n";
    out << describeRoots(r.mapping) << "\n";
    for (int j : r.missing)
        out << "missing     " << line(sides.b, j) << "\n";
    for (int j : r.optionalMissing)
        out << "optional    " << line(sides.b, j) << "\n";
    for (const auto& mm : r.mismatched)
        out << "mismatched  " << mm.what << ": " << line(sides.a, mm.match.a) << "  vs target "
            << line(sides.b, mm.match.b) << "\n";
    for (int i : r.unexpected)
        out << "unexpected  " << line(sides.a, i)
            << (sides.a.tree.annotations[static_cast<size_t>(i)].optimizerState ? "  (optimizer)" : "")
            << "\n";
}

class CheckCommand final : public Command {
public:
    const char* name() const override { return "check"; }
    const char* summary() const override
    {
        return "does a checkpoint fit a SavedModel or checkpoint: missing, mismatched and unexpected "
               "variables";
    }
    void addArguments(CLI::App& app) override
    {
        app.add_option("CKPT", m_ckpt, "the checkpoint to restore (any path `info` accepts)")->required();
        app.add_option("TARGET", m_target, "the SavedModel or checkpoint whose variables must be filled")
            ->required();
        app.add_option("--map", m_rules, "REGEX=REPLACEMENT: rename CKPT's keys to TARGET's, as in `diff`");
        addJsonFlag(app, m_json);
    }
    int run(CommandContext& context) override
    {
        context.json = m_json;
        io::MappingOptions options;
        for (const auto& text : m_rules) {
            auto rule = io::parseMappingRule(text);
            if (!rule) return context.reportError(rule.status(), kExitUsage);
            options.rules.push_back(std::move(*rule));
        }
        int exitCode = 0;
        auto ckpt = context.openArtifact(m_ckpt, exitCode);
        if (!ckpt) return exitCode;
        auto target = context.openArtifact(m_target, exitCode);
        if (!target) return exitCode;
        const CheckReport report = model::checkFit(*ckpt, *target, options);
        const CompareSides sides { *ckpt, *target, options.rules };
        if (m_json)
            writeJson(report, sides, context.out);
        else
            writeText(report, sides, context.out);
        return report.fits() ? kExitOk : kExitDifferent;
    }

private:
    std::string m_ckpt, m_target;
    std::vector<std::string> m_rules;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> makeCheckCommand()
{
    return std::make_unique<CheckCommand>();
}

} // namespace tscope::cli
