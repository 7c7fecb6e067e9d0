#include "io/export/export_items.h"

#include <set>

namespace tscope::io {

std::string exportName(const BundleReader& bundle, const VariableTree& tree, size_t entry, ExportNames names)
{
    const std::string& key = bundle.entries()[entry].key;
    if (names == ExportNames::Key || entry >= tree.annotations.size()) return key;
    const std::string& path = tree.annotations[entry].objectPath;
    if (path.empty()) return key;
    static constexpr std::string_view kAttributes = "/.ATTRIBUTES/";
    const size_t at = key.rfind(kAttributes);
    if (at == std::string::npos) return path;
    const std::string attribute = key.substr(at + kAttributes.size());
    return attribute == "VARIABLE_VALUE" ? path : path + "/" + attribute;
}

Result<ExportSelection> selectExportItems(const BundleReader& bundle, const VariableTree& tree,
    ExportNames names, const std::function<std::string(DType)>& supports, bool skipUnsupported)
{
    ExportSelection out;
    std::vector<std::string> refused;
    std::set<std::string> seen;
    const auto& entries = bundle.entries();
    for (size_t i = 0; i < entries.size(); ++i) {
        const TensorEntry& e = entries[i];
        if (e.key == kObjectGraphKey) continue;
        if (!e.problem.isOk()) return e.problem;
        const std::string why = supports(e.dtype);
        if (!why.empty()) {
            (skipUnsupported ? out.skipped : refused).push_back(e.key + ": " + why);
            continue;
        }
        ExportItem item { exportName(bundle, tree, i, names), i };
        if (!seen.insert(item.name).second)
            return Status(ErrorCode::InvalidArgument,
                "two tensors would have the same name \"" + item.name + "\"; use --names key")
                .withTensor(e.key);
        out.items.push_back(std::move(item));
    }
    if (!refused.empty()) {
        std::string msg = "the format cannot hold " + std::to_string(refused.size())
            + " tensor(s) (--skip-unsupported leaves them out): ";
        for (size_t i = 0; i < refused.size() && i < 5; ++i)
            msg += (i ? "; " : "") + refused[i];
        if (refused.size() > 5) msg += "; ...";
        return Status(ErrorCode::Unsupported, msg);
    }
    return out;
}

} // namespace tscope::io
