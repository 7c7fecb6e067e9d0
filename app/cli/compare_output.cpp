#include "app/cli/compare_output.h"

#include "app/cli/json_output.h"
#include "io/element.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
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

// A pair's metric as tensorscope.diff/1 reports it (nullopt: null). Pairs identical by checksum differ by 0
// without being read; rel_change and cosine need the norms, so they stay null there.
std::optional<double> metricValue(const model::DiffRow& row, const std::string& name)
{
    const auto& m = row.metrics;
    const bool sameBytes = !m && row.status == io::PairStatus::Identical;
    if (name == "frac_changed")
        return m ? std::optional(m->fracChanged()) : sameBytes ? std::optional(0.0) : std::nullopt;
    const bool difference = name == "max_abs_diff" || name == "mean_abs_diff" || name == "rms_diff";
    if (sameBytes) return difference ? std::optional(0.0) : std::nullopt;
    if (!m || !m->numeric) return std::nullopt;
    if (name == "max_abs_diff") return m->maxAbsDiff;
    if (name == "mean_abs_diff") return m->meanAbsDiff;
    if (name == "rms_diff") return m->rmsDiff;
    if (name == "rel_change") return m->relChange;
    if (name == "cosine") return m->cosine;
    return std::nullopt;
}

// The value a row sorts by: its JSON value, larger first, cosine negated so the least similar comes first.
std::optional<double> sortValue(const model::DiffRow& row, const std::string& key)
{
    const auto v = metricValue(row, key);
    return v && key == "cosine" ? std::optional(-*v) : v;
}

std::vector<size_t> listedRows(
    const model::ArtifactDiff& diff, const CompareSides& sides, const DiffListing& listing)
{
    std::vector<size_t> order;
    for (size_t i = 0; i < diff.rows.size(); ++i)
        if (listed(diff.rows[i], listing.changedOnly)) order.push_back(i);
    auto keyOf = [&](size_t i) -> const std::string& {
        const auto& row = diff.rows[i];
        const auto* e = row.a >= 0 ? entryOf(sides.a, row.a) : entryOf(sides.b, row.b);
        return e->key;
    };
    if (listing.sort == "key") {
        std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return keyOf(x) < keyOf(y); });
    } else if (!listing.sort.empty()) {
        std::vector<std::optional<double>> value(diff.rows.size());
        for (size_t i : order)
            value[i] = sortValue(diff.rows[i], listing.sort);
        std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
            const auto &vx = value[x], &vy = value[y];
            if (!vx || std::isnan(*vx)) return false; // no value (or NaN): after every value
            if (!vy || std::isnan(*vy)) return true;
            return *vx > *vy;
        });
    }
    if (listing.top > 0 && order.size() > listing.top) order.resize(listing.top);
    return order;
}

// A number for the table: 4 significant digits.
std::string brief(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", v);
    return text;
}

std::string briefOr(const std::optional<double>& v)
{
    return v ? brief(*v) : std::string("-");
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
    for (const char* name :
        { "max_abs_diff", "mean_abs_diff", "rms_diff", "rel_change", "cosine", "frac_changed" })
        optionalField(w, name, metricValue(row, name));
    const auto& m = row.metrics;
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

const std::vector<std::string>& diffSortKeys()
{
    static const std::vector<std::string> keys { "key", "rel_change", "max_abs_diff", "mean_abs_diff",
        "rms_diff", "cosine", "frac_changed" };
    return keys;
}

void writeDiffJson(
    const model::ArtifactDiff& diff, const CompareSides& sides, const DiffListing& listing, std::ostream& out)
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
    for (size_t i : listedRows(diff, sides, listing))
        writeRowJson(w, diff, diff.rows[i], sides);
    w.endArray();
    w.endObject();
}

void writeDiffText(
    const model::ArtifactDiff& diff, const CompareSides& sides, const DiffListing& listing, std::ostream& out)
{
    const Summary s = summarize(diff);
    out << describeRoots(diff.mapping) << "\n";
    out << s.variables << " variables:";
    for (const auto& [name, n] : s.byStatus)
        if (n) out << "  " << name << " " << n;
    out << "  (" << s.elementsChanged << " elements changed)\n";
    const auto order = listedRows(diff, sides, listing);
    if (order.empty()) return;
    const char* columns[]
        = { "status", "rel_change", "max|b-a|", "mean|b-a|", "rms(b-a)", "cosine", "changed" };
    const int widths[] = { 14, 11, 11, 11, 11, 11, 16 };
    out << "\n";
    for (size_t c = 0; c < std::size(columns); ++c)
        out << std::left << std::setw(widths[c]) << columns[c];
    out << "variable" << (listing.sort.empty() ? "" : "  (sorted by " + listing.sort + ")") << "\n";
    for (size_t i : order) {
        const auto& row = diff.rows[i];
        const auto* ea = entryOf(sides.a, row.a);
        const auto* eb = entryOf(sides.b, row.b);
        const auto& m = row.metrics;
        // The cells are the JSON's values ("-" where it has null), so text, JSON and --sort agree.
        std::string cells[7] = { statusText(row), briefOr(metricValue(row, "rel_change")),
            briefOr(metricValue(row, "max_abs_diff")), briefOr(metricValue(row, "mean_abs_diff")),
            briefOr(metricValue(row, "rms_diff")), briefOr(metricValue(row, "cosine")), "-" };
        if (m) cells[6] = std::to_string(m->changed) + "/" + std::to_string(m->count);
        for (size_t c = 0; c < std::size(cells); ++c)
            out << std::left << std::setw(widths[c]) << cells[c];
        out << (ea ? ea->key : eb->key);
        if (ea && eb && ea->key != eb->key) out << "  -> " << eb->key;
        if (row.status == io::PairStatus::DtypeChanged || row.status == io::PairStatus::ShapeChanged)
            out << "  " << io::dtypeName(ea->dtype) << io::shapeToString(ea->shape) << " -> "
                << io::dtypeName(eb->dtype) << io::shapeToString(eb->shape);
        out << "\n";
        if (!row.error.isOk()) out << "    error: " << row.error.toString() << "\n";
    }
    const auto all = static_cast<uint64_t>(std::count_if(diff.rows.begin(), diff.rows.end(),
        [&](const model::DiffRow& row) { return listed(row, listing.changedOnly); }));
    if (order.size() < all) out << "(" << order.size() << " of " << all << " rows: --top)\n";
}

} // namespace tscope::cli
