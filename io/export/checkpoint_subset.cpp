#include "io/export/checkpoint_subset.h"

#include "trackable_object_graph.pb.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace tscope::io {
namespace {

// An attribute names a bundle key, or a prefix of several (lookup tables save "<key>-keys"/"-values").
bool attributeKept(const std::string& key, const std::set<std::string>& kept)
{
    auto it = kept.lower_bound(key);
    return it != kept.end() && it->starts_with(key);
}

// `key` is, or starts with, one of `attributeKeys` (lookup tables save "<attribute key>-keys"...).
bool attributeKeptPrefix(const std::string& key, const std::set<std::string>& attributeKeys)
{
    auto it = attributeKeys.upper_bound(key);
    if (it == attributeKeys.begin()) return false;
    --it;
    return key.starts_with(*it);
}

bool isOptimizerEdge(const std::string& name)
{
    std::string lower = name;
    std::transform(
        lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower.find("optimizer") != std::string::npos;
}

} // namespace

std::set<std::string> optimizerOnlyKeys(const std::string& serializedGraph)
{
    tensorflow::TrackableObjectGraph graph;
    std::set<std::string> keys;
    if (!graph.ParseFromString(serializedGraph) || graph.nodes_size() == 0) return keys;
    const int n = graph.nodes_size();
    // The model's state is what the root reaches without passing an optimizer edge. Keras 3 names model
    // variables "optimizer/_trainable_variables/N" (the optimizer reaches them first), so the key or the
    // first path alone would strip the model itself.
    std::vector<char> model(static_cast<size_t>(n), 0);
    std::vector<int> stack { 0 };
    model[0] = 1;
    while (!stack.empty()) {
        const int id = stack.back();
        stack.pop_back();
        for (const auto& c : graph.nodes(id).children()) {
            const int child = c.node_id();
            if (child < 0 || child >= n || model[static_cast<size_t>(child)]
                || isOptimizerEdge(c.local_name()))
                continue;
            model[static_cast<size_t>(child)] = 1;
            stack.push_back(child);
        }
    }
    for (int id = 0; id < n; ++id)
        if (!model[static_cast<size_t>(id)])
            for (const auto& attr : graph.nodes(id).attributes())
                keys.insert(attr.checkpoint_key());
    return keys;
}

Result<std::string> pruneObjectGraph(
    const std::string& serialized, const std::set<std::string>& keptKeys, int& droppedObjects)
{
    tensorflow::TrackableObjectGraph graph;
    if (!graph.ParseFromString(serialized))
        return Status(ErrorCode::Corrupt, "the object graph cannot be decoded")
            .withTensor(std::string(kObjectGraphKey));
    const int n = graph.nodes_size();
    auto valid = [&](int id) { return id >= 0 && id < n; };
    std::vector<char> hadValues(static_cast<size_t>(n), 0), hasValues(static_cast<size_t>(n), 0);
    for (int id = 0; id < n; ++id) {
        auto* node = graph.mutable_nodes(id);
        hadValues[static_cast<size_t>(id)] = node->attributes_size() > 0;
        auto* attrs = node->mutable_attributes();
        for (int a = attrs->size() - 1; a >= 0; --a)
            if (!attributeKept(attrs->Get(a).checkpoint_key(), keptKeys)) attrs->DeleteSubrange(a, 1);
        hasValues[static_cast<size_t>(id)] = node->attributes_size() > 0;
    }
    // What each node reaches through its children, before and after: a node that reached saved values
    // and reaches none now only existed for what was removed.
    auto reaches = [&](int start, const std::vector<char>& values) {
        std::vector<char> seen(static_cast<size_t>(n), 0);
        std::vector<int> stack { start };
        seen[static_cast<size_t>(start)] = 1;
        while (!stack.empty()) {
            const int id = stack.back();
            stack.pop_back();
            if (values[static_cast<size_t>(id)]) return true;
            for (const auto& c : graph.nodes(id).children())
                if (valid(c.node_id()) && !seen[static_cast<size_t>(c.node_id())]) {
                    seen[static_cast<size_t>(c.node_id())] = 1;
                    stack.push_back(c.node_id());
                }
        }
        return false;
    };
    std::vector<int> newId(static_cast<size_t>(n), -1);
    int next = 0;
    for (int id = 0; id < n; ++id) {
        const bool drop = id != 0 && reaches(id, hadValues) && !reaches(id, hasValues);
        if (!drop) newId[static_cast<size_t>(id)] = next++;
    }
    droppedObjects = n - next;
    tensorflow::TrackableObjectGraph out;
    for (int id = 0; id < n; ++id) {
        if (newId[static_cast<size_t>(id)] < 0) continue;
        auto* node = out.add_nodes();
        *node = graph.nodes(id);
        node->clear_children();
        for (const auto& c : graph.nodes(id).children()) {
            if (!valid(c.node_id()) || newId[static_cast<size_t>(c.node_id())] < 0) continue;
            auto* ref = node->add_children();
            *ref = c;
            ref->set_node_id(newId[static_cast<size_t>(c.node_id())]);
        }
        node->clear_slot_variables();
        for (const auto& s : graph.nodes(id).slot_variables()) {
            const int orig = s.original_variable_node_id(), slot = s.slot_variable_node_id();
            if (!valid(orig) || !valid(slot) || newId[static_cast<size_t>(orig)] < 0
                || newId[static_cast<size_t>(slot)] < 0)
                continue;
            auto* ref = node->add_slot_variables();
            *ref = s;
            ref->set_original_variable_node_id(newId[static_cast<size_t>(orig)]);
            ref->set_slot_variable_node_id(newId[static_cast<size_t>(slot)]);
        }
    }
    return out.SerializeAsString();
}

Result<SubsetPlan> planCheckpointSubset(
    const BundleReader& bundle, const VariableTree& tree, const SubsetOptions& options)
{
    std::vector<std::regex> patterns;
    for (const auto& k : options.keep) {
        try {
            patterns.emplace_back(k, std::regex::ECMAScript);
        } catch (const std::regex_error&) {
            return Status(ErrorCode::InvalidArgument, "--keep " + k + ": not a valid regular expression");
        }
    }
    SubsetPlan plan;
    const auto& entries = bundle.entries();
    const TensorEntry* graphEntry = bundle.find(kObjectGraphKey);
    std::optional<std::string> graph;
    if (graphEntry) {
        auto t = bundle.read(*graphEntry);
        if (!t) return t.status();
        if (!t->isString() || t->stringValues().size() != 1)
            return Status(ErrorCode::Corrupt, "the object graph is not a string scalar")
                .withTensor(graphEntry->key);
        graph = t->stringValues()[0];
    }
    // TF2: optimizer state is what only the optimizer reaches; TF1: the tree's slot and optimizer names.
    const std::set<std::string> optimizerKeys = graph ? optimizerOnlyKeys(*graph) : std::set<std::string> {};
    auto isOptimizerState = [&](size_t i) {
        if (graph) return attributeKeptPrefix(entries[i].key, optimizerKeys);
        const EntryAnnotation* a = i < tree.annotations.size() ? &tree.annotations[i] : nullptr;
        return a && (a->optimizerState || a->role == EntryRole::Slot);
    };
    for (size_t i = 0; i < entries.size(); ++i) {
        const TensorEntry& e = entries[i];
        if (e.key == kObjectGraphKey) continue;
        const EntryAnnotation* a = i < tree.annotations.size() ? &tree.annotations[i] : nullptr;
        bool keep = !(options.stripOptimizer && isOptimizerState(i));
        if (keep && !patterns.empty()) {
            keep = false;
            for (const auto& re : patterns)
                if (std::regex_search(e.key, re)
                    || (a && !a->objectPath.empty() && std::regex_search(a->objectPath, re)))
                    keep = true;
        }
        if (keep) {
            plan.keptKeys.insert(e.key);
            plan.keptBytes += e.byteSize();
        } else {
            ++plan.droppedEntries;
            plan.droppedBytes += e.byteSize();
        }
    }
    if (plan.keptKeys.empty()) return Status(ErrorCode::InvalidArgument, "no tensor would be kept");
    if (graph && plan.droppedEntries > 0) {
        auto pruned = pruneObjectGraph(*graph, plan.keptKeys, plan.droppedObjects);
        if (!pruned) return pruned.status();
        plan.objectGraph = std::move(pruned.value());
    }
    return plan;
}

} // namespace tscope::io
