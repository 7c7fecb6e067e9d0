#include "app/cli/compare_output.h"

#include "app/cli/json_output.h"
#include "io/element.h"

#include <map>
#include <ostream>

namespace tscope::cli {
namespace {

const io::TensorEntry* entryOf(const io::Artifact& artifact, int index)
{
    return index >= 0 ? &artifact.bundle->entries()[static_cast<size_t>(index)] : nullptr;
}

std::string statusText(const model::DiffRow& row)
{
    return row.status ? io::pairStatusName(*row.status) : "unreadable";
}

bool listed(const model::DiffRow& row, bool changedOnly)
{
    return !changedOnly || row.status != io::PairStatus::Identical;
}

void optionalField(json::JsonWriter& w, const char* name, const std::optional<double>& v)
{
    if (v)
        w.field(name, *v);
    else
        w.nullField(name);
}

struct Summary {
    std::map<std::string, uint64_t> byStatus;
    uint64_t elementsChanged = 0; // "parameters changed": elements whose bytes differ, over read pairs
    uint64_t variables = 0;
};

Summary summarize(const model::ArtifactDiff& diff)
{
    Summary s;
    for (const char* name :
        { "only_in_a", "only_in_b", "dtype_changed", "shape_changed", "identical", "changed", "unreadable" })
        s.byStatus[name] = 0;
    for (const auto& row : diff.rows) {
        ++s.byStatus[statusText(row)];
        if (row.metrics) s.elementsChanged += row.metrics->changed;
        ++s.variables;
    }
    return s;
}

void writeEntrySide(json::JsonWriter& w, const char* suffix, const io::TensorEntry* e)
{
    const std::string dtype = std::string("dtype_") + suffix, shape = std::string("shape_") + suffix;
    if (!e) {
        w.nullField(std::string("key_") + suffix);
        w.nullField(dtype);
        w.nullField(shape);
        return;
    }
    w.textField(std::string("key_") + suffix, e->key);
    w.field(dtype, io::dtypeName(e->dtype));
    w.key(shape);
    writeShape(w, e->shape);
}

void writeRowJson(json::JsonWriter& w, const model::ArtifactDiff& diff, const model::DiffRow& row,
    const CompareSides& sides)
{
    const auto* ea = entryOf(sides.a, row.a);
    const auto* eb = entryOf(sides.b, row.b);
    w.beginObject();
    w.textField("key", ea ? ea->key : eb->key);
    w.field("status", statusText(row));
    w.field("evidence", model::diffEvidenceName(row.evidence));
    writeEntrySide(w, "a", ea);
    writeEntrySide(w, "b", eb);
    if (row.match >= 0) {
        w.key("match");
        writeMatchJson(w, diff.mapping.matches[static_cast<size_t>(row.match)], sides.rules);
    } else {
        w.nullField("match");
    }
    const auto& m = row.metrics;
    const bool numeric = m && m->numeric;
    // Identical by checksum: the bytes are equal, so every difference is 0 without reading them.
    const bool sameBytes = !m && row.status == io::PairStatus::Identical;
    auto zeroOrNull = [&](const char* name, const std::optional<double>& v) {
        if (numeric)
            optionalField(w, name, v);
        else if (sameBytes)
            w.field(name, 0.0);
        else
            w.nullField(name);
    };
    zeroOrNull("max_abs_diff", m ? m->maxAbsDiff : std::nullopt);
    zeroOrNull("mean_abs_diff", m ? m->meanAbsDiff : std::nullopt);
    zeroOrNull("rms_diff", m ? m->rmsDiff : std::nullopt);
    optionalField(w, "rel_change", numeric ? m->relChange : std::nullopt);
    optionalField(w, "cosine", numeric ? m->cosine : std::nullopt);
    if (m)
        w.field("frac_changed", m->fracChanged());
    else if (sameBytes)
        w.field("frac_changed", 0.0);
    else
        w.nullField("frac_changed");
    if (m) {
        w.field("count", m->count);
        w.field("changed", m->changed);
        w.field("compared", m->compared);
        w.field("nan_a", m->nanA);
        w.field("inf_a", m->infA);
        w.field("nan_b", m->nanB);
        w.field("inf_b", m->infB);
    } else {
        for (const char* name : { "count", "changed", "compared", "nan_a", "inf_a", "nan_b", "inf_b" })
            w.nullField(name);
    }
    if (row.error.isOk()) {
        w.nullField("error");
    } else {
        w.key("error");
        writeStatusObject(w, row.error);
    }
    w.endObject();
}

} // namespace

void writeSideJson(json::JsonWriter& w, const io::Artifact& artifact)
{
    w.beginObject();
    w.field("path", artifact.location.input.string());
    w.field("format", artifact.format());
    w.endObject();
}

void writeMatchJson(
    json::JsonWriter& w, const io::VariableMatch& match, const std::vector<io::MappingRule>& rules)
{
    w.beginObject();
    w.field("method", io::matchMethodName(match.method));
    if (match.method == io::MatchMethod::ObjectGraph) {
        w.field("path_a", match.pathA);
        w.field("path_b", match.pathB);
    } else {
        w.nullField("path_a");
        w.nullField("path_b");
    }
    if (match.rule >= 0)
        w.field("rule", rules[static_cast<size_t>(match.rule)].text);
    else
        w.nullField("rule");
    w.endObject();
}

void writeMappingJson(
    json::JsonWriter& w, const io::VariableMapping& mapping, const std::vector<io::MappingRule>& rules)
{
    w.beginObject();
    w.field("object_graph", mapping.objectGraph);
    if (mapping.objectGraph) {
        w.field("root_a", mapping.rootA);
        w.field("root_b", mapping.rootB);
    } else {
        w.nullField("root_a");
        w.nullField("root_b");
    }
    w.key("rules");
    w.beginArray();
    for (const auto& r : rules)
        w.value(r.text);
    w.endArray();
    uint64_t byMethod[3] = { 0, 0, 0 };
    for (const auto& m : mapping.matches)
        ++byMethod[static_cast<int>(m.method)];
    w.field("by_object_graph", byMethod[0]);
    w.field("by_name", byMethod[1]);
    w.field("by_rule", byMethod[2]);
    w.key("warnings");
    w.beginArray();
    for (const auto& s : mapping.warnings)
        w.value(s.message());
    w.endArray();
    w.endObject();
}

std::string describeRoots(const io::VariableMapping& mapping)
{
    if (!mapping.objectGraph) return "variables matched by name (no object graph on both sides)";
    auto side = [](const std::string& p) { return p.empty() ? std::string("root") : p + "/"; };
    return "object graphs matched from A's " + side(mapping.rootA) + " and B's " + side(mapping.rootB);
}

void writeDiffJson(
    const model::ArtifactDiff& diff, const CompareSides& sides, bool changedOnly, std::ostream& out)
{
    const Summary s = summarize(diff);
    json::JsonWriter w(out);
    w.beginObject();
    w.field("schema", "tensorscope.diff/1");
    w.key("a");
    writeSideJson(w, sides.a);
    w.key("b");
    writeSideJson(w, sides.b);
    w.key("mapping");
    writeMappingJson(w, diff.mapping, sides.rules);
    w.key("summary");
    w.beginObject();
    w.field("variables", s.variables);
    for (const auto& [name, n] : s.byStatus)
        w.field(name, n);
    w.field("elements_changed", s.elementsChanged);
    w.endObject();
    w.key("variables");
    w.beginArray();
    for (const auto& row : diff.rows)
        if (listed(row, changedOnly)) writeRowJson(w, diff, row, sides);
    w.endArray();
    w.endObject();
}

void writeDiffText(
    const model::ArtifactDiff& diff, const CompareSides& sides, bool changedOnly, std::ostream& out)
{
    const Summary s = summarize(diff);
    out << describeRoots(diff.mapping) << "\n";
    out << "variables " << s.variables << ":";
    for (const auto& [name, n] : s.byStatus)
        if (n) out << "  " << name << " " << n;
    out << "  (" << s.elementsChanged << " elements changed)\n";
    for (const auto& row : diff.rows) {
        if (!listed(row, changedOnly)) continue;
        const auto* ea = entryOf(sides.a, row.a);
        const auto* eb = entryOf(sides.b, row.b);
        out << statusText(row) << "  " << (ea ? ea->key : eb->key);
        if (ea && eb && ea->key != eb->key) out << "  -> " << eb->key;
        if (row.status == io::PairStatus::DtypeChanged || row.status == io::PairStatus::ShapeChanged)
            out << "  " << io::dtypeName(ea->dtype) << io::shapeToString(ea->shape) << " -> "
                << io::dtypeName(eb->dtype) << io::shapeToString(eb->shape);
        out << "\n";
        if (!row.error.isOk()) out << "    error: " << row.error.toString() << "\n";
        const auto& m = row.metrics;
        if (m && m->numeric && m->maxAbsDiff && row.status == io::PairStatus::Changed) {
            auto opt = [](const std::optional<double>& v) {
                return v ? io::formatDouble(*v) : std::string("n/a");
            };
            out << "    max|b-a| " << io::formatDouble(*m->maxAbsDiff) << "  mean|b-a| "
                << io::formatDouble(*m->meanAbsDiff) << "  rms " << io::formatDouble(*m->rmsDiff) << "  rel "
                << opt(m->relChange) << "  cos " << opt(m->cosine) << "  changed " << m->changed << "/"
                << m->count << "\n";
        } else if (m && row.status == io::PairStatus::Changed) {
            out << "    changed " << m->changed << "/" << m->count << "\n";
        }
    }
}

} // namespace tscope::cli
