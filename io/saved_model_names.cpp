#include "io/saved_model_names.h"

#include "io/object_graph_walk.h"

#include <map>
#include <tuple>
#include <unordered_map>

namespace tscope::io {
namespace {

// Checkpoint object path (escaped names joined by '/', first breadth-first path: the same walk as the
// checkpoint's, since both graphs share node ids and edges) -> variable name, from the first meta graph
// that has an object graph.
std::unordered_map<std::string, std::string> variableNamesByPath(const SavedModelInfo& savedModel)
{
    std::unordered_map<std::string, std::string> names;
    for (const auto& mg : savedModel.metaGraphs) {
        if (!mg.hasObjectGraph || mg.objects.empty()) continue;
        const int n = static_cast<int>(mg.objects.size());
        const auto walk = walkBreadthFirst(n, [&](int id, const ChildVisitor& visit) {
            for (const auto& [name, child] : mg.objects[static_cast<size_t>(id)].children)
                visit(child, name);
        });
        std::vector<std::string> path(static_cast<size_t>(n));
        for (int id : walk.order) {
            if (id == 0) continue;
            const std::string& base = path[static_cast<size_t>(walk.parent[static_cast<size_t>(id)])];
            path[static_cast<size_t>(id)]
                = (base.empty() ? "" : base + "/") + escapeLocalName(walk.edgeName[static_cast<size_t>(id)]);
            const auto& o = mg.objects[static_cast<size_t>(id)];
            if (o.kind == "variable" && !o.identifier.empty())
                names[path[static_cast<size_t>(id)]] = o.identifier;
        }
        break;
    }
    return names;
}

// Keras exports list every variable under `variables/`; the primary of a twin group is the one there.
bool preferredTwin(const std::string& objectPath, const std::string& other)
{
    const bool a = objectPath.starts_with("variables/"), b = other.starts_with("variables/");
    return a != b ? a : objectPath < other;
}

} // namespace

void nameSavedModelVariables(const SavedModelInfo& savedModel, const BundleReader& bundle, VariableTree& tree)
{
    const auto names = variableNamesByPath(savedModel);
    if (names.empty()) return;
    const auto& entries = bundle.entries();
    using TwinKey = std::tuple<std::string, DType, Shape, uint64_t, uint32_t>;
    std::map<TwinKey, std::vector<size_t>> groups;
    for (size_t e = 0; e < tree.annotations.size() && e < entries.size(); ++e) {
        auto& a = tree.annotations[e];
        if (a.role != EntryRole::Variable || a.objectPath.empty()) continue;
        auto it = names.find(a.objectPath);
        if (it == names.end()) continue;
        a.editDetails().variableName = it->second;
        const auto& entry = entries[e];
        // Only the Keras 3 export layout: a weight under variables/ repeated under _all_variables/ (other
        // SavedModels hold distinct variables of one name and equal values, e.g. metrics' zero counters).
        const bool exportList
            = a.objectPath.starts_with("variables/") || a.objectPath.starts_with("_all_variables/");
        if (!exportList || entry.partitioned() || !entry.problem.isOk()) continue;
        groups[{ a.details().variableName, entry.dtype, entry.shape, entry.stored.size,
                   entry.stored.maskedCrc }]
            .push_back(e);
    }
    for (auto& [key, members] : groups) {
        size_t primary = members[0];
        for (size_t e : members)
            if (preferredTwin(tree.annotations[e].objectPath, tree.annotations[primary].objectPath))
                primary = e;
        // One copy in each list, nothing else: a group of any other form is left alone.
        if (members.size() != 2 || !tree.annotations[primary].objectPath.starts_with("variables/")) continue;
        for (size_t e : members) {
            if (e == primary) continue;
            tree.annotations[e].editDetails().twinOf = entries[primary].key;
            tree.annotations[primary].editDetails().aliases.push_back(tree.annotations[e].objectPath);
        }
    }
    for (auto& node : tree.nodes) {
        if (node.entry < 0 || node.kind != NodeKind::Variable) continue;
        const auto& a = tree.annotations[static_cast<size_t>(node.entry)].details();
        if (a.variableName.empty() || !node.label().empty()) continue;
        std::string& label = node.editDetails().label;
        label = a.variableName;
        if (!a.twinOf.empty()) {
            node.alias = true;
            label += ", twin of " + tree.annotations[static_cast<size_t>(bundle.indexOf(a.twinOf))].objectPath
                + " (same name and bytes)";
        } else if (!a.aliases.empty()) {
            label += " (also ";
            for (size_t i = 0; i < a.aliases.size(); ++i)
                label += (i ? ", " : "") + a.aliases[i];
            label += ")";
        }
    }
    aggregateTreeTotals(tree, bundle);
}

} // namespace tscope::io
