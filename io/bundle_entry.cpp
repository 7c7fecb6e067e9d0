#include "io/bundle_entry.h"

#include "io/dtype.h"
#include "io/varint.h"
#include "tensor_bundle.pb.h"

#include <algorithm>
#include <cstring>

namespace tscope::io {
namespace {

Shape shapeFromProtoChecked(const tensorflow::TensorShapeProto& proto, Status& problem)
{
    Shape shape;
    if (proto.unknown_rank()) {
        problem = Status(ErrorCode::Corrupt, "stored tensor has an unknown rank");
        return shape;
    }
    shape.reserve(static_cast<size_t>(proto.dim_size()));
    for (const auto& d : proto.dim())
        shape.push_back(d.size());
    return shape;
}

} // namespace

StoredBytes storedFromProto(const tensorflow::BundleEntryProto& proto, Status& problem)
{
    StoredBytes s;
    s.dtype = static_cast<DType>(proto.dtype());
    s.shape = shapeFromProtoChecked(proto.shape(), problem);
    s.shard = proto.shard_id();
    s.offset = static_cast<uint64_t>(proto.offset());
    s.size = static_cast<uint64_t>(proto.size());
    s.maskedCrc = proto.crc32c();
    return s;
}

// Everything that can be checked without touching the data file.
Status checkStored(const StoredBytes& s, int32_t numShards)
{
    if (s.shape.size() > kMaxRank)
        return Status(ErrorCode::Unsupported,
            "rank " + std::to_string(s.shape.size()) + " is above TensorFlow's limit of "
                + std::to_string(kMaxRank) + " dimensions");
    auto count = shapeElementCount(s.shape);
    if (!count)
        return Status(
            ErrorCode::Corrupt, "absurd shape " + shapeToString(s.shape) + " (negative or overflowing)");
    if (s.shard < 0 || s.shard >= numShards)
        return Status(ErrorCode::Corrupt,
            "refers to data shard " + std::to_string(s.shard) + " but the bundle has "
                + std::to_string(numShards));
    if (static_cast<int64_t>(s.offset) < 0 || static_cast<int64_t>(s.size) < 0)
        return Status(ErrorCode::Corrupt, "negative offset or size");
    DTypeInfo info = dtypeInfo(s.dtype);
    if (info.elementSize > 0) {
        if (*count > UINT64_MAX / info.elementSize || *count * info.elementSize != s.size)
            return Status(ErrorCode::Corrupt,
                "stored size " + std::to_string(s.size) + " does not match " + std::string(info.name)
                    + shapeToString(s.shape))
                .withOffset(s.offset);
    } else if (isDType(s.dtype, DType::String) && s.size < *count + 4) {
        return Status(ErrorCode::Corrupt, "string tensor is smaller than its element count allows")
            .withOffset(s.offset);
    }
    return Status::ok();
}

Status parseBundleHeader(std::string_view bytes, BundleHeader& h, const std::string& indexName)
{
    if (!bytes.empty() && static_cast<uint8_t>(bytes[0]) == 0x0A)
        return Status(ErrorCode::Unsupported,
            "not supported: this is a legacy V1 checkpoint table (SavedTensorSlices), not a V2 index")
            .withPath(indexName);
    tensorflow::BundleHeaderProto header;
    if (!header.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        return Status(ErrorCode::Corrupt, "the bundle header cannot be parsed").withPath(indexName);
    h.numShards = header.num_shards();
    h.bigEndian = header.endianness() == tensorflow::BundleHeaderProto::BIG;
    h.producer = header.version().producer();
    h.minConsumer = header.version().min_consumer();
    if (h.numShards <= 0 || h.numShards > kMaxBundleShards)
        return Status(
            ErrorCode::Corrupt, "the bundle header declares " + std::to_string(h.numShards) + " data shards")
            .withPath(indexName);
    if (h.minConsumer > 1
        || std::count(header.version().bad_consumers().begin(), header.version().bad_consumers().end(), 1))
        return Status(ErrorCode::Unsupported,
            "not supported: written by a newer TensorFlow that requires reader version "
                + std::to_string(h.minConsumer))
            .withPath(indexName);
    return Status::ok();
}

// Opening a 100,000-variable index spent most of its time in generic protobuf parsing.
bool decodeEntryFast(std::string_view bytes, StoredBytes& out)
{
    const auto* p = reinterpret_cast<const std::byte*>(bytes.data());
    const auto* end = p + bytes.size();
    uint64_t tag = 0, v = 0;
    bool sawShape = false;
    while (p < end) {
        if (!readVarint64(p, end, tag)) return false;
        switch (tag) {
        case (1 << 3) | 0:
            if (!readVarint64(p, end, v)) return false;
            out.dtype = static_cast<DType>(static_cast<int32_t>(static_cast<uint32_t>(v)));
            break;
        case (2 << 3) | 2: {
            if (sawShape) return false; // a repeated message field merges: leave that to protobuf
            sawShape = true;
            if (!readVarint64(p, end, v) || v > static_cast<uint64_t>(end - p)) return false;
            const std::byte* shapeEnd = p + v;
            out.shape.clear();
            while (p < shapeEnd) {
                if (!readVarint64(p, shapeEnd, tag) || tag != ((2 << 3) | 2)) return false; // only `dim`
                if (!readVarint64(p, shapeEnd, v) || v > static_cast<uint64_t>(shapeEnd - p)) return false;
                const std::byte* dimEnd = p + v;
                int64_t size = 0;
                while (p < dimEnd) {
                    if (!readVarint64(p, dimEnd, tag) || tag != ((1 << 3) | 0)) return false; // only `size`
                    if (!readVarint64(p, dimEnd, v)) return false;
                    size = static_cast<int64_t>(v);
                }
                out.shape.push_back(size);
            }
            break;
        }
        case (3 << 3) | 0:
            if (!readVarint64(p, end, v)) return false;
            out.shard = static_cast<int32_t>(static_cast<uint32_t>(v));
            break;
        case (4 << 3) | 0:
            if (!readVarint64(p, end, v)) return false;
            out.offset = v;
            break;
        case (5 << 3) | 0:
            if (!readVarint64(p, end, v)) return false;
            out.size = v;
            break;
        case (6 << 3) | 5:
            if (end - p < 4) return false;
            std::memcpy(&out.maskedCrc, p, 4);
            p += 4;
            break;
        default:
            return false;
        }
    }
    return true;
}

} // namespace tscope::io
