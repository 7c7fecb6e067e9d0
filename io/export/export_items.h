// Which tensors of a bundle a whole-checkpoint export writes, and under which names: the checkpoint key,
// or the TF2 object path (a variable's VARIABLE_VALUE is named by its object's path, other attributes get
// "/<attribute>", optimizer slots "<variable>/.OPTIMIZER_SLOT/<optimizer>/<slot>"; keys without an
// object keep their key). The object graph itself is metadata, never exported as a weight.
#pragma once

#include "io/bundle_reader.h"
#include "io/status.h"
#include "io/variable_tree.h"

#include <functional>
#include <string>
#include <vector>

namespace tscope::io {

enum class ExportNames { Key, Path };

struct ExportItem {
    std::string name;
    size_t entry = 0; // index into BundleReader::entries()
};

struct ExportSelection {
    std::vector<ExportItem> items;
    std::vector<std::string> skipped; // "<key>: <reason>" for dtypes the format cannot hold (when allowed)
};

// `supports` answers whether the target format can hold a dtype (empty string) or why not. Unsupported
// tensors are an error listing them all, unless `skipUnsupported`. Duplicate names are an error.
Result<ExportSelection> selectExportItems(const BundleReader& bundle, const VariableTree& tree,
    ExportNames names, const std::function<std::string(DType)>& supports, bool skipUnsupported);

// The name of one entry under `names` (the key when it has no object path).
std::string exportName(const BundleReader& bundle, const VariableTree& tree, size_t entry, ExportNames names);

} // namespace tscope::io
