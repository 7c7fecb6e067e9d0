#include "io/bundle_rewrite.h"

#include "io/atomic_file.h"
#include "io/bundle_writer.h"
#include "io/byte_order.h"
#include "io/variable_tree.h"
#include "io/variant_encoding.h"

#include <algorithm>
#include <map>

namespace tscope::io {
namespace {

// One stored piece of tensor data: a whole entry, or slice `slice` of a partitioned one.
struct Piece {
    int32_t shard = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
    size_t entry = 0;
    int slice = -1;
};

// Bytes as the data file holds them: big-endian bundles get their elements swapped back.
Status addFixed(BundleWriter& writer, const std::string& key, const Tensor& t, bool bigEndian, int32_t shard)
{
    const DTypeInfo info = dtypeInfo(t.dtype());
    if (!bigEndian || t.isString() || info.elementSize <= 1) return writer.addTensor(key, t, shard);
    std::vector<std::byte> swapped(t.bytes().begin(), t.bytes().end());
    byteSwapInPlace(swapped, info.kind == DTypeKind::Complex ? info.elementSize / 2 : info.elementSize);
    return writer.add(key, t.dtype(), t.shape(), swapped, shard);
}

Status addVariant(BundleWriter& writer, const BundleReader& source, const std::string& key,
    const StoredBytes& stored, int32_t shard)
{
    auto file = source.shard(stored.shard);
    if (!file) return file.status();
    auto bytes = (*file)->bytes(stored.offset, stored.size);
    if (!bytes) return bytes.status();
    auto elements = decodeVariantTensor(*bytes, shapeElementCount(stored.shape).value_or(0));
    if (!elements) return std::move(elements).status().withTensor(key);
    return writer.addVariant(key, stored.shape, *elements, shard);
}

} // namespace

Result<Tensor> extractSlice(const Tensor& full, const std::vector<SliceExtent>& extents)
{
    const Shape& shape = full.shape();
    if (extents.size() != shape.size())
        return Status(ErrorCode::Corrupt, "slice rank differs from the tensor's rank");
    Shape start(shape.size()), count(shape.size());
    for (size_t d = 0; d < shape.size(); ++d) {
        start[d] = extents[d].length < 0 ? 0 : extents[d].start;
        count[d] = extents[d].length < 0 ? shape[d] : extents[d].length;
        if (start[d] < 0 || count[d] < 0 || start[d] + count[d] > shape[d])
            return Status(ErrorCode::Corrupt, "slice extends past the tensor");
    }
    const uint64_t n = shapeElementCount(count).value_or(0);
    const size_t esize = full.isString() ? 0 : dtypeInfo(full.dtype()).elementSize;
    std::vector<std::byte> bytes(n * esize);
    std::vector<std::string> strings;
    if (full.isString()) strings.reserve(n);
    // Walk the slice's rows (all dims but the last) and copy each contiguous run.
    const size_t rank = shape.size();
    const int64_t run = rank == 0 ? 1 : count[rank - 1];
    std::vector<int64_t> idx(rank == 0 ? 0 : rank - 1, 0);
    uint64_t written = 0;
    while (n > 0) {
        uint64_t src = 0;
        for (size_t d = 0; d < rank; ++d) {
            const int64_t i = d + 1 < rank ? start[d] + idx[d] : start[d];
            src = src * static_cast<uint64_t>(shape[d]) + static_cast<uint64_t>(i);
        }
        if (full.isString()) {
            for (int64_t k = 0; k < run; ++k)
                strings.push_back(full.stringValues()[src + static_cast<uint64_t>(k)]);
        } else {
            std::copy_n(full.bytes().data() + src * esize, static_cast<size_t>(run) * esize,
                bytes.data() + written * esize);
        }
        written += static_cast<uint64_t>(run);
        if (written >= n) break;
        size_t d = idx.size();
        while (d > 0) {
            --d;
            if (++idx[d] < count[d]) break;
            idx[d] = 0;
        }
    }
    if (full.isString()) return Tensor::strings(count, std::move(strings));
    return Tensor::owned(full.dtype(), count, std::move(bytes));
}

Result<RewriteReport> rewriteBundle(
    const BundleReader& source, const std::filesystem::path& outPrefix, const RewriteOptions& options)
{
    const auto& entries = source.entries();
    std::vector<Piece> pieces;
    uint64_t total = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
        const TensorEntry& e = entries[i];
        if (options.keep && !options.keep(e)) continue;
        if (!e.problem.isOk()) return e.problem;
        if (!e.partitioned()) {
            pieces.push_back({ e.stored.shard, e.stored.offset, e.stored.size, i, -1 });
            total += e.stored.size;
            continue;
        }
        for (size_t s = 0; s < e.slices.size(); ++s) {
            const auto& slice = e.slices[s];
            if (!slice.found)
                return Status(ErrorCode::Corrupt, "a slice of this partitioned variable has no entry")
                    .withTensor(e.key);
            pieces.push_back(
                { slice.stored.shard, slice.stored.offset, slice.stored.size, i, static_cast<int>(s) });
            total += slice.stored.size;
        }
    }
    // TensorFlow's data files hold tensors in the order they were added: reproduce that order.
    // An empty tensor shares its offset with the tensor added after it, so it goes first.
    std::stable_sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
        if (a.shard != b.shard) return a.shard < b.shard;
        if (a.offset != b.offset) return a.offset < b.offset;
        return a.size == 0 && b.size != 0;
    });

    BundleWriter::Options wo;
    wo.numShards = source.header().numShards;
    wo.bigEndian = source.header().bigEndian;
    wo.producer = source.header().producer;
    wo.minConsumer = source.header().minConsumer;
    wo.replaceExisting = options.replaceExisting;
    wo.durability = options.durability;
    BundleWriter writer(outPrefix, wo);

    std::map<size_t, Tensor> assembled; // partitioned variables, read once, kept until their last slice
    std::map<size_t, size_t> slicesLeft;
    for (const auto& p : pieces)
        if (p.slice >= 0) ++slicesLeft[p.entry];
    RewriteReport report;
    for (const auto& p : pieces) {
        if (shouldStop(options.cancel, options.progress, report.bytes, total))
            return Status(ErrorCode::Cancelled, "export cancelled");
        const TensorEntry& e = entries[p.entry];
        ReadOptions ro;
        ro.cancel = options.cancel;
        if (p.slice < 0) {
            if (options.objectGraph && e.key == kObjectGraphKey) {
                TSCOPE_RETURN_IF_ERROR(writer.addStrings(e.key, {}, { *options.objectGraph }, p.shard));
            } else if (isDType(e.dtype, DType::Variant)) {
                TSCOPE_RETURN_IF_ERROR(addVariant(writer, source, e.key, e.stored, p.shard));
            } else {
                auto t = source.read(e, ro);
                if (!t) return t.status();
                TSCOPE_RETURN_IF_ERROR(addFixed(writer, e.key, *t, source.header().bigEndian, p.shard));
            }
        } else {
            auto it = assembled.find(p.entry);
            if (it == assembled.end()) {
                auto t = source.read(e, ro);
                if (!t) return t.status();
                it = assembled.emplace(p.entry, std::move(t.value())).first;
            }
            const auto& slice = e.slices[static_cast<size_t>(p.slice)];
            auto part = extractSlice(it->second, slice.extents);
            if (!part) return std::move(part).status().withTensor(e.key);
            TSCOPE_RETURN_IF_ERROR(addFixed(writer, slice.key, *part, source.header().bigEndian, p.shard));
            if (--slicesLeft[p.entry] == 0) assembled.erase(it);
        }
        report.bytes += p.size;
        ++report.tensors;
    }
    for (const auto& e : entries) {
        if (!e.partitioned() || (options.keep && !options.keep(e))) continue;
        std::vector<std::vector<SliceExtent>> extents;
        for (const auto& s : e.slices)
            extents.push_back(s.extents);
        writer.addPartitionedRecord(e.key, e.dtype, e.shape, extents, e.stored.shard);
        ++report.tensors;
    }
    TSCOPE_RETURN_IF_ERROR(writer.finish());
    if (options.progress) options.progress(total, total);
    return report;
}

} // namespace tscope::io
