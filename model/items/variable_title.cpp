#include "model/items/variable_title.h"

#include "io/variable_tree.h"

#include <QObject>

namespace tscope::model {

namespace {
constexpr std::string_view kAttributes = "/.ATTRIBUTES/";

// The object path of a TF2 key ("a/b/.ATTRIBUTES/VARIABLE_VALUE" -> "a/b"), the key itself otherwise.
std::string pathOfKey(const std::string& key)
{
    const auto at = key.find(kAttributes);
    return at == std::string::npos ? key : key.substr(0, at);
}

std::string attributeOfKey(const std::string& key)
{
    const auto at = key.find(kAttributes);
    return at == std::string::npos ? std::string() : key.substr(at + kAttributes.size());
}
} // namespace

VariableTitle variableTitle(const io::Artifact& a, int entry)
{
    if (!a.bundle || entry < 0 || static_cast<size_t>(entry) >= a.bundle->entries().size()) return {};
    const auto& e = a.bundle->entries()[static_cast<size_t>(entry)];
    const io::EntryAnnotation* an = static_cast<size_t>(entry) < a.tree.annotations.size()
        ? &a.tree.annotations[static_cast<size_t>(entry)]
        : nullptr;
    auto q = [](const std::string& s) { return QString::fromStdString(s); };
    if (an && an->role == io::EntryRole::Slot) {
        // Named after the variable it belongs to, as that variable's title says it.
        const int owner = a.bundle->indexOf(an->details().slotOfKey);
        std::string owned = owner >= 0 && static_cast<size_t>(owner) < a.tree.annotations.size()
                && !a.tree.annotations[static_cast<size_t>(owner)].objectPath.empty()
            ? a.tree.annotations[static_cast<size_t>(owner)].objectPath
            : pathOfKey(an->details().slotOfKey);
        if (owned.empty()) owned = pathOfKey(e.key);
        const QString slot = q(an->details().slotName.empty() ? std::string("?") : an->details().slotName);
        return { QObject::tr("%1 · slot %2").arg(q(owned), slot),
            an->details().optimizerPath.empty() ? QObject::tr("optimizer slot %1 of %2").arg(slot, q(owned))
                                                : QObject::tr("optimizer slot %1 of %2 (optimizer: %3)")
                                                      .arg(slot, q(owned), q(an->details().optimizerPath)) };
    }
    const std::string path = an && !an->objectPath.empty() ? an->objectPath : pathOfKey(e.key);
    const std::string attribute = attributeOfKey(e.key);
    if (an && an->role == io::EntryRole::ObjectGraph)
        return { q(e.key), QObject::tr("object graph of the checkpoint") };
    if (!attribute.empty() && attribute != "VARIABLE_VALUE") {
        QString role = attribute == "table-keys" ? QObject::tr("lookup table keys")
            : attribute == "table-values"        ? QObject::tr("lookup table values")
                                                 : QObject::tr("saved attribute %1").arg(q(attribute));
        return { QObject::tr("%1 · %2").arg(q(path), q(attribute)), role };
    }
    // A Keras optimizer's slot the object graph does not link (`optimizer/_variables/3`): named after its
    // variable like a recorded slot, so the histogram and exports say "dense/kernel · slot m", not the
    // storage path. An inferred link says so in the title too (a guess must not read as fact); an
    // undecided one keeps the storage path. The link line under the title gives the reason.
    if (an && an->details().slotLink.confidence != io::SlotLinkConfidence::None) {
        const io::SlotLink& sl = an->details().slotLink;
        const QString slot = sl.slotName.empty() ? QObject::tr("optimizer slot")
                                                 : QObject::tr("slot %1").arg(q(sl.slotName));
        const QString stored = QObject::tr("stored at %1").arg(q(path));
        const bool linked = !sl.variableKey.empty()
            && (sl.confidence == io::SlotLinkConfidence::LinkedByGraph
                || sl.confidence == io::SlotLinkConfidence::Inferred);
        if (!linked)
            return { sl.slotName.empty() ? q(path) : QObject::tr("%1 · %2").arg(q(path), slot),
                QObject::tr("optimizer slot, its variable %1")
                    .arg(sl.confidence == io::SlotLinkConfidence::Ambiguous
                            ? QObject::tr("undecided (ambiguous)")
                            : QObject::tr("unknown (unlinked)")) };
        const int owner = a.bundle->indexOf(sl.variableKey);
        const std::string ownerPath = owner >= 0 && static_cast<size_t>(owner) < a.tree.annotations.size()
                && !a.tree.annotations[static_cast<size_t>(owner)].objectPath.empty()
            ? a.tree.annotations[static_cast<size_t>(owner)].objectPath
            : pathOfKey(sl.variableKey);
        const QString of = q(sl.variablePath.empty() ? ownerPath : sl.variablePath);
        if (sl.confidence == io::SlotLinkConfidence::Inferred)
            return { QObject::tr("%1 · %2 (inferred)").arg(of, slot),
                QObject::tr("optimizer slot of %1, inferred from order and shapes; %2").arg(of, stored) };
        return { QObject::tr("%1 · %2").arg(of, slot),
            QObject::tr("optimizer slot of %1; %2").arg(of, stored) };
    }
    if (an && an->optimizerState) return { q(path), QObject::tr("optimizer state") };
    // SavedModels: the variable's own name (`dense/kernel`) says more than its object path (`variables/3`),
    // which the inspector shows under the title.
    if (an && an->role == io::EntryRole::Variable && !an->details().variableName.empty())
        return { q(an->details().variableName), QObject::tr("variable") };
    if (an && an->role == io::EntryRole::Variable) return { q(path), QObject::tr("variable") };
    return { q(path), QObject::tr("tensor") };
}

} // namespace tscope::model
