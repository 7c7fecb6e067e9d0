// Writes a TensorBundle (`.index` + `.data-*`) that TensorFlow reads: header first, keys sorted
// bytewise, masked CRC32C per tensor, uncompressed 256 KiB blocks by default, data in the order tensors are
// added (TF's insertion order). Files are written atomically; the index is renamed into place last, so its
// presence means the bundle is complete.
#pragma once

#include "io/atomic_file.h"
#include "io/cancel.h"
#include "io/dtype.h"
#include "io/slice_key.h"
#include "io/status.h"
#include "io/streamed_write.h"
#include "io/tensor.h"

#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tscope::io {

class BundleWriter {
public:
    struct Options {
        int32_t numShards = 1;
        bool snappy = false; // compress index blocks (TF itself writes uncompressed)
        size_t blockSize = 256 * 1024; // index data block size
        bool bigEndian = false; // header flag only; the caller supplies bytes in that order
        int32_t producer = 1; // BundleHeaderProto.version as TF writes it today (kTensorBundleVersion)
        int32_t minConsumer = 0;
        bool replaceExisting = true; // false: an existing output file is an error, never overwritten
        Durability durability = Durability::Renamed; // see atomic_file.h
    };
    // One stored slice of a partitioned variable.
    struct SlicePart {
        std::vector<SliceExtent> extents;
        Shape shape;
        std::vector<std::byte> bytes;
    };

    explicit BundleWriter(std::filesystem::path prefix);
    BundleWriter(std::filesystem::path prefix, Options options);
    ~BundleWriter();

    // The CRC32C is computed while the bytes are copied (streamed_write.h): one pass, two cores.
    Status add(const std::string& key, DType dtype, const Shape& shape, std::span<const std::byte> bytes,
        int32_t shard = 0);
    // Bytes copied unchanged from another bundle, with that bundle's masked CRC: verified on the same pass
    // that copies them (ChecksumMismatch naming `key` otherwise, and the bundle is not finished), then stored
    // as this entry's CRC, so each tensor is checksummed once. `proceed` reports progress and can stop.
    Status addVerified(const std::string& key, DType dtype, const Shape& shape,
        std::span<const std::byte> bytes, uint32_t maskedCrc, int32_t shard,
        const ChunkProceed& proceed = {});
    Status addStrings(const std::string& key, const Shape& shape, const std::vector<std::string>& values,
        int32_t shard = 0);
    // DT_VARIANT: the serialized VariantTensorDataProto of each element (variant_encoding.h).
    Status addVariant(const std::string& key, const Shape& shape, const std::vector<std::string>& elements,
        int32_t shard = 0);
    // Any tensor the reader returns: fixed-size bytes or strings (variants are read by the caller).
    Status addTensor(const std::string& key, const Tensor& tensor, int32_t shard = 0);
    Status addPartitioned(
        const std::string& key, DType dtype, const Shape& fullShape, const std::vector<SlicePart>& slices);
    // Only the "full tensor" record of a partitioned variable; its slices are added with add() under
    // encodeSliceKey(key, extents), in whatever order their bytes should have in the data file.
    // `shardId`: merged sharded saves renumber it like every entry's (FORMATS.md §2.1), so it is kept.
    void addPartitionedRecord(const std::string& key, DType dtype, const Shape& fullShape,
        const std::vector<std::vector<SliceExtent>>& slices, int32_t shardId = 0);
    // Stores `serializedEntry` verbatim under `key` (tests of damaged entries).
    void addRawEntry(const std::string& key, const std::string& serializedEntry);

    Status finish();

    // Bytes of the DT_STRING encoding (§2.4) and its masked CRC (encodeStringTensor).
    static std::string encodeStrings(const std::vector<std::string>& values, uint32_t& maskedCrc);

    const std::filesystem::path& prefix() const { return m_prefix; }

private:
    Status openShards();
    Status addEncoded(const std::string& key, DType dtype, const Shape& shape, const std::string& bytes,
        uint32_t maskedCrc, int32_t shard);
    Status appendData(int32_t shard, std::span<const std::byte> bytes, uint64_t& offset,
        const ChunkDigest& digest = {}, const ChunkProceed& proceed = {});
    void addEntry(const std::string& key, DType dtype, const Shape& shape, int32_t shard, uint64_t offset,
        uint64_t size, uint32_t maskedCrc);

    std::filesystem::path m_prefix;
    Options m_options;
    std::vector<std::unique_ptr<AtomicFile>> m_shards;
    std::map<std::string, std::string> m_entries; // key -> serialized BundleEntryProto
    Status m_error;
    bool m_finished = false;
};

} // namespace tscope::io
