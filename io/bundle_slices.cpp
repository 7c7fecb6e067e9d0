// Reassembling a partitioned variable from its stored slices.
#include "io/bundle_reader.h"
#include "io/dtype.h"

#include <cstring>
#include <new>

namespace tscope::io {
namespace {

// Walks the row-major runs of a slice inside the full tensor: calls fn(srcIndex, dstIndex, runLength).
template <typename Fn> void forEachSliceRun(const Shape& full, const std::vector<SliceExtent>& extents, Fn fn)
{
    const size_t rank = full.size();
    if (rank == 0) {
        fn(0, 0, 1);
        return;
    }
    Shape start(rank), len(rank);
    for (size_t d = 0; d < rank; ++d) {
        bool whole = d >= extents.size() || extents[d].length < 0;
        start[d] = whole ? 0 : extents[d].start;
        len[d] = whole ? full[d] : extents[d].length;
    }
    for (auto l : len)
        if (l == 0) return;
    std::vector<uint64_t> fullStride(rank, 1);
    for (size_t d = rank - 1; d > 0; --d)
        fullStride[d - 1] = fullStride[d] * static_cast<uint64_t>(full[d]);
    const auto run = static_cast<uint64_t>(len[rank - 1]);
    std::vector<int64_t> idx(rank - 1, 0); // odometer over all but the last dimension
    uint64_t src = 0;
    while (true) {
        uint64_t dst = static_cast<uint64_t>(start[rank - 1]);
        for (size_t d = 0; d + 1 < rank; ++d)
            dst += static_cast<uint64_t>(start[d] + idx[d]) * fullStride[d];
        fn(src, dst, run);
        src += run;
        size_t d = rank - 1;
        while (d > 0 && ++idx[d - 1] >= len[d - 1]) {
            idx[d - 1] = 0;
            --d;
        }
        if (d == 0) return;
    }
}

} // namespace

Result<Tensor> BundleReader::assemble(const TensorEntry& entry, const ReadOptions& options) const
{
    const uint64_t count = entry.elementCount();
    DTypeInfo info = dtypeInfo(entry.dtype);
    // Slices must hold at least as many elements as the whole tensor before we allocate it.
    uint64_t covered = 0;
    for (const auto& s : entry.slices)
        covered += shapeElementCount(s.stored.shape).value_or(0);
    if (covered < count)
        return Status(ErrorCode::Corrupt, "the slices of this partitioned variable do not cover it")
            .withTensor(entry.key);
    // Every slice's bytes must exist before the full tensor is allocated: the stored shapes alone could
    // claim gigabytes that a small file does not hold.
    for (const auto& s : entry.slices) {
        auto file = shard(s.stored.shard);
        if (!file) return std::move(file).status().withTensor(entry.key);
        auto bytes = (*file)->bytes(s.stored.offset, s.stored.size);
        if (!bytes) return std::move(bytes).status().withTensor(entry.key);
    }
    try {
        std::vector<std::byte> full;
        std::vector<std::string> strings;
        Status integrity; // the first damaged slice, when reading with keepDamaged
        if (isDType(entry.dtype, DType::String))
            strings.resize(count);
        else
            full.resize(count * info.elementSize);
        for (const auto& s : entry.slices) {
            if (options.cancel && options.cancel->isCancelled())
                return Status(ErrorCode::Cancelled, "cancelled");
            // The slice shape must match its extents inside the full shape.
            for (size_t d = 0; d < entry.shape.size(); ++d) {
                bool whole = d >= s.extents.size() || s.extents[d].length < 0;
                int64_t start = whole ? 0 : s.extents[d].start;
                int64_t len = whole ? entry.shape[d] : s.extents[d].length;
                if (s.stored.shape.size() != entry.shape.size() || s.stored.shape[d] != len || start < 0
                    || start > entry.shape[d] - len)
                    return Status(ErrorCode::Corrupt, "a slice lies outside its partitioned variable")
                        .withTensor(entry.key);
            }
            auto part = readStored(entry.key, s.stored, options);
            Status copied;
            if (!part) return part.status();
            forEachSliceRun(entry.shape, s.extents, [&](uint64_t src, uint64_t dst, uint64_t run) {
                if (isDType(entry.dtype, DType::String)) {
                    for (uint64_t k = 0; k < run; ++k)
                        strings[dst + k] = part->stringValues()[src + k];
                } else if (copied.isOk()) {
                    copied = part->copyTo(src * info.elementSize,
                        std::span<std::byte>(full.data() + dst * info.elementSize, run * info.elementSize));
                }
            });
            if (!copied.isOk()) return std::move(copied).withTensor(entry.key);
            if (integrity.isOk() && !part->integrity().isOk()) integrity = part->integrity();
        }
        Tensor t = isDType(entry.dtype, DType::String)
            ? Tensor::strings(entry.shape, std::move(strings))
            : Tensor::owned(entry.dtype, entry.shape, std::move(full));
        t.setIntegrity(std::move(integrity));
        return t;
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::OutOfMemory, "not enough memory to assemble this partitioned variable")
            .withTensor(entry.key);
    }
}

} // namespace tscope::io
