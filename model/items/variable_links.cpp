#include "model/items/variable_links.h"

#include "io/optimizer_slots.h"
#include "io/variable_tree.h"

#include <QObject>

namespace tscope::model {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

// The optimizer's name as a prefix for a person ("Adam " for TF1's Adam, "actor_optimizer " for a
// tf.train.Checkpoint attribute); nothing when the attribute is plain "optimizer", which adds nothing.
QString optimizerPrefix(const std::string& path)
{
    const auto slash = path.rfind('/');
    const QString name = q(slash == std::string::npos ? path : path.substr(slash + 1));
    return name.isEmpty() || name.compare(QLatin1String("optimizer"), Qt::CaseInsensitive) == 0
        ? QString()
        : name + QLatin1Char(' ');
}

QString pathOf(const io::Artifact& a, const std::string& key)
{
    const int i = a.bundle->indexOf(key);
    if (i >= 0 && static_cast<size_t>(i) < a.tree.annotations.size()
        && !a.tree.annotations[static_cast<size_t>(i)].objectPath.empty())
        return q(a.tree.annotations[static_cast<size_t>(i)].objectPath);
    return q(key);
}
} // namespace

QString confidenceInWords(io::SlotLinkConfidence c)
{
    switch (c) {
    case io::SlotLinkConfidence::None:
        return {};
    case io::SlotLinkConfidence::LinkedByGraph:
        return QObject::tr("linked by the checkpoint's object graph");
    case io::SlotLinkConfidence::Inferred:
        return QObject::tr("inferred from order and shapes");
    case io::SlotLinkConfidence::Ambiguous:
        return QObject::tr("ambiguous");
    case io::SlotLinkConfidence::Unlinked:
        return QObject::tr("unlinked");
    }
    return {};
}

VariableLinks variableLinks(const io::Artifact& a, int entry)
{
    VariableLinks out;
    if (!a.bundle || entry < 0 || static_cast<size_t>(entry) >= a.tree.annotations.size()) return out;
    const auto& an = a.tree.annotations[static_cast<size_t>(entry)];
    const auto& key = a.bundle->entries()[static_cast<size_t>(entry)].key;
    const io::SlotLink& sl = an.details().slotLink;
    if (sl.confidence != io::SlotLinkConfidence::None) {
        out.isSlot = true;
        out.confidence = sl.confidence;
        out.confidenceWords = confidenceInWords(sl.confidence);
        out.reason = q(sl.reason);
        const QString slot = sl.slotName.empty()
            ? (sl.slotList.empty() ? QObject::tr("a slot") : QObject::tr("a slot in %1").arg(q(sl.slotList)))
            : q(sl.slotName);
        const bool linked = sl.confidence == io::SlotLinkConfidence::LinkedByGraph
            || sl.confidence == io::SlotLinkConfidence::Inferred;
        if (linked && !sl.variableKey.empty()) {
            out.variableKey = sl.variableKey;
            const QString of = sl.variablePath.empty() ? pathOf(a, sl.variableKey) : q(sl.variablePath);
            out.link = optimizerPrefix(sl.optimizerPath) + QObject::tr("%1 of %2").arg(slot, of);
        } else {
            out.link = QObject::tr("%1 of %2, variable %3")
                           .arg(slot, q(sl.optimizerPath),
                               sl.confidence == io::SlotLinkConfidence::Ambiguous ? QObject::tr("undecided")
                                                                                  : QObject::tr("unknown"));
        }
        return out;
    }
    if (!an.details().variableName.empty() && an.details().variableName != an.objectPath) {
        out.realName = q(an.details().variableName);
        out.objectPath = q(an.objectPath);
    }
    out.foundAt = q(an.details().foundAt);
    for (const auto& alias : an.details().aliases)
        out.aliases << q(alias);
    if (!an.details().twinOf.empty()) out.twinOf = pathOf(a, an.details().twinOf);
    // This variable's ownSlots: every slot whose link names it, in the bundle's (sorted key) order.
    for (size_t i = 0; i < a.tree.annotations.size(); ++i) {
        const io::SlotLink& other = a.tree.annotations[i].details().slotLink;
        const bool linked = other.confidence == io::SlotLinkConfidence::LinkedByGraph
            || other.confidence == io::SlotLinkConfidence::Inferred;
        if (!linked || other.variableKey != key) continue;
        out.ownSlots.push_back(
            { a.bundle->entries()[i].key, other.slotName.empty() ? QObject::tr("slot") : q(other.slotName),
                other.confidence == io::SlotLinkConfidence::Inferred });
    }
    return out;
}

} // namespace tscope::model
