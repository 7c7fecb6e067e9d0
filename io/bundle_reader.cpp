// BundleReader: opening (one streaming pass over the index), lookups, and reading one stored tensor.
// Row decoding is in bundle_entry.cpp, tensor encodings in tensor_encoding.cpp, partitioned variables
// in bundle_slices.cpp and verify() in bundle_verify.cpp.
#include "io/bundle_reader.h"

#include "io/bundle_entry.h"
#include "io/byte_order.h"
#include "io/crc32c.h"
#include "io/dtype.h"
#include "io/guarded_read.h"
#include "io/table_reader.h"
#include "io/tensor_encoding.h"
#include "tensor_bundle.pb.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <google/protobuf/arena.h>
#include <map>
#include <new>

namespace tscope::io {

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
    // Sizes come from the file and are checked before allocating; this is the net for what remains
    // (a huge index under an address-space limit), so no bad_alloc crosses the API.
    try {
        return openUnguarded(prefix, options);
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::OutOfMemory, "not enough memory to read this checkpoint's index")
            .withPath(prefix.string() + ".index");
    }
}

Result<std::shared_ptr<BundleReader>> BundleReader::openUnguarded(
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
    bool previousWasEntry = false;
    std::string previousSliceKey;
    std::map<std::string, StoredBytes> sliceRecords;
    std::map<std::string, bool> sliceUsed;
    // Entries the fast decoder declines are parsed on an arena reset every few thousand rows.
    google::protobuf::Arena arena;
    uint64_t row = 0;
    bool graphAnnounced = false;
    // Index rows take 40-60 bytes (59 for 74-byte TF2 keys with prefix compression): one row per 32 bytes
    // avoids regrowth, which moved every entry once at 100,000 entries; pages never filled cost no memory.
    // Capped: a huge (or sparse) index must not reserve gigabytes before a single entry has been seen.
    reader->m_entries.reserve(
        static_cast<size_t>(std::min<uint64_t>((*file)->size() / 32, uint64_t(1) << 20)));
    auto visit = [&](std::string_view key, std::string_view value) -> bool {
        if (!sawHeader) {
            sawHeader = true;
            if (!key.empty()) {
                fatal = Status(
                    ErrorCode::Corrupt, "the index has no header entry (not a TensorFlow checkpoint index)")
                            .withPath(indexName);
                return false;
            }
            fatal = parseBundleHeader(value, h, indexName);
            return fatal.isOk();
        }
        // The previous row's key: the last entry's own (no copy per row), or the slice key kept below.
        const std::string_view previous = previousWasEntry ? std::string_view(reader->m_entries.back().key)
                                                           : std::string_view(previousSliceKey);
        if (!unsorted && row > 0 && key <= previous) unsorted = true;
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
        previousWasEntry = !isSliceKey(key);
        if (!previousWasEntry) {
            previousSliceKey.assign(key);
            Status problem;
            if (parsed) sliceRecords[std::string(key)] = isFast ? fast : storedFromProto(*proto, problem);
            return true;
        }
        // Built in place: moving a finished entry into the vector cost as much as decoding it.
        TensorEntry& entry = reader->m_entries.emplace_back();
        entry.key.assign(key);
        if (!parsed) {
            entry.problem = Status(ErrorCode::Corrupt, "its index entry cannot be parsed")
                                .withTensor(entry.key)
                                .withPath(indexName);
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
        if (entry.problem.isOk() && entry.shape.size() > kMaxRank)
            entry.problem = Status(ErrorCode::Unsupported,
                "rank " + std::to_string(entry.shape.size()) + " is above TensorFlow's limit of "
                    + std::to_string(kMaxRank) + " dimensions");
        const auto elements = shapeElementCount(entry.shape);
        entry.elements = elements.value_or(0);
        if (entry.problem.isOk() && !elements)
            entry.problem = Status(ErrorCode::Corrupt, "absurd shape " + shapeToString(entry.shape));
        if (!entry.problem.isOk()) entry.problem.withTensor(entry.key).withPath(indexName);
        if (options.onObjectGraph && !graphAnnounced && entry.problem.isOk() && key == kObjectGraphKey
            && !entry.partitioned() && isDType(entry.dtype, DType::String) && entry.elements == 1) {
            graphAnnounced = true;
            options.onObjectGraph(bundleDataPath(prefix, entry.stored.shard, h.numShards), entry.stored);
        }
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
    if (isDType(stored.dtype, DType::Resource) || isDType(stored.dtype, DType::Variant))
        return fail(Status(ErrorCode::Unsupported,
            std::string(dtypeName(stored.dtype)) + " tensors are listed but not decoded"));
    DTypeInfo info = dtypeInfo(stored.dtype);
    if (info.kind == DTypeKind::Unknown)
        return fail(Status(
            ErrorCode::Unsupported, "unsupported dtype " + std::to_string(static_cast<int>(stored.dtype))));
    TSCOPE_RETURN_IF_ERROR(checkStored(stored, m_header.numShards).withTensor(key));
    auto file = shard(stored.shard);
    if (!file) return fail(file.status());
    auto bytes = (*file)->bytes(stored.offset, stored.size);
    if (!bytes) return fail(bytes.status());
    const uint64_t count = *shapeElementCount(stored.shape);
    const std::string path = (*file)->path().string();
    auto failAt = [&](Status s) -> Result<Tensor> {
        return fail(std::move(s).withPath(path).withOffset(stored.offset));
    };
    const Status mismatch
        = Status(ErrorCode::ChecksumMismatch, "tensor bytes do not match their CRC32C checksum")
              .withTensor(key)
              .withPath(path)
              .withOffset(stored.offset);

    if (isDType(stored.dtype, DType::String)) {
        // Strings are decoded into owned values anyway: copy their bytes once, under the guard.
        auto copy = guardedCopyAll(*bytes);
        if (!copy) return failAt(copy.status());
        auto strings = decodeStringTensor(*copy, count, stored.maskedCrc, options.verifyCrc);
        Status integrity;
        if (!strings && strings.status().code() == ErrorCode::ChecksumMismatch && options.keepDamaged) {
            integrity = mismatch;
            strings = decodeStringTensor(*copy, count, stored.maskedCrc, false);
        }
        if (!strings) return failAt(std::move(strings).status());
        Tensor t = Tensor::strings(stored.shape, std::move(strings.value()));
        t.setIntegrity(std::move(integrity));
        return t;
    }
    Status integrity;
    if (options.verifyCrc) {
        auto c = fileCrc32c(**file, stored.offset, stored.size, options.cancel);
        if (!c) return failAt(c.status());
        if (crc32c::mask(*c) != stored.maskedCrc) {
            if (!options.keepDamaged) return mismatch;
            integrity = mismatch;
        }
    }
    if (m_header.bigEndian && info.elementSize > 1) {
        auto swapped = guardedCopyAll(*bytes);
        if (!swapped) return failAt(swapped.status());
        size_t unit = info.kind == DTypeKind::Complex ? info.elementSize / 2 : info.elementSize;
        byteSwapInPlace(*swapped, unit);
        Tensor t = Tensor::owned(stored.dtype, stored.shape, std::move(swapped.value()));
        t.setIntegrity(std::move(integrity));
        return t;
    }
    Tensor t = Tensor::borrowed(stored.dtype, stored.shape, *bytes, *file);
    t.setSource(*file, stored.offset); // readInto reads with pread (io/tensor.h)
    t.setIntegrity(std::move(integrity));
    return t;
}

Result<std::string> BundleReader::readScalarString(const TensorEntry& entry) const
{
    if (!entry.problem.isOk()) return entry.problem;
    const StoredBytes& stored = entry.stored;
    if (entry.partitioned() || !isDType(stored.dtype, DType::String) || entry.elements != 1)
        return Status(ErrorCode::InvalidArgument, "not a scalar string tensor").withTensor(entry.key);
    TSCOPE_RETURN_IF_ERROR(checkStored(stored, m_header.numShards).withTensor(entry.key));
    auto file = shard(stored.shard);
    if (!file) return std::move(file).status().withTensor(entry.key);
    auto failAt = [&](Status s) -> Result<std::string> {
        return std::move(s)
            .withTensor(entry.key)
            .withPath((*file)->path().string())
            .withOffset(stored.offset);
    };
    // pread (or a guarded copy for small files) into the string that becomes the value: the mapping's
    // pages are never touched, and the value is moved to the front of its own buffer.
    std::string buffer(static_cast<size_t>(stored.size), '\0');
    Status read = (*file)->readAt(
        stored.offset, std::as_writable_bytes(std::span<char>(buffer.data(), buffer.size())));
    if (!read.isOk()) return failAt(std::move(read));
    auto places = locateStrings(
        std::as_bytes(std::span<const char>(buffer.data(), buffer.size())), 1, stored.maskedCrc, false);
    if (!places) return failAt(std::move(places).status());
    const StringPlace place = (*places)[0];
    buffer.erase(0, static_cast<size_t>(place.offset));
    buffer.resize(static_cast<size_t>(place.length));
    return buffer;
}

Result<Tensor> BundleReader::read(const TensorEntry& entry, const ReadOptions& options) const
{
    if (!entry.problem.isOk()) return entry.problem;
    if (entry.partitioned()) return assemble(entry, options);
    return readStored(entry.key, entry.stored, options);
}

} // namespace tscope::io
