#include "io/variable_tree.h"

#include "io/cpu_budget.h"
#include "io/object_graph_view.h"
#include "io/object_graph_walk.h"
#include "io/optimizer_slots.h"
#include "io/prepared_object_graph.h"

#include <algorithm>
#include <deque>
#include <future>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <unordered_map>

namespace tscope::io {
namespace {

constexpr const char* kVariableValue = "VARIABLE_VALUE";

// "optimizer" anywhere in `name`, ignoring ASCII case (without a lower-cased copy per object).
bool mentionsOptimizer(std::string_view name)
{
    constexpr std::string_view kWord = "optimizer";
    for (size_t i = 0; i + kWord.size() <= name.size(); ++i) {
        size_t k = 0;
        while (k < kWord.size() && std::tolower(static_cast<unsigned char>(name[i + k])) == kWord[k])
            ++k;
        if (k == kWord.size()) return true;
    }
    return false;
}

// Finds the child of a name-tree node by its segment without a hash table while the names arrive in
// sorted order (the usual case: index keys are sorted). Then an existing child named S can be met again
// only right after siblings named S + a character below '/' ("a", "a-x", "a/c"): so only the parent's
// newest child is looked at, and its siblings are scanned when that one starts with S + such a character.
// Once names arrive unsorted, a map of every child looked up so far takes over.
class NameChildIndex {
public:
    explicit NameChildIndex(const std::vector<TreeNode>& nodes)
        : m_nodes(nodes)
    { }

    // Called with each name (the `/`-separated path) before its segments are looked up.
    void nextName(std::string_view name)
    {
        if (m_sorted && m_hasPrevious && name < m_previous) switchToMap();
        m_previous.assign(name);
        m_hasPrevious = true;
    }

    // The child of `parent` named `segment` found by an earlier lookup, or -1.
    int find(int parent, std::string_view segment) const
    {
        if (!m_sorted) {
            auto it = m_map.find(mapKey(parent, segment));
            return it == m_map.end() ? -1 : it->second;
        }
        const auto& children = m_nodes[static_cast<size_t>(parent)].children;
        for (auto it = children.rbegin(); it != children.rend(); ++it) {
            if (!isIndexed(*it)) continue;
            const std::string& name = m_nodes[static_cast<size_t>(*it)].name;
            if (name == segment) return *it;
            if (name.size() <= segment.size() || !name.starts_with(segment)
                || static_cast<unsigned char>(name[segment.size()]) >= '/')
                return -1;
        }
        return -1;
    }

    // `child` was created for a lookup that found nothing.
    void added(int child)
    {
        if (m_indexed.size() <= static_cast<size_t>(child))
            m_indexed.resize(static_cast<size_t>(child) + 1, 0);
        m_indexed[static_cast<size_t>(child)] = 1;
        if (!m_sorted) {
            const auto& node = m_nodes[static_cast<size_t>(child)];
            m_map.emplace(mapKey(node.parent, node.name), child);
        }
    }

private:
    static std::string mapKey(int parent, std::string_view segment)
    {
        std::string k(reinterpret_cast<const char*>(&parent), sizeof parent);
        k.append(segment);
        return k;
    }
    bool isIndexed(int node) const
    {
        return static_cast<size_t>(node) < m_indexed.size() && m_indexed[static_cast<size_t>(node)];
    }
    void switchToMap()
    {
        m_sorted = false;
        for (size_t i = 0; i < m_indexed.size(); ++i)
            if (m_indexed[i]) m_map.emplace(mapKey(m_nodes[i].parent, m_nodes[i].name), static_cast<int>(i));
    }

    const std::vector<TreeNode>& m_nodes;
    std::vector<char> m_indexed; // per node: created by a lookup (folded duplicates are not found again)
    bool m_sorted = true;
    bool m_hasPrevious = false;
    std::string m_previous;
    std::unordered_map<std::string, int> m_map;
};

// Values grouped by a small integer key (children per object, entries per object) in two flat arrays
// instead of a vector per key: 125,000 objects would otherwise be 125,000 allocations.
class Grouped {
public:
    explicit Grouped(size_t groups)
        : m_groups(groups)
    { }
    void add(int group, int value) { m_pairs.push_back({ group, value }); }
    // Groups the pairs, each group's values in the order they were added.
    void finish()
    {
        m_start.assign(m_groups + 1, 0);
        for (const auto& [g, v] : m_pairs)
            ++m_start[static_cast<size_t>(g) + 1];
        for (size_t g = 0; g < m_groups; ++g)
            m_start[g + 1] += m_start[g];
        m_values.resize(m_pairs.size());
        std::vector<uint32_t> next(m_start.begin(), m_start.end() - 1);
        for (const auto& [g, v] : m_pairs)
            m_values[next[static_cast<size_t>(g)]++] = v;
        m_pairs = {};
    }
    std::span<const int> operator[](size_t group) const
    {
        return std::span<const int>(m_values).subspan(m_start[group], m_start[group + 1] - m_start[group]);
    }

private:
    size_t m_groups;
    std::vector<std::pair<int, int>> m_pairs;
    std::vector<uint32_t> m_start;
    std::vector<int> m_values;
};

bool sameStoredBytes(const StoredBytes& a, const StoredBytes& b)
{
    return a.dtype == b.dtype && a.shard == b.shard && a.maskedCrc == b.maskedCrc && a.offset == b.offset
        && a.size == b.size && a.shape == b.shape;
}

// BundleReader::indexOf starting from `hint` (the previous answer): the object graph lists an object's
// attributes and its siblings' close together, and their keys sort close together, so galloping from
// the last hit takes a few comparisons where a binary search over 100,000 long keys takes seventeen.
// The same answer as indexOf: the lower bound, then -1 unless it is the key.
int indexNear(const std::vector<TensorEntry>& entries, std::string_view key, size_t& hint)
{
    const size_t n = entries.size();
    const auto less = [&](size_t i) { return std::string_view(entries[i].key) < key; };
    // Narrow to [lo, hi] with everything before lo less than the key and hi == n or hi not less.
    size_t lo = 0, hi = 0, step = 1;
    if (hint < n && less(hint)) {
        lo = hint + 1;
        hi = lo;
        while (hi < n && less(hi)) {
            lo = hi + 1;
            hi = lo + step;
            step *= 2;
        }
        hi = std::min(hi, n);
    } else {
        hi = std::min(hint, n);
        lo = hi;
        while (lo > 0 && !less(lo - 1)) {
            hi = lo - 1;
            lo = hi > step ? hi - step : 0;
            step *= 2;
        }
    }
    const auto first = entries.begin() + static_cast<std::ptrdiff_t>(lo);
    const auto last = entries.begin() + static_cast<std::ptrdiff_t>(hi);
    const size_t found = static_cast<size_t>(
        std::lower_bound(first, last, key,
            [](const TensorEntry& e, std::string_view k) { return std::string_view(e.key) < k; })
        - entries.begin());
    hint = found;
    return found < n && entries[found].key == key ? static_cast<int>(found) : -1;
}

// Runs work(first, end) over [0, count) in two halves at once, the second on a thread of its own, when
// `cost` (the items the work handles) pays for starting one and the process may use two CPUs; otherwise
// in one piece here. Exceptions (bad_alloc) reach the caller either way.
template <typename Work> void inTwoHalves(size_t count, size_t cost, const Work& work)
{
    constexpr size_t kWorthAThread = 20000;
    if (cost < kWorthAThread || count < 2 || availableCpus() < 2) {
        work(size_t(0), count);
        return;
    }
    const size_t middle = count / 2;
    std::future<void> secondHalf;
    try {
        secondHalf = std::async(std::launch::async, [&work, middle, count] { work(middle, count); });
    } catch (const std::system_error&) {
        work(size_t(0), count);
        return;
    }
    work(size_t(0), middle);
    secondHalf.get();
}

class TreeBuilder {
public:
    TreeBuilder(const BundleReader& bundle, const ProgressFn& progress, bool displayTree)
        : m_bundle(bundle)
        , m_progress(progress)
        , m_progressTotal(3 * static_cast<uint64_t>(bundle.entries().size()))
        , m_displayTree(displayTree)
    {
        m_tree.annotations.resize(bundle.entries().size());
        m_tree.nodes.push_back({});
        m_tree.nodes[0].kind = NodeKind::Root;
        m_tree.nodes[0].name = bundle.prefix().filename().string();
        if (m_displayTree) m_tree.nodes.reserve(bundle.entries().size() * 2 + 16);
    }

    int addNode(int parent, std::string name, NodeKind kind)
    {
        TreeNode node;
        node.name = std::move(name);
        node.kind = kind;
        node.parent = parent;
        m_tree.nodes.push_back(std::move(node));
        int id = static_cast<int>(m_tree.nodes.size()) - 1;
        m_tree.nodes[static_cast<size_t>(parent)].children.push_back(id);
        return id;
    }

    // The child of `parent` with this name, created as a Group when missing.
    int childGroup(int parent, const std::string& name)
    {
        for (int c : m_tree.nodes[static_cast<size_t>(parent)].children)
            if (m_tree.nodes[static_cast<size_t>(c)].name == name) return c;
        return addNode(parent, name, NodeKind::Group);
    }

    bool buildFromObjectGraph(PreparedObjectGraph& prepared);
    void buildFromNames();
    void addOrphans(const std::string& groupName);
    VariableTree finish();

    // Progress in three passes over the entries (roles, placement, totals); every few thousand entries.
    void report(uint64_t pass, size_t entry)
    {
        if (m_progress && (entry & 4095) == 0)
            m_progress(pass * m_bundle.entries().size() + entry, m_progressTotal);
    }

    const BundleReader& m_bundle;
    const ProgressFn& m_progress;
    const uint64_t m_progressTotal;
    const bool m_displayTree;
    VariableTree m_tree;
    std::vector<bool> m_placed; // per entry: appears in the tree already
};

bool TreeBuilder::buildFromObjectGraph(PreparedObjectGraph& prepared)
{
    const ObjectGraphView& graph = prepared.graph;
    const int n = graph.nodes_size();
    if (n == 0) return false;
    auto valid = [n](int id) { return id >= 0 && id < n; };

    // The first breadth-first paths (prepareObjectGraph): how TensorFlow forms keys (FORMATS.md §3.3).
    const BreadthFirstWalk& walk = prepared.walk;
    if (!walk.problem.isOk()) m_tree.warnings.push_back(walk.problem); // a graph past the walk's bounds
    const std::vector<int>& order = walk.order; // every parent before its children
    const std::vector<int>& bfsParent = walk.parent; // -2: unreached, -1: the root
    const std::vector<std::string_view>& bfsName = walk.edgeName;
    std::vector<std::string>& path = prepared.path; // moved into the tree nodes below

    // Slot variables: which node is a slot of which variable, for which optimizer.
    struct SlotInfo {
        int original;
        int optimizer;
        std::string name;
    };
    std::unordered_map<int, SlotInfo> slotOf;
    for (int id = 0; id < n; ++id)
        for (const auto& s : graph.nodes(id).slot_variables()) {
            int slot = s.slot_variable_node_id();
            if (valid(slot) && valid(s.original_variable_node_id()))
                slotOf[slot] = { s.original_variable_node_id(), id, std::string(s.slot_name()) };
        }
    for (auto& [slot, info] : slotOf)
        if (path[static_cast<size_t>(slot)].empty()
            && bfsParent[static_cast<size_t>(slot)] == BreadthFirstWalk::kUnreached)
            path[static_cast<size_t>(slot)] = path[static_cast<size_t>(info.original)] + "/.OPTIMIZER_SLOT/"
                + path[static_cast<size_t>(info.optimizer)] + "/" + escapeLocalName(info.name);

    // Which entries each node owns, and the entry annotations. A checkpoint_key is usually a key of
    // the bundle; objects that save several tensors (lookup tables, dataset iterators) record a
    // prefix instead ("t/.ATTRIBUTES/table" owns "t/.ATTRIBUTES/table-keys" and "...-values"), so
    // keys nothing claims exactly are matched by prefix in a second pass.
    Grouped nodeEntries(static_cast<size_t>(n));
    std::vector<int> variableEntry(static_cast<size_t>(n), -1);
    const auto& entries = m_bundle.entries();
    std::vector<int> owner(entries.size(), -1); // per entry: the node that claimed it last
    auto claim = [&](int id, int e) {
        owner[static_cast<size_t>(e)] = id;
        nodeEntries.add(id, e);
        m_tree.annotations[static_cast<size_t>(e)].role = EntryRole::Variable;
    };
    // The lookups only read, so they run in two halves at once (~70 ns each: the graph's order is not the
    // keys' sorted order, and each comparison reaches a key's own heap block). Claims follow in order.
    std::vector<size_t> firstAttribute(static_cast<size_t>(n) + 1, 0);
    for (int id = 0; id < n; ++id)
        firstAttribute[static_cast<size_t>(id) + 1]
            = firstAttribute[static_cast<size_t>(id)] + graph.nodes(id).attributes().size();
    std::vector<int> attributeEntry(firstAttribute.back(), -1);
    inTwoHalves(static_cast<size_t>(n), attributeEntry.size(), [&](size_t firstNode, size_t endNode) {
        size_t keyHint = 0;
        for (size_t id = firstNode; id < endNode; ++id) {
            size_t a = firstAttribute[id];
            for (const auto& attr : graph.nodes(static_cast<int>(id)).attributes())
                attributeEntry[a++] = indexNear(entries, attr.checkpoint_key(), keyHint);
        }
    });
    std::vector<std::pair<int, std::string_view>> prefixAttrs;
    for (int id = 0; id < n; ++id) {
        size_t a = firstAttribute[static_cast<size_t>(id)];
        for (const auto& attr : graph.nodes(id).attributes()) {
            const int e = attributeEntry[a++];
            if (e < 0) {
                if (!attr.checkpoint_key().empty()) prefixAttrs.push_back({ id, attr.checkpoint_key() });
                continue;
            }
            claim(id, e);
            if (attr.name() == kVariableValue) variableEntry[static_cast<size_t>(id)] = e;
        }
    }
    for (const auto& [id, prefix] : prefixAttrs) {
        auto it = std::lower_bound(entries.begin(), entries.end(), prefix,
            [](const TensorEntry& entry, std::string_view k) { return std::string_view(entry.key) < k; });
        for (; it != entries.end() && it->key.starts_with(prefix); ++it) {
            const int e = static_cast<int>(it - entries.begin());
            if (owner[static_cast<size_t>(e)] < 0) claim(id, e);
        }
    }
    nodeEntries.finish();
    // Each claimed entry's object path, copied from its (last) claiming node: one writer per entry, so also
    // in two halves (100,000 copies of ~50 bytes, each its own allocation).
    for (size_t e = 0; e < entries.size(); ++e)
        if (owner[e] >= 0) m_tree.annotations[e].objectPath = path[static_cast<size_t>(owner[e])];
    // Optimizer-owned objects: anything below a child edge whose name mentions "optimizer".
    std::vector<bool> underOptimizer(static_cast<size_t>(n), false);
    for (int id = 1; id < n; ++id) {
        if (bfsParent[static_cast<size_t>(id)] < 0) continue;
        if (mentionsOptimizer(bfsName[static_cast<size_t>(id)]))
            underOptimizer[static_cast<size_t>(id)] = true;
    }
    for (int id : order) {
        int p = bfsParent[static_cast<size_t>(id)];
        if (p >= 0 && underOptimizer[static_cast<size_t>(p)]) underOptimizer[static_cast<size_t>(id)] = true;
        if (underOptimizer[static_cast<size_t>(id)])
            for (int e : nodeEntries[static_cast<size_t>(id)])
                m_tree.annotations[static_cast<size_t>(e)].optimizerState = true;
    }
    std::vector<char> isGraphSlot(static_cast<size_t>(n), 0);
    for (auto& [slot, info] : slotOf) {
        isGraphSlot[static_cast<size_t>(slot)] = 1;
        for (int e : nodeEntries[static_cast<size_t>(slot)]) {
            auto& a = m_tree.annotations[static_cast<size_t>(e)];
            a.role = EntryRole::Slot;
            a.optimizerState = true;
            auto& d = a.editDetails();
            d.slotName = info.name;
            d.optimizerPath = path[static_cast<size_t>(info.optimizer)];
            int orig = variableEntry[static_cast<size_t>(info.original)];
            if (orig >= 0) d.slotOfKey = m_bundle.entries()[static_cast<size_t>(orig)].key;
            d.slotLink.confidence
                = orig >= 0 ? SlotLinkConfidence::LinkedByGraph : SlotLinkConfidence::Unlinked;
            d.slotLink.variableKey = d.slotOfKey;
            d.slotLink.variablePath = path[static_cast<size_t>(info.original)];
            d.slotLink.slotName = info.name;
            d.slotLink.optimizerPath = d.optimizerPath;
            d.slotLink.reason = orig >= 0
                ? "the object graph records this slot of " + path[static_cast<size_t>(info.original)]
                : "the object graph links it to an object that holds no variable";
        }
    }
    // Keras optimizers of TF >= 2.11 record no slot references: infer the links (io/optimizer_slots).
    const ObjectGraphIndex graphIndex { graph, path, variableEntry, m_bundle.entries() };
    std::vector<InferredSlot> inferred = inferKerasOptimizerSlots(graphIndex, isGraphSlot);
    // Keras 3: the optimizer's _trainable_variables are the model's weights. Show each under the model
    // object that also holds it (found by its other edges), or where it is when nothing else does.
    // Allocated only for Keras 3 optimizers (one entry per object otherwise: 5 MB at 125,000 objects).
    std::vector<std::pair<int, std::string>> modelParent;
    const std::pair<int, std::string> notReparented { -1, {} };
    auto reparentedOf = [&](int id) -> const std::pair<int, std::string>& {
        return modelParent.empty() ? notReparented : modelParent[static_cast<size_t>(id)];
    };
    for (const auto& opt : findKerasOptimizers(graph)) {
        if (!opt.keras3) continue;
        if (modelParent.empty()) modelParent.assign(static_cast<size_t>(n), notReparented);
        std::vector<char> isTrained(static_cast<size_t>(n), 0);
        for (int v : opt.trainableVariables)
            isTrained[static_cast<size_t>(v)] = 1;
        for (int id : order) { // breadth-first: the shallowest model object holding it wins
            if (underOptimizer[static_cast<size_t>(id)]) continue;
            for (const auto& c : graph.nodes(id).children()) {
                const int child = c.node_id();
                if (valid(child) && isTrained[static_cast<size_t>(child)]
                    && modelParent[static_cast<size_t>(child)].first < 0)
                    modelParent[static_cast<size_t>(child)] = { id, std::string(c.local_name()) };
            }
        }
        for (int v : opt.trainableVariables) {
            const int e = variableEntry[static_cast<size_t>(v)];
            if (e < 0) continue;
            auto& a = m_tree.annotations[static_cast<size_t>(e)];
            a.optimizerState = false;
            a.editDetails().foundAt = path[static_cast<size_t>(v)];
            ++m_tree.weightsThroughOptimizer;
        }
    }

    // The path a person sees: a Keras 3 weight by the model object holding it.
    auto shownPath = [&](int id) {
        const auto& [p, edge] = reparentedOf(id);
        return p < 0 ? path[static_cast<size_t>(id)]
                     : (path[static_cast<size_t>(p)].empty() ? "" : path[static_cast<size_t>(p)] + "/")
                + escapeLocalName(edge);
    };
    for (auto& s : inferred) {
        if (s.entry < 0) continue;
        auto& a = m_tree.annotations[static_cast<size_t>(s.entry)];
        auto& d = a.editDetails();
        d.slotLink = std::move(s.link);
        if (s.variableNode >= 0) d.slotLink.variablePath = shownPath(s.variableNode);
        a.optimizerState = true;
    }
    // Keras 3 checkpoints whose model object reaches none of its weights (seen with TF 2.16/2.17;
    // TF 2.21 tracks them under model/ too): the trainable ones exist only through the optimizer and the
    // non-trainable ones not at all. Say so rather than show an optimizer without a model.
    if (m_tree.weightsThroughOptimizer > 0) {
        bool modelHoldsWeights = false;
        for (int id = 1; id < n && !modelHoldsWeights; ++id) {
            const int e = variableEntry[static_cast<size_t>(id)];
            if (e < 0 || path[static_cast<size_t>(id)] == "save_counter") continue;
            const auto& a = m_tree.annotations[static_cast<size_t>(e)];
            modelHoldsWeights = reparentedOf(id).first >= 0
                || (!a.optimizerState && a.details().foundAt.empty() && a.role == EntryRole::Variable);
        }
        if (!modelHoldsWeights)
            m_tree.warnings.push_back(Status(ErrorCode::Note,
                "Keras 3 checkpoint: the model's " + std::to_string(m_tree.weightsThroughOptimizer)
                    + " trainable weights are stored only as the optimizer's _trainable_variables; weights "
                      "the "
                      "optimizer does not train (non-trainable ones such as BatchNorm statistics) are not in "
                      "this "
                      "checkpoint at all"));
    }

    // Display tree: each object once, under its breadth-first parent; objects owning no tensor
    // anywhere below are left out (Keras bookkeeping, functions, empty lists).
    Grouped bfsChildren(static_cast<size_t>(n));
    auto shownName = [&](int id) -> std::string_view {
        const auto& reparented = reparentedOf(id);
        return reparented.first >= 0 ? reparented.second : bfsName[static_cast<size_t>(id)];
    };
    for (int id = 1; id < n; ++id) {
        int p = bfsParent[static_cast<size_t>(id)];
        if (reparentedOf(id).first >= 0) p = reparentedOf(id).first;
        if (p >= 0 && !slotOf.count(id)) bfsChildren.add(p, id);
    }
    bfsChildren.finish();
    // Which objects own a tensor anywhere below, over the display tree (post-order: a reparented weight
    // can sit deeper than the breadth-first order of its new parent).
    std::vector<char> hasTensors(static_cast<size_t>(n), 0);
    {
        std::vector<std::pair<int, bool>> post = { { 0, false } };
        while (!post.empty()) {
            auto [id, childrenDone] = post.back();
            post.pop_back();
            if (!childrenDone) {
                post.push_back({ id, true });
                for (int c : bfsChildren[static_cast<size_t>(id)])
                    post.push_back({ c, false });
                continue;
            }
            bool any = !nodeEntries[static_cast<size_t>(id)].empty();
            for (int c : bfsChildren[static_cast<size_t>(id)])
                any = any || hasTensors[static_cast<size_t>(c)];
            hasTensors[static_cast<size_t>(id)] = any;
        }
    }

    m_placed.assign(m_bundle.entries().size(), false);
    std::vector<int> treeNodeOf(static_cast<size_t>(n), -1);
    treeNodeOf[0] = 0;
    // Iterative DFS keeps child order and cannot overflow the stack on deep hostile graphs.
    std::vector<std::pair<int, int>> stack; // (graph node, tree parent)
    for (auto it = bfsChildren[0].rbegin(); it != bfsChildren[0].rend(); ++it)
        stack.push_back({ *it, 0 });
    for (int e : nodeEntries[0]) {
        m_placed[static_cast<size_t>(e)] = true;
        if (!m_displayTree) continue;
        int leaf = addNode(0, m_bundle.entries()[static_cast<size_t>(e)].key, NodeKind::Variable);
        m_tree.nodes[static_cast<size_t>(leaf)].entry = e;
    }
    while (!stack.empty()) {
        auto [id, treeParent] = stack.back();
        stack.pop_back();
        if (!hasTensors[static_cast<size_t>(id)]) continue;
        const auto kids = bfsChildren[static_cast<size_t>(id)];
        if (!m_displayTree) { // the same walk, deciding placement only
            for (int e : nodeEntries[static_cast<size_t>(id)])
                m_placed[static_cast<size_t>(e)] = true;
            treeNodeOf[static_cast<size_t>(id)] = 0;
            for (auto it = kids.rbegin(); it != kids.rend(); ++it)
                stack.push_back({ *it, 0 });
            continue;
        }
        int v = variableEntry[static_cast<size_t>(id)];
        int node
            = addNode(treeParent, std::string(shownName(id)), v >= 0 ? NodeKind::Variable : NodeKind::Object);
        treeNodeOf[static_cast<size_t>(id)] = node;
        // Its children are known now (objects below, attribute leaves): one allocation, not a series.
        if (const size_t known = kids.size() + nodeEntries[static_cast<size_t>(id)].size() - (v >= 0 ? 1 : 0))
            m_tree.nodes[static_cast<size_t>(node)].children.reserve(known);
        // The last use of an object's path (moved, not copied), unless slots below name it as their
        // optimizer: the slot loop after this walk reads those.
        if (graph.nodes(id).slot_variables().empty())
            m_tree.nodes[static_cast<size_t>(node)].path = std::move(path[static_cast<size_t>(id)]);
        else
            m_tree.nodes[static_cast<size_t>(node)].path = path[static_cast<size_t>(id)];
        if (v >= 0) {
            const auto& a = m_tree.annotations[static_cast<size_t>(v)];
            const auto& d = a.details();
            if (!d.foundAt.empty())
                m_tree.nodes[static_cast<size_t>(node)].editDetails().label = reparentedOf(id).first >= 0
                    ? "found at " + d.foundAt
                    : "a model weight, reachable only through the optimizer";
            else if (d.slotLink.confidence != SlotLinkConfidence::None
                && d.slotLink.confidence != SlotLinkConfidence::LinkedByGraph)
                m_tree.nodes[static_cast<size_t>(node)].editDetails().label = slotLinkText(d.slotLink);
        }
        for (int e : nodeEntries[static_cast<size_t>(id)]) {
            if (e == v) {
                m_tree.nodes[static_cast<size_t>(node)].entry = e;
            } else { // other attributes (lookup tables, .TENSORS) become leaves named after the attribute
                const std::string& key = m_bundle.entries()[static_cast<size_t>(e)].key;
                auto pos = key.rfind("/.ATTRIBUTES/");
                int leaf = addNode(
                    node, pos == std::string::npos ? key : key.substr(pos + 13), NodeKind::Variable);
                m_tree.nodes[static_cast<size_t>(leaf)].entry = e;
            }
            m_placed[static_cast<size_t>(e)] = true;
        }
        for (auto it = kids.rbegin(); it != kids.rend(); ++it)
            stack.push_back({ *it, node });
    }
    // Slots under their variable, named "<slot> (<optimizer>)".
    for (int id = 0; id < n; ++id)
        for (const auto& s : graph.nodes(id).slot_variables()) {
            int slot = s.slot_variable_node_id(), orig = s.original_variable_node_id();
            if (!valid(slot) || !valid(orig)) continue;
            int parent = treeNodeOf[static_cast<size_t>(orig)];
            int e = variableEntry[static_cast<size_t>(slot)];
            if (parent < 0 || e < 0) continue;
            m_placed[static_cast<size_t>(e)] = true;
            if (!m_displayTree) continue;
            int node = addNode(parent, std::string(s.slot_name()), NodeKind::Slot);
            auto& tn = m_tree.nodes[static_cast<size_t>(node)];
            tn.entry = e;
            tn.path = path[static_cast<size_t>(slot)];
            auto& td = tn.editDetails();
            td.slotName = s.slot_name();
            td.optimizerPath = path[static_cast<size_t>(id)];
        }
    return true;
}

// TF1 optimizers name their slots "<variable>/<Optimizer>[_N]".
bool tf1SlotSuffix(const std::string& suffix, std::string& optimizer)
{
    static const char* kNames[]
        = { "Adam", "Adam_1", "Momentum", "Adagrad", "Ftrl", "Ftrl_1", "RMSProp", "RMSProp_1", "Adadelta",
              "Adadelta_1", "ProximalAdagrad", "AdagradDA", "AdagradDA_1", "ExponentialMovingAverage" };
    for (const char* name : kNames)
        if (suffix == name) {
            optimizer = suffix.substr(0, suffix.find('_'));
            return true;
        }
    return false;
}

// A TF2 key ("<object path>/.ATTRIBUTES/<attribute>"; the root's path is empty, so its keys start with
// "/.ATTRIBUTES/", or ".ATTRIBUTES/" in some writers) split in two.
bool splitTf2Key(std::string_view key, std::string_view& objectPath, std::string_view& attribute)
{
    constexpr std::string_view kRootAttributes = ".ATTRIBUTES/", kAttributes = "/.ATTRIBUTES/";
    if (key.starts_with(kRootAttributes)) {
        objectPath = {};
        attribute = key.substr(kRootAttributes.size());
        return !attribute.empty();
    }
    const auto pos = key.find(kAttributes);
    if (pos == std::string_view::npos) return false;
    objectPath = key.substr(0, pos);
    attribute = key.substr(pos + kAttributes.size());
    return !attribute.empty();
}

// A TF2 slot read without its object graph: "<variable>/.OPTIMIZER_SLOT/<optimizer>/<slot>".
bool splitTf2Slot(
    std::string_view objectPath, std::string& variable, std::string& optimizer, std::string& slot)
{
    constexpr std::string_view kSlot = "/.OPTIMIZER_SLOT/";
    const auto pos = objectPath.find(kSlot);
    if (pos == std::string_view::npos) return false;
    const std::string_view rest = objectPath.substr(pos + kSlot.size());
    const auto last = rest.rfind('/');
    if (last == std::string_view::npos || last == 0 || last + 1 == rest.size()) return false;
    variable = objectPath.substr(0, pos);
    optimizer = rest.substr(0, last);
    slot = rest.substr(last + 1);
    return true;
}

void TreeBuilder::buildFromNames()
{
    const auto& entries = m_bundle.entries();
    m_placed.assign(entries.size(), false);
    for (size_t e = 0; e < entries.size(); ++e) {
        report(0, e);
        const std::string& key = entries[e].key;
        auto& a = m_tree.annotations[e];
        a.role = key == kObjectGraphKey ? EntryRole::ObjectGraph : EntryRole::Variable;
        // TF2 keys whose object graph cannot be read (its data file is missing): slots by their key form.
        std::string_view objectPath, attribute;
        std::string slotVariable, slotOptimizer, slotName;
        if (splitTf2Key(key, objectPath, attribute) && attribute == kVariableValue
            && splitTf2Slot(objectPath, slotVariable, slotOptimizer, slotName)) {
            const std::string owner = slotVariable + "/.ATTRIBUTES/" + kVariableValue;
            if (m_bundle.indexOf(owner) >= 0) {
                a.role = EntryRole::Slot;
                a.optimizerState = true;
                auto& d = a.editDetails();
                d.slotOfKey = owner;
                d.slotName = slotName;
                d.optimizerPath = slotOptimizer;
                d.slotLink.confidence = SlotLinkConfidence::LinkedByGraph;
                d.slotLink.variableKey = owner;
                d.slotLink.variablePath = slotVariable;
                d.slotLink.slotName = slotName;
                d.slotLink.optimizerPath = slotOptimizer;
                d.slotLink.reason = "the key names it: " + std::string(objectPath);
                continue;
            }
        }
        auto slash = key.rfind('/');
        std::string optimizer;
        std::string owner, part;
        if (slash != std::string::npos && tf1SlotSuffix(key.substr(slash + 1), optimizer)) {
            owner = key.substr(0, slash);
            // A slot of one partition of a partitioned variable: "<variable>/part_3/Adam".
            if (auto p = owner.rfind("/part_"); p != std::string::npos && m_bundle.indexOf(owner) < 0
                && owner.find_first_not_of("0123456789", p + 6) == std::string::npos
                && m_bundle.indexOf(owner.substr(0, p)) >= 0) {
                part = owner.substr(p + 1);
                owner = owner.substr(0, p);
            }
        }
        if (!owner.empty() && m_bundle.indexOf(owner) >= 0) {
            a.role = EntryRole::Slot;
            auto& d = a.editDetails();
            d.slotOfKey = owner;
            d.slotName = key.substr(slash + 1) + (part.empty() ? "" : " (" + part + ")");
            d.optimizerPath = optimizer;
            a.optimizerState = true;
        } else if (key.starts_with("beta1_power") || key.starts_with("beta2_power")
            || key.find("/Adam") != std::string::npos || key.find("optimizer") != std::string::npos) {
            a.optimizerState = true;
        }
    }
    std::vector<int> nodeOfEntry(entries.size(), -1);
    NameChildIndex childOf(m_tree.nodes);
    // Keys are sorted, so consecutive keys share leading segments: reuse the previous key's nodes for
    // those and consult the map only for the segments that differ.
    std::vector<std::pair<std::string_view, int>> previousPath;
    std::deque<std::string> attributeLeaves; // shown names that are no substring of their key
    for (size_t e = 0; e < entries.size(); ++e) {
        report(1, e);
        const auto& a = m_tree.annotations[e];
        if (a.role != EntryRole::Variable) continue;
        if (!m_displayTree) { // every variable has a place in the name tree; its slots go under it
            nodeOfEntry[e] = 0;
            m_placed[e] = true;
            continue;
        }
        std::string_view key = entries[e].key;
        // A TF2 key read without its object graph: "layer/kernel/.ATTRIBUTES/VARIABLE_VALUE" shows as
        // "layer/kernel"; other attributes as a leaf named after the attribute under their object
        // ("layer/OBJECT_CONFIG_JSON", the root's as "OBJECT_CONFIG_JSON"), as with an object graph.
        std::string_view shown = key;
        if (std::string_view objectPath, attribute; splitTf2Key(key, objectPath, attribute)) {
            if (attribute == kVariableValue) {
                shown = objectPath;
            } else { // kept alive: previousPath holds views into it
                attributeLeaves.push_back(objectPath.empty()
                        ? std::string(attribute)
                        : std::string(objectPath) + "/" + std::string(attribute));
                shown = attributeLeaves.back();
            }
        }
        childOf.nextName(shown);
        int parent = 0;
        size_t start = 0;
        size_t depth = 0;
        bool samePrefix = true;
        while (true) {
            size_t slash = shown.find('/', start);
            std::string_view part = shown.substr(
                start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
            if (samePrefix && depth < previousPath.size() && previousPath[depth].first == part) {
                parent = previousPath[depth].second;
            } else {
                samePrefix = false;
                int child = childOf.find(parent, part);
                if (child < 0) {
                    child = addNode(parent, std::string(part), NodeKind::Group);
                    m_tree.nodes[static_cast<size_t>(child)].path = std::string(shown.substr(0, slash));
                    childOf.added(child);
                }
                parent = child;
                previousPath.resize(depth);
                previousPath.emplace_back(part, parent);
            }
            ++depth;
            if (slash == std::string_view::npos) break;
            start = slash + 1;
        }
        previousPath.resize(depth);
        auto& leaf = m_tree.nodes[static_cast<size_t>(parent)];
        if (leaf.entry >= 0) { // two keys folded onto one name: keep the second as its own child
            parent = addNode(parent,
                key.starts_with(shown)
                    ? std::string(key.substr(shown.size() + (shown.size() < key.size() ? 1 : 0)))
                    : std::string(key),
                NodeKind::Group);
        }
        m_tree.nodes[static_cast<size_t>(parent)].kind = NodeKind::Variable;
        m_tree.nodes[static_cast<size_t>(parent)].entry = static_cast<int>(e);
        nodeOfEntry[e] = parent;
        m_placed[e] = true;
    }
    for (size_t e = 0; e < entries.size(); ++e) {
        const auto& a = m_tree.annotations[e];
        if (a.role != EntryRole::Slot) continue;
        const auto& d = a.details();
        const int owner = m_bundle.indexOf(d.slotOfKey);
        if (owner < 0 || nodeOfEntry[static_cast<size_t>(owner)] < 0) continue;
        m_placed[e] = true;
        if (!m_displayTree) continue;
        int node = addNode(nodeOfEntry[static_cast<size_t>(owner)], d.slotName, NodeKind::Slot);
        auto& tn = m_tree.nodes[static_cast<size_t>(node)];
        tn.entry = static_cast<int>(e);
        tn.path = entries[e].key;
        auto& td = tn.editDetails();
        td.slotName = d.slotName;
        td.optimizerPath = d.optimizerPath;
    }
}

void TreeBuilder::addOrphans(const std::string& groupName)
{
    const auto& entries = m_bundle.entries();
    int group = -1;
    for (size_t e = 0; e < entries.size(); ++e) {
        if (m_placed[e]) continue;
        if (entries[e].key == kObjectGraphKey) m_tree.annotations[e].role = EntryRole::ObjectGraph;
        if (!m_displayTree) continue;
        if (group < 0) group = addNode(0, groupName, NodeKind::Group);
        int leaf = addNode(group, entries[e].key, NodeKind::Variable);
        m_tree.nodes[static_cast<size_t>(leaf)].entry = static_cast<int>(e);
    }
}

VariableTree TreeBuilder::finish()
{
    aggregateTreeTotals(m_tree, m_bundle);
    return std::move(m_tree);
}

} // namespace

void aggregateTreeTotals(VariableTree& tree, const BundleReader& bundle)
{
    // Bottom-up: children always have larger ids than parents.
    auto& nodes = tree.nodes;
    for (auto& node : nodes)
        node.parameters = node.bytes = 0;
    for (size_t i = nodes.size(); i-- > 0;) {
        auto& node = nodes[i];
        if (node.entry >= 0) {
            const auto& e = bundle.entries()[static_cast<size_t>(node.entry)];
            node.parameters += e.elementCount();
            node.bytes += e.byteSize();
        }
        // Slots are optimizer state and aliases repeat another variable: neither adds to its parents.
        if (node.parent >= 0 && node.kind != NodeKind::Slot && !node.alias) {
            nodes[static_cast<size_t>(node.parent)].parameters += node.parameters;
            nodes[static_cast<size_t>(node.parent)].bytes += node.bytes;
        }
    }
}

const char* nodeKindName(NodeKind kind)
{
    switch (kind) {
    case NodeKind::Root:
        return "root";
    case NodeKind::Object:
        return "object";
    case NodeKind::Variable:
        return "variable";
    case NodeKind::Slot:
        return "slot";
    case NodeKind::Group:
        return "group";
    }
    return "object";
}

const char* entryRoleName(EntryRole role)
{
    switch (role) {
    case EntryRole::Variable:
        return "variable";
    case EntryRole::Slot:
        return "slot";
    case EntryRole::ObjectGraph:
        return "object_graph";
    case EntryRole::Other:
        return "other";
    }
    return "other";
}

std::string escapeLocalName(std::string_view name)
{
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == '.')
            out += "..";
        else if (c == '/')
            out += ".S";
        else
            out += c;
    }
    return out;
}

VariableTree buildVariableTree(const BundleReader& bundle, const ProgressFn& progress,
    PreparedObjectGraphPtr prepared, const TreeOptions& options)
{
    TreeBuilder builder(bundle, progress, options.displayTree);
    builder.report(0, 0);
    bool objectBased = false;
    bool graphTried = false; // annotations written by a graph that turned out unusable are reset
    if (const TensorEntry* entry = bundle.find(kObjectGraphKey)) {
        // A graph prepared ahead is used only when it came from this very entry.
        if (prepared && !sameStoredBytes(prepared->source, entry->stored)) prepared.reset();
        // Otherwise: the object graph is one scalar string, read with pread straight into the buffer the
        // views point into. Anything else is read the general way and used if it holds one string.
        Status readProblem;
        if (!prepared) {
            std::string bytes;
            bool oneString = false;
            if (!entry->partitioned() && isDType(entry->dtype, DType::String) && entry->elementCount() == 1) {
                auto value = bundle.readScalarString(*entry);
                if (value) {
                    bytes = std::move(*value);
                    oneString = true;
                } else {
                    readProblem = value.status();
                }
            } else if (auto tensor = bundle.read(*entry); !tensor) {
                readProblem = tensor.status();
            } else if (tensor->stringValues().size() == 1) {
                bytes = tensor->stringValues()[0];
                oneString = true;
            }
            if (oneString) {
                const size_t size = bytes.size();
                prepared = prepareObjectGraph(std::move(bytes), 0, size, true);
            }
        }
        if (!readProblem.isOk()) {
            builder.m_tree.warnings.push_back(readProblem);
        } else if (!prepared || !prepared->decoded) {
            builder.m_tree.warnings.push_back(
                Status(ErrorCode::Corrupt, "the object graph cannot be decoded; showing variables by name")
                    .withTensor(std::string(kObjectGraphKey)));
        } else {
            graphTried = true;
            objectBased = builder.buildFromObjectGraph(*prepared);
        }
    }
    prepared.reset(); // 11 MB at 100,000 variables: gone before the name tree or the orphans are built
    if (!objectBased) {
        if (builder.m_tree.nodes.size() > 1 || !builder.m_tree.nodes[0].children.empty()) {
            builder.m_tree.nodes.resize(1);
            builder.m_tree.nodes[0].children.clear();
        }
        if (graphTried) builder.m_tree.annotations.assign(bundle.entries().size(), {});
        builder.buildFromNames();
    }
    builder.m_tree.objectBased = objectBased;
    builder.report(2, 0);
    builder.addOrphans("Other tensors");
    auto tree = builder.finish();
    if (progress) progress(3 * bundle.entries().size(), 3 * bundle.entries().size());
    return tree;
}

} // namespace tscope::io
