#include "io/bundle_reader.h"

#include "io/byte_order.h"
#include "io/crc32c.h"
#include "io/dtype.h"
#include "io/table_reader.h"
#include "tensor_bundle.pb.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <google/protobuf/arena.h>
#include <map>
#include <new>

namespace tscope::io {
namespace {

constexpr int kDtString = 7;
constexpr int kDtResource = 20;
constexpr int kDtVariant = 21;
constexpr int32_t kMaxShards = 1 << 20;
constexpr uint64_t kCrcChunk = 16u << 20; // CRC in 16 MiB steps so cancel stays responsive

Shape shapeFromProto(const tensorflow::TensorShapeProto& proto, Status& problem)
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

StoredBytes storedFromProto(const tensorflow::BundleEntryProto& proto, Status& problem)
{
    StoredBytes s;
    s.dtype = proto.dtype();
    s.shape = shapeFromProto(proto.shape(), problem);
    s.shard = proto.shard_id();
    s.offset = static_cast<uint64_t>(proto.offset());
    s.size = static_cast<uint64_t>(proto.size());
    s.maskedCrc = proto.crc32c();
    return s;
}

// Everything that can be checked without touching the data file.
Status checkStored(const StoredBytes& s, int32_t numShards)
{
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
    } else if (s.dtype == kDtString && s.size < *count + 4) {
        return Status(ErrorCode::Corrupt, "string tensor is smaller than its element count allows")
            .withOffset(s.offset);
    }
    return Status::ok();
}

uint32_t crcOf(std::span<const std::byte> bytes, const CancelToken* cancel, bool& cancelled)
{
    uint32_t c = 0;
    for (size_t pos = 0; pos < bytes.size(); pos += kCrcChunk) {
        if (cancel && cancel->isCancelled()) {
            cancelled = true;
            return 0;
        }
        size_t n = std::min<size_t>(kCrcChunk, bytes.size() - pos);
        c = crc32c::extend(c, bytes.data() + pos, n);
    }
    return c;
}

bool readVarint64(const std::byte*& p, const std::byte* end, uint64_t& out)
{
    out = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
        if (p >= end) return false;
        auto b = static_cast<uint8_t>(*p++);
        out |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

void extendLe(uint32_t& crc, uint64_t v, int bytes)
{
    unsigned char buf[8];
    for (int i = 0; i < bytes; ++i)
        buf[i] = static_cast<unsigned char>((v >> (8 * i)) & 0xff);
    crc = crc32c::extend(crc, buf, static_cast<size_t>(bytes));
}

// Variant tensors are not decoded, but their framing and CRC can still be verified (§2.4).
Status verifyVariantBytes(std::span<const std::byte> bytes, uint64_t count, uint32_t maskedCrc)
{
    const std::byte* p = bytes.data();
    const std::byte* end = p + bytes.size();
    uint32_t c = 0;
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t len = 0;
        if (!readVarint64(p, end, len) || len > static_cast<uint64_t>(end - p)
            || static_cast<uint64_t>(end - p) - len < 4)
            return Status(
                ErrorCode::Corrupt, "variant element " + std::to_string(i) + " runs past the stored bytes");
        extendLe(c, len, 8);
        c = crc32c::extend(c, p, len);
        p += len;
        uint32_t stored = 0;
        std::memcpy(&stored, p, 4);
        if (stored != crc32c::mask(c))
            return Status(
                ErrorCode::ChecksumMismatch, "variant element " + std::to_string(i) + " checksum mismatch");
        c = crc32c::extend(c, p, 4);
        p += 4;
    }
    if (crc32c::mask(c) != maskedCrc)
        return Status(ErrorCode::ChecksumMismatch, "variant tensor CRC32C mismatch");
    return Status::ok();
}

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

Status parseHeader(std::string_view bytes, BundleHeader& h, const std::string& indexName)
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
    if (h.numShards <= 0 || h.numShards > kMaxShards)
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

// Fast path for the common BundleEntryProto: fields 1-6 and a shape of plain dim sizes. Anything
// else (slices, dim names, unknown fields, malformed bytes) returns false and protobuf decides.
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
            out.dtype = static_cast<int32_t>(static_cast<uint32_t>(v));
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

} // namespace

uint64_t TensorEntry::elementCount() const
{
    return shapeElementCount(shape).value_or(0);
}

uint64_t TensorEntry::byteSize() const
{
    if (!partitioned()) return stored.size;
    uint64_t total = 0;
    for (const auto& s : slices)
        total += s.stored.size;
    return total;
}

std::filesystem::path bundleDataPath(const std::filesystem::path& prefix, int32_t shard, int32_t numShards)
{
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, ".data-%05d-of-%05d", shard, numShards);
    return prefix.string() + suffix;
}

std::filesystem::path BundleReader::indexPath() const
{
    return m_prefix.string() + ".index";
}
std::filesystem::path BundleReader::dataPath(int32_t shard) const
{
    return bundleDataPath(m_prefix, shard, m_header.numShards);
}

Result<std::shared_ptr<BundleReader>> BundleReader::open(
    const std::filesystem::path& prefix, const OpenOptions& options)
{
    auto reader = std::shared_ptr<BundleReader>(new BundleReader());
    reader->m_prefix = prefix;
    const std::string indexName = reader->indexPath().string();

    auto file = MappedFile::open(reader->indexPath());
    if (!file) return file.status();
    TableReadOptions tableOptions;
    tableOptions.cancel = options.cancel;
    tableOptions.progress = options.progress;

    // One streaming pass: the header first, then slice records (they sort right after it), then tensors.
    auto& h = reader->m_header;
    Status fatal;
    bool sawHeader = false;
    bool unsorted = false;
    std::string previous;
    std::map<std::string, StoredBytes> sliceRecords;
    std::map<std::string, bool> sliceUsed;
    // Entries the fast decoder declines are parsed on an arena reset every few thousand rows.
    google::protobuf::Arena arena;
    uint64_t row = 0;
    reader->m_entries.reserve(static_cast<size_t>((*file)->size() / 64)); // ~40-byte entries: avoids regrowth
    auto visit = [&](std::string_view key, std::string_view value) -> bool {
        if (!sawHeader) {
            sawHeader = true;
            if (!key.empty()) {
                fatal = Status(
                    ErrorCode::Corrupt, "the index has no header entry (not a TensorFlow checkpoint index)")
                            .withPath(indexName);
                return false;
            }
            fatal = parseHeader(value, h, indexName);
            return fatal.isOk();
        }
        if (!unsorted && row > 0 && key <= std::string_view(previous)) unsorted = true;
        previous.assign(key);
        ++row;
        StoredBytes fast;
        const bool isFast = decodeEntryFast(value, fast);
        tensorflow::BundleEntryProto* proto = nullptr;
        bool parsed = isFast;
        if (!isFast) {
            if ((row & 4095) == 0) arena.Reset();
            proto = google::protobuf::Arena::CreateMessage<tensorflow::BundleEntryProto>(&arena);
            parsed = proto->ParseFromArray(value.data(), static_cast<int>(value.size()));
        }
        if (isSliceKey(key)) {
            Status problem;
            if (parsed) sliceRecords[std::string(key)] = isFast ? fast : storedFromProto(*proto, problem);
            return true;
        }
        TensorEntry entry;
        entry.key.assign(key);
        if (!parsed) {
            entry.problem = Status(ErrorCode::Corrupt, "its index entry cannot be parsed")
                                .withTensor(entry.key)
                                .withPath(indexName);
            reader->m_entries.push_back(std::move(entry));
            return true;
        }
        entry.stored = isFast ? std::move(fast) : storedFromProto(*proto, entry.problem);
        entry.dtype = entry.stored.dtype;
        entry.shape = entry.stored.shape;
        if (proto && proto->slices_size() > 0) {
            for (const auto& sliceProto : proto->slices()) {
                TensorSliceRef ref;
                for (const auto& e : sliceProto.extent())
                    ref.extents.push_back({ e.start(),
                        e.has_length_case() == tensorflow::TensorSliceProto::Extent::kLength ? e.length()
                                                                                             : -1 });
                ref.key = encodeSliceKey(entry.key, ref.extents);
                entry.slices.push_back(std::move(ref));
            }
        } else if (entry.problem.isOk()) {
            entry.problem = checkStored(entry.stored, h.numShards);
        }
        if (entry.problem.isOk() && !shapeElementCount(entry.shape))
            entry.problem = Status(ErrorCode::Corrupt, "absurd shape " + shapeToString(entry.shape));
        if (!entry.problem.isOk()) entry.problem.withTensor(entry.key).withPath(indexName);
        reader->m_entries.push_back(std::move(entry));
        return true;
    };
    auto table = scanTable(*file, tableOptions, visit);
    if (!table) return table.status();
    reader->m_indexBlocks = table->dataBlocks;
    if (!fatal.isOk()) return fatal;
    if (!sawHeader) {
        if (!table->damage.isOk()) return table->damage;
        return Status(ErrorCode::Corrupt, "the index has no header entry (not a TensorFlow checkpoint index)")
            .withPath(indexName);
    }
    if (!table->damage.isOk()) reader->m_warnings.push_back(table->damage);
    if (unsorted)
        reader->m_warnings.push_back(
            Status(ErrorCode::Corrupt, "index keys are not sorted").withPath(indexName));

    for (auto& entry : reader->m_entries) {
        for (auto& ref : entry.slices) {
            auto it = sliceRecords.find(ref.key);
            if (it == sliceRecords.end()) {
                if (entry.problem.isOk())
                    entry.problem = Status(
                        ErrorCode::Corrupt, "a slice of this partitioned variable is missing from the index")
                                        .withTensor(entry.key)
                                        .withPath(indexName);
                continue;
            }
            ref.found = true;
            ref.stored = it->second;
            sliceUsed[ref.key] = true;
            Status s = checkStored(ref.stored, h.numShards);
            if (s.isOk() && ref.stored.dtype != entry.dtype)
                s = Status(ErrorCode::Corrupt, "a slice's dtype differs from its variable's");
            if (!s.isOk() && entry.problem.isOk())
                entry.problem = std::move(s).withTensor(entry.key).withPath(indexName);
        }
    }
    for (const auto& [key, stored] : sliceRecords)
        if (!sliceUsed.count(key))
            reader->m_warnings.push_back(
                Status(ErrorCode::Corrupt, "a slice record belongs to no listed variable")
                    .withTensor(sliceKeyTensorName(key))
                    .withPath(indexName));
    // The table is sorted already; only a damaged one needs sorting (lookups binary-search).
    auto byKey = [](const TensorEntry& a, const TensorEntry& b) { return a.key < b.key; };
    if (!std::is_sorted(reader->m_entries.begin(), reader->m_entries.end(), byKey))
        std::sort(reader->m_entries.begin(), reader->m_entries.end(), byKey);

    reader->m_shards.reserve(static_cast<size_t>(std::min(h.numShards, 4096)));
    for (int32_t i = 0; i < h.numShards && i < 4096; ++i)
        reader->m_shards.push_back(MappedFile::open(reader->dataPath(i)));
    for (int32_t i = 0; i < static_cast<int32_t>(reader->m_shards.size()); ++i)
        if (!reader->m_shards[static_cast<size_t>(i)])
            reader->m_warnings.push_back(reader->m_shards[static_cast<size_t>(i)].status());
    return reader;
}

const TensorEntry* BundleReader::find(std::string_view key) const
{
    int i = indexOf(key);
    return i < 0 ? nullptr : &m_entries[static_cast<size_t>(i)];
}

int BundleReader::indexOf(std::string_view key) const
{
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key,
        [](const TensorEntry& e, std::string_view k) { return std::string_view(e.key) < k; });
    if (it == m_entries.end() || it->key != key) return -1;
    return static_cast<int>(it - m_entries.begin());
}

Result<std::shared_ptr<MappedFile>> BundleReader::shard(int32_t index) const
{
    if (index < 0 || index >= m_header.numShards)
        return Status(ErrorCode::Corrupt, "no data shard " + std::to_string(index));
    if (static_cast<size_t>(index) >= m_shards.size()) return MappedFile::open(dataPath(index));
    const auto& s = m_shards[static_cast<size_t>(index)];
    if (!s) {
        Status st = s.status();
        if (st.code() == ErrorCode::NotFound)
            return Status(ErrorCode::NotFound, "data file is missing").withPath(dataPath(index).string());
        return st;
    }
    return s.value();
}

Result<Tensor> BundleReader::readStored(
    const std::string& key, const StoredBytes& stored, const ReadOptions& options) const
{
    auto fail = [&](Status s) -> Result<Tensor> { return std::move(s).withTensor(key); };
    if (stored.dtype == kDtResource || stored.dtype == kDtVariant)
        return fail(Status(ErrorCode::Unsupported,
            std::string(dtypeName(stored.dtype)) + " tensors are listed but not decoded"));
    DTypeInfo info = dtypeInfo(stored.dtype);
    if (info.kind == DTypeKind::Unknown)
        return fail(Status(ErrorCode::Unsupported, "unsupported dtype " + std::to_string(stored.dtype)));
    TSCOPE_RETURN_IF_ERROR(checkStored(stored, m_header.numShards).withTensor(key));
    auto file = shard(stored.shard);
    if (!file) return fail(file.status());
    auto bytes = (*file)->bytes(stored.offset, stored.size);
    if (!bytes) return fail(bytes.status());
    const uint64_t count = *shapeElementCount(stored.shape);

    if (stored.dtype == kDtString) {
        auto strings = decodeStringTensor(*bytes, count, stored.maskedCrc, options.verifyCrc);
        if (!strings)
            return fail(
                std::move(strings).status().withPath((*file)->path().string()).withOffset(stored.offset));
        return Tensor::strings(stored.shape, std::move(strings.value()));
    }
    if (options.verifyCrc) {
        bool cancelled = false;
        uint32_t c = crcOf(*bytes, options.cancel, cancelled);
        if (cancelled) return fail(Status(ErrorCode::Cancelled, "cancelled"));
        if (crc32c::mask(c) != stored.maskedCrc)
            return fail(Status(ErrorCode::ChecksumMismatch, "tensor bytes do not match their CRC32C checksum")
                            .withPath((*file)->path().string())
                            .withOffset(stored.offset));
    }
    if (m_header.bigEndian && info.elementSize > 1) {
        std::vector<std::byte> swapped(bytes->begin(), bytes->end());
        size_t unit = info.kind == DTypeKind::Complex ? info.elementSize / 2 : info.elementSize;
        byteSwapInPlace(swapped, unit);
        return Tensor::owned(stored.dtype, stored.shape, std::move(swapped));
    }
    return Tensor::borrowed(stored.dtype, stored.shape, *bytes, *file);
}

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
        if (entry.dtype == kDtString)
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
            if (!part) return part.status();
            forEachSliceRun(entry.shape, s.extents, [&](uint64_t src, uint64_t dst, uint64_t run) {
                if (entry.dtype == kDtString) {
                    for (uint64_t k = 0; k < run; ++k)
                        strings[dst + k] = part->stringValues()[src + k];
                } else {
                    std::memcpy(full.data() + dst * info.elementSize,
                        part->bytes().data() + src * info.elementSize, run * info.elementSize);
                }
            });
        }
        if (entry.dtype == kDtString) return Tensor::strings(entry.shape, std::move(strings));
        return Tensor::owned(entry.dtype, entry.shape, std::move(full));
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::Io, "not enough memory to assemble this partitioned variable")
            .withTensor(entry.key);
    }
}

Result<Tensor> BundleReader::read(const TensorEntry& entry, const ReadOptions& options) const
{
    if (!entry.problem.isOk()) return entry.problem;
    if (entry.partitioned()) return assemble(entry, options);
    return readStored(entry.key, entry.stored, options);
}

VerifyReport BundleReader::verify(const CancelToken* cancel, const ProgressFn& progress) const
{
    VerifyReport report;
    auto add = [&](Status s) {
        report.ok = false;
        report.problems.push_back(std::move(s));
    };
    // The index again, with every block CRC.
    if (auto file = MappedFile::open(indexPath())) {
        auto table = readTable(*file, {});
        report.filesChecked++;
        if (!table)
            add(table.status());
        else {
            report.blocksChecked = table->dataBlocks + 1;
            if (!table->damage.isOk()) add(table->damage);
        }
    } else {
        add(file.status());
    }
    for (int32_t i = 0; i < m_header.numShards && i < 4096; ++i) {
        auto s = shard(i);
        if (!s)
            add(s.status());
        else
            report.filesChecked++;
    }
    uint64_t total = 0, done = 0;
    for (const auto& e : m_entries)
        total += e.byteSize();
    ReadOptions options;
    options.verifyCrc = true;
    options.cancel = cancel;
    auto check = [&](const std::string& key, const StoredBytes& stored) {
        if (stored.dtype == kDtVariant) {
            auto file = shard(stored.shard);
            if (!file) return add(std::move(file).status().withTensor(key));
            auto bytes = (*file)->bytes(stored.offset, stored.size);
            if (!bytes) return add(std::move(bytes).status().withTensor(key));
            Status s
                = verifyVariantBytes(*bytes, shapeElementCount(stored.shape).value_or(0), stored.maskedCrc);
            if (!s.isOk())
                add(std::move(s)
                        .withTensor(key)
                        .withPath((*file)->path().string())
                        .withOffset(stored.offset));
        } else {
            auto t = readStored(key, stored, options);
            if (!t && t.status().code() != ErrorCode::Cancelled) add(t.status());
        }
        report.tensorsChecked++;
        report.bytesChecked += stored.size;
    };
    for (const auto& e : m_entries) {
        if (shouldStop(cancel, progress, done, total)) {
            add(Status(ErrorCode::Cancelled, "verification cancelled"));
            return report;
        }
        if (!e.problem.isOk()) {
            add(e.problem);
            continue;
        }
        if (e.partitioned())
            for (const auto& s : e.slices)
                check(e.key, s.stored); // problems name the variable, not the binary slice key
        else
            check(e.key, e.stored);
        done += e.byteSize();
    }
    for (const auto& w : m_warnings)
        if (w.code() != ErrorCode::NotFound) add(w); // missing shards were reported above
    shouldStop(cancel, progress, total, total);
    return report;
}

Result<std::vector<std::string>> decodeStringTensor(
    std::span<const std::byte> bytes, uint64_t count, uint32_t maskedCrc, bool verifyCrc)
{
    if (count > bytes.size())
        return Status(ErrorCode::Corrupt, "string tensor declares more elements than its bytes can hold");
    const std::byte* p = bytes.data();
    const std::byte* end = p + bytes.size();
    std::vector<uint64_t> lengths(count);
    uint32_t c = 0;
    uint64_t totalLength = 0;
    for (uint64_t i = 0; i < count; ++i) {
        if (!readVarint64(p, end, lengths[i]))
            return Status(ErrorCode::Corrupt, "string lengths run past the stored bytes");
        extendLe(c, lengths[i], lengths[i] <= 0xFFFFFFFFu ? 4 : 8);
        if (lengths[i] > bytes.size() || totalLength + lengths[i] > bytes.size())
            return Status(ErrorCode::Corrupt, "string lengths exceed the stored bytes");
        totalLength += lengths[i];
    }
    if (end - p < 4) return Status(ErrorCode::Corrupt, "string tensor has no length checksum");
    uint32_t storedLengthCrc = 0;
    std::memcpy(&storedLengthCrc, p, 4);
    if (storedLengthCrc != crc32c::mask(c))
        return Status(ErrorCode::ChecksumMismatch, "the string lengths do not match their checksum");
    c = crc32c::extend(c, p, 4);
    p += 4;
    if (static_cast<uint64_t>(end - p) < totalLength)
        return Status(ErrorCode::Corrupt, "string bytes run past the stored size");
    const std::byte* stringsStart = p;
    std::vector<std::string> out;
    out.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
        out.emplace_back(reinterpret_cast<const char*>(p), lengths[i]);
        p += lengths[i];
    }
    if (verifyCrc) {
        c = crc32c::extend(c, stringsStart, totalLength);
        if (crc32c::mask(c) != maskedCrc)
            return Status(
                ErrorCode::ChecksumMismatch, "string tensor bytes do not match their CRC32C checksum");
    }
    return out;
}

} // namespace tscope::io
