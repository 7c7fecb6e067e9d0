#include "model/items/variable_filter_match.h"

#include "io/artifact.h"
#include "model/items/variable_tree_model.h"

#include <QRegularExpression>
#include <QStringMatcher>

namespace tscope::model {

namespace {
constexpr size_t kCancelStride = 4096; // nodes between looks at the cancel token
}

std::shared_ptr<const FilterTexts> buildFilterTexts(
    const io::Artifact& artifact, const io::CancelToken* cancel)
{
    const auto& nodes = artifact.tree.nodes;
    auto texts = std::make_shared<FilterTexts>(nodes.size());
    for (size_t id = 1; id < nodes.size(); ++id) {
        if ((id % kCancelStride) == 0 && cancel && cancel->isCancelled()) return nullptr;
        if (nodes[id].entry >= 0) // only variables and slots match by themselves
            (*texts)[id] = VariableTreeModel::filterText(artifact, static_cast<int>(id)).toCaseFolded();
    }
    return texts;
}

std::shared_ptr<const std::vector<uint8_t>> matchFilterTexts(
    const FilterTexts& texts, const QString& text, bool regularExpression, const io::CancelToken* cancel)
{
    const QString folded = text.toCaseFolded();
    // Built here, not shared with the caller: each thread matches with its own objects.
    QRegularExpression regex;
    if (regularExpression) {
        regex.setPattern(folded);
        if (!regex.isValid()) return nullptr;
        regex.optimize();
    }
    const QStringMatcher matcher(folded, Qt::CaseSensitive); // both sides are folded
    auto out = std::make_shared<std::vector<uint8_t>>(texts.size(), 0);
    for (size_t id = 0; id < texts.size(); ++id) {
        if ((id % kCancelStride) == 0 && cancel && cancel->isCancelled()) return nullptr;
        const QString& hay = texts[id];
        if (hay.isEmpty()) continue;
        // Boyer-Moore skips ahead on long needles; Qt's vectorised search wins on short ones (a
        // 1-character needle would step one by one).
        (*out)[id] = regularExpression ? regex.match(hay).hasMatch()
            : folded.size() >= 4       ? matcher.indexIn(hay) >= 0
                                       : hay.contains(folded);
    }
    return out;
}

} // namespace tscope::model
