// Writes a TensorBundle (`.index` + `.data-*`) that TensorFlow reads: header first, keys sorted
// bytewise, masked CRC32C per tensor, uncompressed 256 KiB blocks by default. Files are written
// atomically; the index is renamed into place last, so its presence means the bundle is complete.
#pragma once

#include "io/cancel.h"
#include "io/dtype.h"
#include "io/slice_key.h"
#include "io/status.h"
#include "io/tensor.h"

#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tscope::io {

class AtomicFile;

class BundleWriter {
public:
    struct Options {
        int32_t numShards = 1;
        bool snappy = false; // compress index blocks (TF itself writes uncompressed)
        size_t blockSize = 256 * 1024; // index data block size
        bool bigEndian = false; // header flag only; the caller supplies bytes in that order
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

    Status add(const std::string& key, DType dtype, const Shape& shape, std::span<const std::byte> bytes,
        int32_t shard = 0);
    Status addStrings(const std::string& key, const Shape& shape, const std::vector<std::string>& values,
        int32_t shard = 0);
    Status addPartitioned(
        const std::string& key, DType dtype, const Shape& fullShape, const std::vector<SlicePart>& slices);
    // Stores `serializedEntry` verbatim under `key` (tests of damaged entries).
    void addRawEntry(const std::string& key, const std::string& serializedEntry);

    Status finish();

    // Bytes of the DT_STRING encoding (§2.4) and its masked CRC (encodeStringTensor).
    static std::string encodeStrings(const std::vector<std::string>& values, uint32_t& maskedCrc);

private:
    Status openShards();
    Status appendData(int32_t shard, std::span<const std::byte> bytes, uint64_t& offset);

    std::filesystem::path m_prefix;
    Options m_options;
    std::vector<std::unique_ptr<AtomicFile>> m_shards;
    std::map<std::string, std::string> m_entries; // key -> serialized BundleEntryProto
    Status m_error;
    bool m_finished = false;
};

} // namespace tscope::io
