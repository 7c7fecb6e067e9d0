// The text half of the variable filter as pure functions, so the tree can run it on a worker thread
// (GUI review, defect 3: at 100,000 variables building the texts took 40-100 ms and matching them
// 10-30 ms on the GUI thread). The proxy applies the per-node result in one model reset.
#pragma once

#include "io/cancel.h"

#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace tscope::io {
struct Artifact;
}

namespace tscope::model {

// Per tree node (index = node id): what a text filter matches, case-folded (VariableTreeModel's
// FilterRole: path, label and checkpoint key); empty for the root and inner nodes, which match only
// through a descendant.
using FilterTexts = std::vector<QString>;

// nullptr when `cancel` fired.
std::shared_ptr<const FilterTexts> buildFilterTexts(
    const io::Artifact& artifact, const io::CancelToken* cancel = nullptr);

// Per node: 1 where the text contains `text` ignoring case, or, with `regularExpression`, where the
// case-folded pattern matches the text. nullptr when `cancel` fired or the pattern is invalid.
std::shared_ptr<const std::vector<uint8_t>> matchFilterTexts(const FilterTexts& texts, const QString& text,
    bool regularExpression, const io::CancelToken* cancel = nullptr);

} // namespace tscope::model
