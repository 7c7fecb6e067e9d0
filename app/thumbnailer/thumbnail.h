// A file manager's icon for a checkpoint or SavedModel: what kind it is, how many parameters it holds and
// its dtype mix (a bar split by parameters), painted from the index alone (never tensor data).
#pragma once

#include "io/artifact.h"

#include <QColor>
#include <QImage>
#include <QString>
#include <vector>

namespace tscope::app {

struct ThumbnailFacts {
    bool savedModel = false;
    quint64 parameters = 0;
    quint64 bytes = 0;
    std::vector<io::DTypeTotals> byDtype; // most parameters first
};

ThumbnailFacts thumbnailFacts(const io::Artifact& artifact);

// 487 -> "487", 55879 -> "55.9K", 1234567 -> "1.2M": short enough for a 128 px icon, locale-free.
QString compactCount(quint64 n);

// The colour a dtype gets in the bar (one per family: floats, integers, strings, booleans, other).
QColor dtypeColor(io::DType dtype);

// A `size` x `size` image (transparent around a card). The bar sits in rows barTop(size)..+barHeight(size).
QImage paintThumbnail(const ThumbnailFacts& facts, int size);
int thumbnailBarTop(int size);
int thumbnailBarHeight(int size);
int thumbnailBarLeft(int size);
int thumbnailBarWidth(int size);

} // namespace tscope::app
