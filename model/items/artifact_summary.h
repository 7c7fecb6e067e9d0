// Numbers for the summary page: kind, version, totals by dtype, optimizer share, largest variables.
#pragma once

#include "io/artifact.h"

#include <QString>

namespace tscope::model {

// Rich text (Qt's HTML subset) for a QTextBrowser; no widgets here.
QString summaryHtml(const io::Artifact& artifact);

struct LargestVariable {
    int entry;
    uint64_t bytes;
};
std::vector<LargestVariable> largestVariables(const io::Artifact& artifact, size_t count);

// How a person names a bundle entry: its TF2 object path (`dense/kernel`), a slot as
// `dense/kernel — slot m` (an inferred one with "(inferred)"), a SavedModel variable by its name and
// object path (`dense/kernel (variables/0)`), else the checkpoint key.
std::string variableDisplayName(const io::Artifact& artifact, int entry);

// "8 linked by inference (the one layout that fits), 2 ambiguous (...)": optimizer slots by how they are
// linked to their variables; empty when there are none.
QString slotLinkSummary(const io::Artifact& artifact);

} // namespace tscope::model
