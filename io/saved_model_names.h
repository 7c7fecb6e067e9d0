// SavedModel variables by their real names. The variables checkpoint of a SavedModel names objects by
// path only (`variables/0`, `_all_variables/3`); the SavedObjectGraph's variable nodes, which share the
// checkpoint's node ids and so its paths, carry each variable's name (`dense/kernel`). Keras 3 exports
// (model.export, ExportArchive) store each weight twice, under `variables/` and `_all_variables/`, with the
// same name and bytes: such twins are grouped as one variable with an alias, counted once.
#pragma once

#include "io/bundle_reader.h"
#include "io/saved_model_reader.h"
#include "io/variable_tree.h"

namespace tscope::io {

// Sets EntryAnnotation::variableName / twinOf / aliases, labels the tree's variable nodes with the name
// (twins: "twin of ..."), marks twin nodes as aliases and recomputes the tree's totals without them.
// Twins are entries of one name, dtype, shape, size and stored CRC32C (the bytes are not read).
void nameSavedModelVariables(
    const SavedModelInfo& savedModel, const BundleReader& bundle, VariableTree& tree);

} // namespace tscope::io
