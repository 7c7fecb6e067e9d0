#include "io/compare/pair_status.h"

namespace tscope::io {
namespace {

bool sameStored(const StoredBytes& a, const StoredBytes& b)
{
    return a.size == b.size && a.maskedCrc == b.maskedCrc;
}

} // namespace

const char* pairStatusName(PairStatus status)
{
    switch (status) {
    case PairStatus::OnlyInA:
        return "only_in_a";
    case PairStatus::OnlyInB:
        return "only_in_b";
    case PairStatus::DtypeChanged:
        return "dtype_changed";
    case PairStatus::ShapeChanged:
        return "shape_changed";
    case PairStatus::Identical:
        return "identical";
    case PairStatus::Changed:
        return "changed";
    }
    return "changed";
}

MetadataVerdict classifyByMetadata(const TensorEntry& a, const TensorEntry& b)
{
    if (a.dtype != b.dtype) return MetadataVerdict::DtypeChanged;
    if (a.shape != b.shape) return MetadataVerdict::ShapeChanged;
    if (!a.problem.isOk() || !b.problem.isOk()) return MetadataVerdict::NeedsData;
    if (a.partitioned() != b.partitioned()) return MetadataVerdict::NeedsData;
    if (!a.partitioned())
        return sameStored(a.stored, b.stored) ? MetadataVerdict::SameChecksum : MetadataVerdict::NeedsData;
    if (a.slices.size() != b.slices.size()) return MetadataVerdict::NeedsData;
    for (size_t i = 0; i < a.slices.size(); ++i) {
        const auto& sa = a.slices[i];
        const auto& sb = b.slices[i];
        if (!sa.found || !sb.found || sa.extents.size() != sb.extents.size()
            || !sameStored(sa.stored, sb.stored))
            return MetadataVerdict::NeedsData;
        for (size_t d = 0; d < sa.extents.size(); ++d)
            if (sa.extents[d].start != sb.extents[d].start || sa.extents[d].length != sb.extents[d].length)
                return MetadataVerdict::NeedsData;
    }
    return MetadataVerdict::SameChecksum;
}

} // namespace tscope::io
