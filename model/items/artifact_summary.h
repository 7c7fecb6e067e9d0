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

} // namespace tscope::model
