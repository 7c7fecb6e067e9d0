// What the inspector calls one bundle entry: the object path (never the raw checkpoint key with its
// .ATTRIBUTES or .OPTIMIZER_SLOT segments) and, under it, the entry's role in words. Two entries of one
// object (a lookup table's keys and values) get titles that tell them apart.
#pragma once

#include "io/artifact.h"

#include <QString>

namespace tscope::model {

struct VariableTitle {
    QString title; // "dense/kernel", "dense/kernel · slot m", "lookup/_table · table-keys"
    QString role; // "variable", "optimizer slot m of dense/kernel (optimizer: optimizer)", ...
};

VariableTitle variableTitle(const io::Artifact& artifact, int entry);

} // namespace tscope::model
