#include "io/compare/variable_mapping.h"

#include "io/compare/object_graph.h"
#include "io/variable_tree.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <unordered_map>

namespace tscope::io {
namespace {

// Two object graphs walked together from a pair of roots (TensorFlow's RecurseObjectsToRestore): every
// child edge of an A node is followed into the B child of the same local name; an A node is visited once.
struct GraphWalk {
    std::vector<int> toB; // per A node: its B partner, -1 when unmatched
    std::vector<std::string> pathA, pathB; // per A node: the escaped object paths walked
    std::vector<int> order; // visited A nodes, in visiting order
};

std::string joinPath(const std::string& base, const std::string& localName)
{
    return base.empty() ? escapeLocalName(localName) : base + "/" + escapeLocalName(localName);
}

// `withPaths` false: only the pairing (trying a root pair needs no path strings).
GraphWalk walkTogether(const ObjectGraph& ga, const ObjectGraph& gb, int rootA, int rootB,
    const std::string& rootPathA, const std::string& rootPathB, bool withPaths = true)
{
    GraphWalk w;
    w.toB.assign(ga.nodes.size(), -1);
    w.pathA.resize(ga.nodes.size());
    w.pathB.resize(ga.nodes.size());
    std::deque<int> queue { rootA };
    w.toB[static_cast<size_t>(rootA)] = rootB;
    w.pathA[static_cast<size_t>(rootA)] = rootPathA;
    w.pathB[static_cast<size_t>(rootA)] = rootPathB;
    std::unordered_map<std::string, int> wide; // children of a B node with many of them, by name
    while (!queue.empty()) {
        const int na = queue.front();
        queue.pop_front();
        w.order.push_back(na);
        const int nb = w.toB[static_cast<size_t>(na)];
        const auto& bChildren = gb.nodes[static_cast<size_t>(nb)].children;
        const bool useMap = bChildren.size() > 16; // lists of thousands of variables stay linear
        if (useMap) {
            wide.clear();
            for (const auto& e : bChildren)
                wide.emplace(e.name, e.node); // first edge of a name wins, like a linear search
        }
        for (const auto& edge : ga.nodes[static_cast<size_t>(na)].children) {
            if (w.toB[static_cast<size_t>(edge.node)] >= 0 || edge.node == rootA) continue;
            int cb = -1;
            if (useMap) {
                auto it = wide.find(edge.name);
                if (it != wide.end()) cb = it->second;
            } else {
                cb = gb.child(nb, edge.name);
            }
            if (cb < 0) continue;
            w.toB[static_cast<size_t>(edge.node)] = cb;
            if (withPaths) {
                w.pathA[static_cast<size_t>(edge.node)]
                    = joinPath(w.pathA[static_cast<size_t>(na)], edge.name);
                w.pathB[static_cast<size_t>(edge.node)]
                    = joinPath(w.pathB[static_cast<size_t>(na)], edge.name);
            }
            queue.push_back(edge.node);
        }
    }
    return w;
}

// Collects matches from a finished walk: attributes of the same name on paired nodes, then the slot
// variables paired through their (variable, optimizer, slot name).
class MatchCollector {
public:
    MatchCollector(
        const BundleReader& a, const BundleReader& b, std::vector<int>& aToB, std::vector<int>& bToA)
        : m_a(a)
        , m_b(b)
        , m_aToB(aToB)
        , m_bToA(bToA)
    { }

    void pairAttributes(const ObjectGraph::Node& na, const ObjectGraph::Node& nb, const std::string& pathA,
        const std::string& pathB, std::vector<VariableMatch>* out)
    {
        for (const auto& attrA : na.attributes) {
            const ObjectGraph::Attribute* attrB = nullptr;
            for (const auto& candidate : nb.attributes)
                if (candidate.name == attrA.name) attrB = &candidate;
            if (!attrB) continue;
            const int ea = m_a.indexOf(attrA.key), eb = m_b.indexOf(attrB->key);
            if (ea < 0 || eb < 0 || m_aToB[static_cast<size_t>(ea)] >= 0
                || m_bToA[static_cast<size_t>(eb)] >= 0)
                continue;
            m_aToB[static_cast<size_t>(ea)] = eb;
            m_bToA[static_cast<size_t>(eb)] = ea;
            ++count;
            if (out) out->push_back({ ea, eb, MatchMethod::ObjectGraph, pathA, pathB, -1 });
        }
    }

    void collect(
        const ObjectGraph& ga, const ObjectGraph& gb, const GraphWalk& w, std::vector<VariableMatch>* out)
    {
        for (int na : w.order) {
            const int nb = w.toB[static_cast<size_t>(na)];
            pairAttributes(ga.nodes[static_cast<size_t>(na)], gb.nodes[static_cast<size_t>(nb)],
                w.pathA[static_cast<size_t>(na)], w.pathB[static_cast<size_t>(na)], out);
        }
        // Slot variables hang off their optimizer, which may sit outside the walked subtree (a checkpoint's
        // root-level `optimizer` next to its `model`): pair them through (matched variable, slot name),
        // preferring the B optimizer the walk paired with A's, else the only candidate.
        std::unordered_map<std::string, std::vector<std::pair<int, const ObjectGraph::Slot*>>> slotsB;
        for (size_t opt = 0; opt < gb.nodes.size(); ++opt)
            for (const auto& t : gb.nodes[opt].slots)
                slotsB[std::to_string(t.original) + "/" + t.name].push_back({ static_cast<int>(opt), &t });
        for (size_t optA = 0; optA < ga.nodes.size(); ++optA)
            for (const auto& s : ga.nodes[optA].slots) {
                const int originalB = w.toB[static_cast<size_t>(s.original)];
                if (originalB < 0) continue;
                auto it = slotsB.find(std::to_string(originalB) + "/" + s.name);
                if (it == slotsB.end()) continue;
                const ObjectGraph::Slot* t = nullptr;
                for (const auto& [optB, candidate] : it->second)
                    if (optB == w.toB[optA]) t = candidate;
                if (!t && it->second.size() == 1) t = it->second[0].second;
                if (!t) continue;
                const std::string suffix = "/.OPTIMIZER_SLOT/" + escapeLocalName(s.name);
                pairAttributes(ga.nodes[static_cast<size_t>(s.slot)], gb.nodes[static_cast<size_t>(t->slot)],
                    w.pathA[static_cast<size_t>(s.original)] + suffix,
                    w.pathB[static_cast<size_t>(s.original)] + suffix, out);
            }
    }

    uint64_t count = 0;

private:
    const BundleReader& m_a;
    const BundleReader& m_b;
    std::vector<int>& m_aToB;
    std::vector<int>& m_bToA;
};

struct RootPair {
    int a = 0, b = 0;
    std::string pathA, pathB;
};

// How many child names of `x` (graph gx) also name a child of `y` (graph gy): a cheap hint of which
// root pairs deserve a full walk.
size_t sharedChildNames(const ObjectGraph& gx, int x, const ObjectGraph& gy, int y)
{
    std::unordered_map<std::string, int> names;
    for (const auto& e : gy.nodes[static_cast<size_t>(y)].children)
        names.emplace(e.name, e.node);
    size_t n = 0;
    for (const auto& e : gx.nodes[static_cast<size_t>(x)].children)
        n += names.count(e.name);
    return n;
}

// The roots to try: both roots, and each root's most promising children against the other root (a
// checkpoint's `model` against a SavedModel's root, or the reverse). At most three of each side.
std::vector<RootPair> rootCandidates(const ObjectGraph& ga, const ObjectGraph& gb)
{
    std::vector<RootPair> out { { 0, 0, "", "" } };
    auto addSide = [&](const ObjectGraph& gx, const ObjectGraph& gy, bool xIsA) {
        std::vector<std::pair<size_t, const ObjectGraph::Edge*>> scored;
        for (const auto& e : gx.nodes[0].children)
            if (e.node != 0)
                if (size_t s = sharedChildNames(gx, e.node, gy, 0); s > 0) scored.push_back({ s, &e });
        std::stable_sort(scored.begin(), scored.end(), [](auto& l, auto& r) { return l.first > r.first; });
        for (size_t i = 0; i < scored.size() && i < 3; ++i) {
            const auto& e = *scored[i].second;
            if (xIsA)
                out.push_back({ e.node, 0, escapeLocalName(e.name), "" });
            else
                out.push_back({ 0, e.node, "", escapeLocalName(e.name) });
        }
    };
    addSide(ga, gb, true);
    addSide(gb, ga, false);
    return out;
}

void matchByObjectGraph(const BundleReader& a, const BundleReader& b, const ObjectGraph& ga,
    const ObjectGraph& gb, std::vector<int>& aToB, std::vector<int>& bToA, VariableMapping& mapping)
{
    if (ga.nodes.empty() || gb.nodes.empty()) return;
    const std::vector<RootPair> candidates = rootCandidates(ga, gb);
    RootPair best = candidates.front();
    uint64_t bestCount = 0;
    bool first = true;
    // A lone candidate (two graphs of one model) needs no trial walk: at 100,000 variables it cost as
    // much as the real one.
    if (candidates.size() > 1)
        for (const auto& root : candidates) {
            std::vector<int> scratchA(aToB.size(), -1), scratchB(bToA.size(), -1);
            MatchCollector counter(a, b, scratchA, scratchB);
            counter.collect(
                ga, gb, walkTogether(ga, gb, root.a, root.b, root.pathA, root.pathB, false), nullptr);
            if (first || counter.count > bestCount) best = root, bestCount = counter.count;
            first = false;
        }
    MatchCollector collector(a, b, aToB, bToA);
    collector.collect(ga, gb, walkTogether(ga, gb, best.a, best.b, best.pathA, best.pathB), &mapping.matches);
    mapping.objectGraph = true;
    mapping.rootA = best.pathA;
    mapping.rootB = best.pathB;
}

std::optional<ObjectGraph> graphOrWarning(
    const BundleReader& bundle, const char* side, VariableMapping& mapping)
{
    auto graph = readObjectGraph(bundle);
    if (graph) return std::move(*graph);
    Status warning = graph.status();
    mapping.warnings.push_back(Status(ErrorCode::Note,
        std::string("artifact ") + side + ": " + warning.message() + "; its variables were matched by name")
                                   .withTensor(std::string(kObjectGraphKey)));
    return std::nullopt;
}

} // namespace

const char* matchMethodName(MatchMethod method)
{
    switch (method) {
    case MatchMethod::ObjectGraph:
        return "object_graph";
    case MatchMethod::Name:
        return "name";
    case MatchMethod::Rule:
        return "rule";
    }
    return "name";
}

bool takesPartInMapping(const TensorEntry& entry)
{
    return entry.key != kObjectGraphKey;
}

VariableMapping mapVariables(const BundleReader& a, const BundleReader& b, const MappingOptions& options)
{
    VariableMapping mapping;
    const auto& ea = a.entries();
    const auto& eb = b.entries();
    std::vector<int> aToB(ea.size(), -1), bToA(eb.size(), -1);

    if (options.useObjectGraph) {
        auto ga = graphOrWarning(a, "A", mapping);
        auto gb = graphOrWarning(b, "B", mapping);
        if (ga && gb) matchByObjectGraph(a, b, *ga, *gb, aToB, bToA, mapping);
    }
    auto unmatched = [&](int i, int j) {
        return aToB[static_cast<size_t>(i)] < 0 && bToA[static_cast<size_t>(j)] < 0
            && takesPartInMapping(ea[static_cast<size_t>(i)])
            && takesPartInMapping(eb[static_cast<size_t>(j)]);
    };
    auto add = [&](int i, int j, MatchMethod how, int rule) {
        aToB[static_cast<size_t>(i)] = j;
        bToA[static_cast<size_t>(j)] = i;
        mapping.matches.push_back({ i, j, how, {}, {}, rule });
    };
    if (options.useNames)
        for (size_t i = 0; i < ea.size(); ++i) {
            const int j = b.indexOf(ea[i].key);
            if (j >= 0 && unmatched(static_cast<int>(i), j))
                add(static_cast<int>(i), j, MatchMethod::Name, -1);
        }
    for (size_t i = 0; i < ea.size(); ++i)
        for (size_t r = 0; r < options.rules.size() && aToB[i] < 0; ++r) {
            auto renamed = options.rules[r].apply(ea[i].key);
            if (!renamed) continue;
            const int j = b.indexOf(*renamed);
            if (j >= 0 && unmatched(static_cast<int>(i), j))
                add(static_cast<int>(i), j, MatchMethod::Rule, static_cast<int>(r));
        }

    std::sort(mapping.matches.begin(), mapping.matches.end(),
        [](const VariableMatch& l, const VariableMatch& r) { return l.a < r.a; });
    for (size_t i = 0; i < ea.size(); ++i)
        if (aToB[i] < 0 && takesPartInMapping(ea[i])) mapping.onlyInA.push_back(static_cast<int>(i));
    for (size_t j = 0; j < eb.size(); ++j)
        if (bToA[j] < 0 && takesPartInMapping(eb[j])) mapping.onlyInB.push_back(static_cast<int>(j));
    return mapping;
}

} // namespace tscope::io
