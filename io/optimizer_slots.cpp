#include "io/optimizer_slots.h"

#include "io/object_graph_view.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

namespace tscope::io {
namespace {

using Graph = ObjectGraphView;

// Above this many (slots x candidates) the order-preserving match is not attempted (memory and time).
constexpr size_t kMaxMatchCells = 8'000'000;

bool isIndexName(std::string_view s)
{
    return !s.empty() && s.size() < 10
        && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The elements of a tracked Python list (children named 0, 1, ...) in index order; empty when `id` is no
// list.
std::vector<int> listElements(const Graph& g, int id)
{
    const auto& node = g.nodes(id);
    std::vector<std::pair<int, int>> items; // (index, child)
    for (const auto& c : node.children()) {
        if (!isIndexName(c.local_name())) return {};
        if (c.node_id() < 0 || c.node_id() >= g.nodes_size()) return {};
        items.push_back({ std::stoi(std::string(c.local_name())), c.node_id() });
    }
    std::sort(items.begin(), items.end());
    std::vector<int> out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].first != static_cast<int>(i)) return {}; // gaps or duplicates: not a plain list
        out.push_back(items[i].second);
    }
    return out;
}

int childNamed(const Graph& g, int id, const std::string& name)
{
    for (const auto& c : g.nodes(id).children())
        if (c.local_name() == name && c.node_id() >= 0 && c.node_id() < g.nodes_size()) return c.node_id();
    return -1;
}

// Keras' own name of the slots a list holds. Keras 2 reuses `_velocities`/`_momentums` with other slot
// names in RMSprop (recognised by its `_average_gradients` list); Keras 3 names are uniform.
std::string kerasSlotName(const std::string& list, bool keras3, bool rmsprop)
{
    static const std::map<std::string, std::string> keras2 = { { "_momentums", "m" }, { "momentums", "m" },
        { "_velocities", "v" }, { "_velocity_hats", "vhat" }, { "_accumulators", "accumulator" },
        { "_linears", "linear" }, { "_accumulated_grads", "accumulated_grad" },
        { "_accumulated_delta_vars", "accumulated_delta_var" }, { "_m", "m" }, { "_u", "u" }, { "_r", "r" },
        { "_c", "c" }, { "_v", "v" }, { "_model_variables_moving_average", "average" } };
    static const std::map<std::string, std::string> keras2Rmsprop = { { "_velocities", "velocity" },
        { "_momentums", "momentum" }, { "_average_gradients", "average_gradient" },
        { "_model_variables_moving_average", "average" } };
    static const std::map<std::string, std::string> keras3Names = { { "_momentums", "momentum" },
        { "momentums", "momentum" }, { "_velocities", "velocity" }, { "_velocity_hats", "velocity_hat" },
        { "_accumulators", "accumulator" }, { "_linears", "linear" },
        { "_accumulated_grads", "accumulated_grad" }, { "_accumulated_delta_vars", "accumulated_delta_var" },
        { "_m", "momentum" }, { "_u", "norm" }, { "_average_gradients", "average_gradient" },
        { "_model_variables_moving_average", "average" } };
    const auto& table = keras3 ? keras3Names : rmsprop ? keras2Rmsprop : keras2;
    auto it = table.find(list);
    return it == table.end() ? std::string() : it->second;
}

struct SlotList {
    std::string name;
    std::vector<int> nodes;
};

// Optimizer attributes that are not slot lists.
bool isBookkeeping(std::string_view name)
{
    static const std::set<std::string, std::less<>> names = { "_variables", "_trainable_variables",
        "_trainable_variables_indices", "_iterations", "_learning_rate", "_index_dict" };
    return names.count(name) > 0;
}

class Inference {
public:
    Inference(const ObjectGraphIndex& index, const std::vector<char>& alreadySlots)
        : m_g(index.graph)
        , m_index(index)
        , m_alreadySlots(alreadySlots)
    { }

    std::vector<InferredSlot> run();

private:
    int entryOf(int node) const
    {
        return node >= 0 && static_cast<size_t>(node) < m_index.variableEntry.size()
            ? m_index.variableEntry[static_cast<size_t>(node)]
            : -1;
    }
    const TensorEntry* tensorOf(int node) const
    {
        const int e = entryOf(node);
        return e >= 0 ? &m_index.entries[static_cast<size_t>(e)] : nullptr;
    }
    bool fits(int slot, int variable) const
    {
        const TensorEntry* s = tensorOf(slot);
        const TensorEntry* v = tensorOf(variable);
        return s && v && s->dtype == v->dtype && s->shape == v->shape;
    }
    std::string pathOf(int node) const
    {
        const std::string& p = m_index.path[static_cast<size_t>(node)];
        return p.empty() ? "node " + std::to_string(node) : p;
    }
    std::vector<int> modelVariables(const std::set<int>& excluded) const;
    void linkByPosition(const KerasOptimizer& opt, const std::vector<SlotList>& lists);
    void linkByShapes(const KerasOptimizer& opt, const std::vector<SlotList>& lists);
    void add(const KerasOptimizer& opt, const SlotList& list, size_t position, int variable,
        SlotLinkConfidence confidence, std::string reason);

    const Graph& m_g;
    const ObjectGraphIndex& m_index;
    const std::vector<char>& m_alreadySlots;
    std::set<int> m_optimizerNodes; // optimizers and everything they own
    bool m_rmsprop = false;
    std::vector<InferredSlot> m_out;
};

void Inference::add(const KerasOptimizer& opt, const SlotList& list, size_t position, int variable,
    SlotLinkConfidence confidence, std::string reason)
{
    InferredSlot s;
    s.node = list.nodes[position];
    s.entry = entryOf(s.node);
    s.variableNode = variable;
    s.link.confidence = confidence;
    s.link.slotList = list.name;
    s.link.slotName = kerasSlotName(list.name, opt.keras3, m_rmsprop);
    s.link.optimizerPath = pathOf(opt.node);
    s.link.reason = std::move(reason);
    if (variable >= 0 && entryOf(variable) >= 0)
        s.link.variableKey = m_index.entries[static_cast<size_t>(entryOf(variable))].key;
    m_out.push_back(std::move(s));
}

// The model's variables in depth-first order of the object graph (the order Keras lists a model's
// weights: layers in order, each layer's variables in creation order), optimizers left out.
std::vector<int> Inference::modelVariables(const std::set<int>& excluded) const
{
    std::vector<int> out;
    std::vector<char> seen(static_cast<size_t>(m_g.nodes_size()), 0);
    std::vector<int> stack = { 0 };
    seen[0] = 1;
    while (!stack.empty()) {
        const int id = stack.back();
        stack.pop_back();
        if (entryOf(id) >= 0 && !excluded.count(id)) out.push_back(id);
        const auto& children = m_g.nodes(id).children();
        for (int i = children.size() - 1; i >= 0; --i) {
            const int c = children[i].node_id();
            if (c < 0 || c >= m_g.nodes_size() || seen[static_cast<size_t>(c)]) continue;
            if (excluded.count(c)) continue;
            if (id == 0 && children[i].local_name() == "save_counter") continue;
            seen[static_cast<size_t>(c)] = 1;
            stack.push_back(c);
        }
    }
    return out;
}

// Keras 3: the i-th slot of every list belongs to the i-th of `_trainable_variables`.
void Inference::linkByPosition(const KerasOptimizer& opt, const std::vector<SlotList>& lists)
{
    const auto& trained = opt.trainableVariables;
    for (const auto& list : lists)
        for (size_t i = 0; i < list.nodes.size(); ++i) {
            if (list.nodes.size() != trained.size()) {
                add(opt, list, i, -1, SlotLinkConfidence::Unlinked,
                    list.name + " holds " + std::to_string(list.nodes.size())
                        + " slots but the optimizer tracks " + std::to_string(trained.size()) + " variables");
                continue;
            }
            const int v = trained[i];
            if (!fits(list.nodes[i], v)) {
                add(opt, list, i, -1, SlotLinkConfidence::Unlinked,
                    "position " + std::to_string(i) + " of " + list.name + " differs in shape or dtype from "
                        + pathOf(v) + ", position " + std::to_string(i) + " of _trainable_variables");
                continue;
            }
            add(opt, list, i, v, SlotLinkConfidence::Inferred,
                "Keras 3 layout: position " + std::to_string(i) + " of " + list.name + " belongs to position "
                    + std::to_string(i) + " of the optimizer's _trainable_variables (same shape and dtype)");
        }
}

// Keras 2.11+: no record of the trained variables. They are an order-preserving choice among the model's
// variables (frozen ones left out) whose shapes fit every list; a slot is linked only when every such
// choice gives it the same variable.
void Inference::linkByShapes(const KerasOptimizer& opt, const std::vector<SlotList>& lists)
{
    // All slot lists of one optimizer index the same variables: use the most common length.
    std::map<size_t, int> lengths;
    for (const auto& l : lists)
        ++lengths[l.nodes.size()];
    size_t n = 0;
    int best = 0;
    for (const auto& [len, count] : lengths)
        if (count > best || (count == best && len > n)) n = len, best = count;

    const std::vector<int> candidates = modelVariables(m_optimizerNodes);
    const size_t m = candidates.size();
    auto attempt = [&](const std::vector<const SlotList*>& joint, std::vector<std::vector<int>>& options) {
        // fwd[i][j]: slots [0, i) fit within candidates [0, j); bwd[i][j]: slots [i, n) within [j, m).
        auto fitsAll = [&](size_t i, size_t j) {
            for (const SlotList* l : joint)
                if (!fits(l->nodes[i], candidates[j])) return false;
            return true;
        };
        std::vector<std::vector<char>> fit(n, std::vector<char>(m, 0));
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < m; ++j)
                fit[i][j] = fitsAll(i, j);
        std::vector<std::vector<char>> fwd(n + 1, std::vector<char>(m + 1, 0));
        std::vector<std::vector<char>> bwd(n + 1, std::vector<char>(m + 1, 0));
        for (size_t j = 0; j <= m; ++j)
            fwd[0][j] = 1, bwd[n][j] = 1;
        for (size_t i = 1; i <= n; ++i)
            for (size_t j = 1; j <= m; ++j)
                fwd[i][j] = fwd[i][j - 1] || (fit[i - 1][j - 1] && fwd[i - 1][j - 1]);
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;)
                bwd[i][j] = bwd[i][j + 1] || (fit[i][j] && bwd[i + 1][j + 1]);
        if (!fwd[n][m]) return false;
        options.assign(n, {});
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < m; ++j)
                if (fit[i][j] && fwd[i][j] && bwd[i + 1][j + 1]) options[i].push_back(candidates[j]);
        return true;
    };

    std::vector<const SlotList*> joint;
    for (const auto& l : lists)
        if (l.nodes.size() == n) joint.push_back(&l);
    std::vector<std::vector<int>> options;
    bool matched = false;
    bool everyVariable = n > 0 && n == m; // every model variable trained: the one choice is all, in order
    for (size_t i = 0; everyVariable && i < n; ++i)
        for (const SlotList* l : joint)
            everyVariable = everyVariable && fits(l->nodes[i], candidates[i]);
    if (everyVariable) {
        options.assign(n, {});
        for (size_t i = 0; i < n; ++i)
            options[i] = { candidates[i] };
        matched = true;
    } else if (n > 0 && n <= m && n * m <= kMaxMatchCells) {
        matched = attempt(joint, options);
        if (!matched) { // a list whose slots are not shaped like their variables (factored): leave it out
            std::vector<const SlotList*> alone, shaped;
            for (const SlotList* l : joint) {
                alone = { l };
                std::vector<std::vector<int>> unused;
                if (attempt(alone, unused)) shaped.push_back(l);
            }
            if (!shaped.empty() && shaped.size() < joint.size()) {
                joint = shaped;
                matched = attempt(joint, options);
            }
        }
    }
    const std::string model = std::to_string(m) + " model variables";
    for (const auto& list : lists) {
        const bool inJoint = std::find(joint.begin(), joint.end(), &list) != joint.end();
        for (size_t i = 0; i < list.nodes.size(); ++i) {
            if (list.nodes.size() != n) {
                add(opt, list, i, -1, SlotLinkConfidence::Unlinked,
                    list.name + " holds " + std::to_string(list.nodes.size())
                        + " slots, the optimizer's other lists " + std::to_string(n));
            } else if (!matched && n * m > kMaxMatchCells) {
                add(opt, list, i, -1, SlotLinkConfidence::Unlinked,
                    "too many variables to infer the layout (" + std::to_string(n) + " slots per list, "
                        + model + ")");
            } else if (!matched || !inJoint) {
                add(opt, list, i, -1, SlotLinkConfidence::Unlinked,
                    "no order-preserving choice of the " + model + " has the shapes and dtypes of "
                        + list.name + "'s " + std::to_string(n) + " slots");
            } else if (options[i].size() == 1) {
                add(opt, list, i, options[i][0], SlotLinkConfidence::Inferred,
                    "Keras 2.11+ layout: slot " + std::to_string(i) + " of " + list.name
                        + "; every order-preserving choice of " + std::to_string(n) + " of the " + model
                        + " with these shapes gives it this variable (assumes the optimizer was built with "
                          "the "
                          "model's trainable variables in the model's order)");
            } else {
                std::string names;
                for (size_t k = 0; k < options[i].size() && k < 3; ++k)
                    names += (k ? ", " : "") + pathOf(options[i][k]);
                if (options[i].size() > 3) names += ", ...";
                add(opt, list, i, -1, SlotLinkConfidence::Ambiguous,
                    std::to_string(options[i].size()) + " model variables fit slot " + std::to_string(i)
                        + " of " + list.name + " (" + names
                        + "): the checkpoint does not record which variables the optimizer trained "
                          "(frozen layers or identical shapes)");
            }
        }
    }
}

std::vector<InferredSlot> Inference::run()
{
    const auto optimizers = findKerasOptimizers(m_g);
    // Everything an optimizer owns is not a model variable (Keras 3's _trainable_variables excepted: those
    // are the model's, reached through the optimizer).
    for (const auto& opt : optimizers) {
        std::vector<int> stack = { opt.node };
        const std::set<int> trained(opt.trainableVariables.begin(), opt.trainableVariables.end());
        while (!stack.empty()) {
            int id = stack.back();
            stack.pop_back();
            if (!m_optimizerNodes.insert(id).second) continue;
            for (const auto& c : m_g.nodes(id).children()) {
                const int child = c.node_id();
                if (child < 0 || child >= m_g.nodes_size() || trained.count(child)) continue;
                if (id == opt.node && c.local_name() == "_trainable_variables") continue;
                stack.push_back(child);
            }
        }
    }
    for (const auto& opt : optimizers) {
        const int vars = childNamed(m_g, opt.node, "_variables");
        const std::vector<int> all = listElements(m_g, vars);
        const std::unordered_set<int> inVariables(all.begin(), all.end());
        std::vector<SlotList> lists;
        std::set<int> direct; // iterations, learning rate, Nadam's u_product: optimizer state, no slot
        m_rmsprop = false;
        for (const auto& c : m_g.nodes(opt.node).children()) {
            const int id = c.node_id();
            if (id < 0 || id >= m_g.nodes_size()) continue;
            if (c.local_name() == "_average_gradients") m_rmsprop = true;
            if (entryOf(id) >= 0) direct.insert(id);
            if (isBookkeeping(c.local_name()) || entryOf(id) >= 0) continue;
            std::vector<int> elements = listElements(m_g, id);
            if (elements.empty()) continue;
            bool slotsOnly = true;
            for (int e : elements)
                slotsOnly = slotsOnly && entryOf(e) >= 0 && inVariables.count(e)
                    && !m_alreadySlots[static_cast<size_t>(e)];
            if (slotsOnly) lists.push_back({ std::string(c.local_name()), std::move(elements) });
        }
        if (opt.keras3)
            linkByPosition(opt, lists);
        else
            linkByShapes(opt, lists);
        // Optimizer variables in no list and no attribute of their own: slots of unknown layout.
        std::set<int> listed;
        for (const auto& l : lists)
            listed.insert(l.nodes.begin(), l.nodes.end());
        SlotList rest { "_variables", {} };
        for (int id : all)
            if (entryOf(id) >= 0 && !listed.count(id) && !direct.count(id)
                && !m_alreadySlots[static_cast<size_t>(id)])
                rest.nodes.push_back(id);
        for (size_t i = 0; i < rest.nodes.size(); ++i)
            add(opt, rest, i, -1, SlotLinkConfidence::Unlinked,
                "an optimizer variable that no slot list in the object graph holds: its variable cannot be "
                "determined");
    }
    return std::move(m_out);
}

} // namespace

const char* slotLinkConfidenceName(SlotLinkConfidence c)
{
    switch (c) {
    case SlotLinkConfidence::None:
        return "none";
    case SlotLinkConfidence::LinkedByGraph:
        return "linked-by-graph";
    case SlotLinkConfidence::Inferred:
        return "inferred";
    case SlotLinkConfidence::Ambiguous:
        return "ambiguous";
    case SlotLinkConfidence::Unlinked:
        return "unlinked";
    }
    return "none";
}

std::string slotLinkText(const SlotLink& link)
{
    const std::string what = link.slotName.empty()
        ? "a slot" + (link.slotList.empty() ? std::string() : " in " + link.slotList)
        : link.slotName;
    const std::string of = link.variablePath.empty() ? link.variableKey : link.variablePath;
    switch (link.confidence) {
    case SlotLinkConfidence::None:
        return {};
    case SlotLinkConfidence::LinkedByGraph:
        return what + " of " + of;
    case SlotLinkConfidence::Inferred:
        return "inferred: " + what + " of " + of;
    case SlotLinkConfidence::Ambiguous:
        return "ambiguous: " + what + " of " + link.optimizerPath + " (variable undecided)";
    case SlotLinkConfidence::Unlinked:
        return "unlinked: " + what + " of " + link.optimizerPath + " (variable unknown)";
    }
    return {};
}

std::vector<KerasOptimizer> findKerasOptimizers(const ObjectGraphView& graph)
{
    std::vector<KerasOptimizer> out;
    for (int id = 0; id < graph.nodes_size(); ++id) {
        if (childNamed(graph, id, "_variables") < 0 || childNamed(graph, id, "_iterations") < 0) continue;
        KerasOptimizer opt;
        opt.node = id;
        const int trained = childNamed(graph, id, "_trainable_variables");
        if (trained >= 0) {
            opt.keras3 = true;
            opt.trainableVariables = listElements(graph, trained);
        }
        out.push_back(std::move(opt));
    }
    return out;
}

std::vector<InferredSlot> inferKerasOptimizerSlots(
    const ObjectGraphIndex& index, const std::vector<char>& alreadySlots)
{
    return Inference(index, alreadySlots).run();
}

} // namespace tscope::io
