// Output of the commands on two artifacts (diff, check): the mapping summary they share, and the diff's
// JSON (tensorscope.diff/1) and text forms.
#pragma once

#include "io/artifact.h"
#include "io/compare/mapping_rule.h"
#include "io/json/json_writer.h"
#include "model/compare/artifact_diff.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace tscope::cli {

struct CompareSides {
    const io::Artifact& a;
    const io::Artifact& b;
    const std::vector<io::MappingRule>& rules;
};

// {"path", "format"} of one side.
void writeSideJson(json::JsonWriter& w, const io::Artifact& artifact);
// {"object_graph", "root_a", "root_b", "rules", "warnings"}.
void writeMappingJson(
    json::JsonWriter& w, const io::VariableMapping& mapping, const std::vector<io::MappingRule>& rules);
// {"method", "path_a", "path_b", "rule"} of one match.
void writeMatchJson(
    json::JsonWriter& w, const io::VariableMatch& match, const std::vector<io::MappingRule>& rules);
// One line saying which object-graph roots were paired, e.g. "A's model/ matched B's root".
std::string describeRoots(const io::VariableMapping& mapping);

// Which rows a diff lists, and in what order.
struct DiffListing {
    bool changedOnly = false; // leave out identical pairs
    // "" or "key" (by key, the diff's own order), or a metric's JSON name: max_abs_diff, mean_abs_diff,
    // rms_diff, rel_change, frac_changed (largest first), cosine (least similar first). Rows without that
    // metric last.
    std::string sort;
    uint64_t top = 0; // at most this many rows after sorting; 0 = all
};
// The --sort values, for the option's check and its help.
const std::vector<std::string>& diffSortKeys();

void writeDiffJson(const model::ArtifactDiff& diff, const CompareSides& sides, const DiffListing& listing,
    std::ostream& out);
// For people: a summary, then one aligned table row per variable (4 significant digits; --json is exact).
void writeDiffText(const model::ArtifactDiff& diff, const CompareSides& sides, const DiffListing& listing,
    std::ostream& out);

} // namespace tscope::cli
