// What the inspector says about how one bundle entry relates to others: a slot's link to its variable
// (with how sure we are and why), and a variable's real name, where it was found, its twins and its
// ownSlots. Pure data from io::VariableTree annotations; the widget only lays it out.
#pragma once

#include "io/artifact.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace tscope::model {

struct SlotOfVariable {
    std::string key; // the slot's checkpoint key (to select it)
    QString name; // "m", "momentum", or "slot" when Keras does not say
    bool inferred = false; // derived from order and shapes, not recorded by the object graph
};

struct VariableLinks {
    // Slots.
    bool isSlot = false;
    io::SlotLinkConfidence confidence = io::SlotLinkConfidence::None;
    QString link; // "Adam m of dense/kernel", "a slot in _momentums of optimizer"
    QString
        confidenceWords; // "linked by the checkpoint's object graph", "inferred from order and shapes", ...
    QString reason;
    std::string variableKey; // the linked variable's key; empty when ambiguous or unlinked
    // Variables.
    QString realName; // SavedModels: the name in the SavedObjectGraph when it differs from the path
    QString objectPath; // then the object path (`variables/3`), since the title shows the real name
    QString foundAt; // Keras 3 checkpoints: optimizer/_trainable_variables/K
    QStringList aliases; // twins' object paths (Keras 3 exports)
    QString twinOf; // on a twin: the path of the variable it repeats
    std::vector<SlotOfVariable> ownSlots;
};

VariableLinks variableLinks(const io::Artifact& artifact, int entry);
QString confidenceInWords(io::SlotLinkConfidence c);

} // namespace tscope::model
