// What a matched pair's metadata alone says: dtype or shape changed, identical by stored checksums, or
// that the bytes must be read to know. No tensor data is touched here.
#pragma once

#include "io/bundle_reader.h"

namespace tscope::io {

enum class PairStatus { OnlyInA, OnlyInB, DtypeChanged, ShapeChanged, Identical, Changed };
const char* pairStatusName(PairStatus status); // only_in_a, only_in_b, dtype_changed, ...

enum class MetadataVerdict {
    DtypeChanged,
    ShapeChanged,
    SameChecksum, // same dtype, shape, stored size and stored CRC32C: identical unless CRC32C collides
    NeedsData, // same dtype and shape; only the bytes can tell
};

// Partitioned tensors compare slice by slice: all slices must agree in extents, size and CRC.
MetadataVerdict classifyByMetadata(const TensorEntry& a, const TensorEntry& b);

} // namespace tscope::io
