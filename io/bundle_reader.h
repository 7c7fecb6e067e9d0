// TensorBundle ("V2" checkpoint) reader: opening reads only the `.index`; data shards are
// memory-mapped and touched only when a tensor's values are requested.
#pragma once

#include "io/cancel.h"
#include "io/dtype.h"
#include "io/executor.h"
#include "io/mapped_file.h"
#include "io/slice_key.h"
#include "io/status.h"
#include "io/tensor.h"
#include "io/tensor_encoding.h" // decodeStringTensor, once declared here

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tscope::io {

// Where one stored piece of a tensor lives.
struct StoredBytes {
    DType dtype = DType::Invalid;
    int32_t shard = 0;
    uint32_t maskedCrc = 0;
    Shape shape;
    uint64_t offset = 0;
    uint64_t size = 0;
};

// The key of a TF2 checkpoint's object graph (a scalar string tensor).
inline constexpr std::string_view kObjectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";

struct TensorSliceRef {
    std::vector<SliceExtent> extents;
    std::string key; // the slice entry's key in the index
    StoredBytes stored;
    bool found = false; // the slice's own entry exists in the index
};

struct TensorEntry {
    std::string key;
    DType dtype = DType::Invalid;
    Shape shape;
    // shapeElementCount(shape), 0 when invalid; whoever sets `shape` sets it (BundleReader does). Totals
    // over 100,000 entries read it several times, and each shape's own heap block was a cache miss.
    uint64_t elements = 0;
    StoredBytes stored; // unused when partitioned
    std::vector<TensorSliceRef> slices; // non-empty for a partitioned variable
    Status problem; // why this entry cannot be read (bad proto, absurd shape...)

    bool partitioned() const { return !slices.empty(); }
    uint64_t elementCount() const { return elements; } // 0 when the shape is invalid
    uint64_t byteSize() const; // stored bytes (sum over slices for partitioned)
};

struct BundleHeader {
    int32_t numShards = 1;
    bool bigEndian = false;
    int32_t producer = 0;
    int32_t minConsumer = 0;
};

struct ReadOptions {
    bool verifyCrc = false;
    const CancelToken* cancel = nullptr;
    // With verifyCrc: a CRC mismatch still returns the values, marked by Tensor::integrity(), instead of
    // failing the read (show/stats/the inspector print damaged values and say so).
    bool keepDamaged = false;
};

struct VerifyReport {
    bool ok = true;
    uint64_t filesChecked = 0;
    uint64_t blocksChecked = 0;
    uint64_t tensorsChecked = 0;
    uint64_t bytesChecked = 0;
    std::vector<Status> problems;
};

class BundleReader : public std::enable_shared_from_this<BundleReader> {
public:
    struct OpenOptions {
        const CancelToken* cancel = nullptr;
        ProgressFn progress;
        // Called from the scan, at most once, as soon as a sound object-graph entry (kObjectGraphKey, an
        // unpartitioned scalar string) is decoded: its data file and where it lies. openArtifact starts
        // reading and decoding the graph on another core while the rest of the index is scanned.
        std::function<void(const std::filesystem::path& dataFile, const StoredBytes& stored)> onObjectGraph;
    };

    // `prefix` is the checkpoint prefix (`dir/ckpt-7`); reads `prefix.index`.
    static Result<std::shared_ptr<BundleReader>> open(
        const std::filesystem::path& prefix, const OpenOptions& options);
    static Result<std::shared_ptr<BundleReader>> open(const std::filesystem::path& prefix)
    {
        return open(prefix, OpenOptions {});
    }

    const std::filesystem::path& prefix() const { return m_prefix; }
    std::filesystem::path indexPath() const;
    std::filesystem::path dataPath(int32_t shard) const;
    const BundleHeader& header() const { return m_header; }

    // Every tensor of the index except the header and the slice records, sorted by key.
    const std::vector<TensorEntry>& entries() const { return m_entries; }
    const TensorEntry* find(std::string_view key) const;
    int indexOf(std::string_view key) const; // -1 when absent

    // Problems found while opening that did not stop it (a damaged data block, an orphan slice...).
    const std::vector<Status>& warnings() const { return m_warnings; }
    uint64_t indexBlocks() const { return m_indexBlocks; }

    // Reads (and for partitioned variables reassembles) a tensor's values.
    Result<Tensor> read(const TensorEntry& entry, const ReadOptions& options = {}) const;
    // The one value of a scalar string tensor (the object graph), read with pread and decoded in place:
    // 11 MB at 100,000 variables held once, where read() maps, copies and decodes it (three times).
    // The same errors as read(); InvalidArgument for an entry that is no unpartitioned scalar string.
    Result<std::string> readScalarString(const TensorEntry& entry) const;

    // Checks every block CRC of the index and every tensor CRC of the data shards, the tensors in chunks
    // on `executor` (the caller's thread alone by default). Progress is in bytes of tensor data. The
    // report, problems in order, is the same whatever the executor.
    VerifyReport verify(const CancelToken* cancel = nullptr, const ProgressFn& progress = {},
        Executor& executor = inlineExecutor()) const;

    // The mapped shard, or why it cannot be mapped (missing, short, unreadable).
    Result<std::shared_ptr<MappedFile>> shard(int32_t index) const;

private:
    BundleReader() = default;
    // open() without its net: open() turns any allocation failure in here into OutOfMemory.
    static Result<std::shared_ptr<BundleReader>> openUnguarded(
        const std::filesystem::path& prefix, const OpenOptions& options);
    Result<Tensor> readStored(
        const std::string& key, const StoredBytes& stored, const ReadOptions& options) const;
    Result<Tensor> assemble(const TensorEntry& entry, const ReadOptions& options) const;

    std::filesystem::path m_prefix;
    BundleHeader m_header;
    std::vector<TensorEntry> m_entries;
    std::vector<Status> m_warnings;
    uint64_t m_indexBlocks = 0;
    std::vector<Result<std::shared_ptr<MappedFile>>> m_shards;
};

// Where verify's chunks start: indices into `entries`, at most `chunks` of them, cut so each chunk holds
// about the same bytes (an entry is never split). Exposed for tests.
std::vector<size_t> verifyChunkStarts(const std::vector<TensorEntry>& entries, size_t chunks);

// The standard data file name: "<prefix>.data-00003-of-00008".
std::filesystem::path bundleDataPath(const std::filesystem::path& prefix, int32_t shard, int32_t numShards);

} // namespace tscope::io
