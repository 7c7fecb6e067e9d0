#include "io/bundle_writer.h"

#include "io/atomic_file.h"
#include "io/bundle_reader.h"
#include "io/crc32c.h"
#include "io/dtype.h"
#include "io/tensor_encoding.h"
#include "io/variant_encoding.h"
#include "tensor_bundle.pb.h"

#include <leveldb/env.h>
#include <leveldb/options.h>
#include <leveldb/table_builder.h>
#include <unistd.h>

namespace tscope::io {
namespace {

// LevelDB's TableBuilder writes through this into our atomic file.
class AtomicWritableFile final : public leveldb::WritableFile {
public:
    explicit AtomicWritableFile(AtomicFile& file)
        : m_file(file)
    { }
    leveldb::Status Append(const leveldb::Slice& data) override
    {
        Status s = m_file.write(std::span(reinterpret_cast<const std::byte*>(data.data()), data.size()));
        if (!s.isOk()) {
            m_error = s;
            return leveldb::Status::IOError(s.message());
        }
        return leveldb::Status::OK();
    }
    leveldb::Status Close() override { return leveldb::Status::OK(); }
    leveldb::Status Flush() override { return leveldb::Status::OK(); }
    leveldb::Status Sync() override { return leveldb::Status::OK(); }
    Status m_error;

private:
    AtomicFile& m_file;
};

void fillShape(tensorflow::TensorShapeProto* proto, const Shape& shape)
{
    for (auto d : shape)
        proto->add_dim()->set_size(d);
}

} // namespace

BundleWriter::BundleWriter(std::filesystem::path prefix)
    : BundleWriter(std::move(prefix), Options {})
{ }

BundleWriter::BundleWriter(std::filesystem::path prefix, Options options)
    : m_prefix(std::move(prefix))
    , m_options(options)
{
    m_error = openShards();
}

BundleWriter::~BundleWriter() = default; // unfinished AtomicFiles remove their temporary files

Status BundleWriter::openShards()
{
    if (m_options.numShards < 1)
        return Status(ErrorCode::InvalidArgument, "a bundle needs at least one shard");
    for (int32_t i = 0; i < m_options.numShards; ++i) {
        auto f = std::make_unique<AtomicFile>(
            bundleDataPath(m_prefix, i, m_options.numShards), m_options.durability);
        TSCOPE_RETURN_IF_ERROR(f->open());
        m_shards.push_back(std::move(f));
    }
    return Status::ok();
}

Status BundleWriter::appendData(int32_t shard, std::span<const std::byte> bytes, uint64_t& offset,
    const ChunkDigest& digest, const ChunkProceed& proceed)
{
    TSCOPE_RETURN_IF_ERROR(m_error);
    if (shard < 0 || shard >= m_options.numShards) return Status(ErrorCode::InvalidArgument, "no such shard");
    auto& f = *m_shards[static_cast<size_t>(shard)];
    offset = f.bytesWritten();
    Status s = digest || proceed ? streamedWrite(f, bytes, digest, proceed) : f.write(bytes);
    if (!s.isOk()) m_error = s;
    return s;
}

void BundleWriter::addEntry(const std::string& key, DType dtype, const Shape& shape, int32_t shard,
    uint64_t offset, uint64_t size, uint32_t maskedCrc)
{
    tensorflow::BundleEntryProto e;
    e.set_dtype(static_cast<tensorflow::DataType>(dtype));
    fillShape(e.mutable_shape(), shape);
    e.set_shard_id(shard);
    e.set_offset(static_cast<int64_t>(offset));
    e.set_size(static_cast<int64_t>(size));
    e.set_crc32c(maskedCrc);
    m_entries[key] = e.SerializeAsString();
}

std::string BundleWriter::encodeStrings(const std::vector<std::string>& values, uint32_t& maskedCrc)
{
    return encodeStringTensor(values, maskedCrc);
}

Status BundleWriter::add(
    const std::string& key, DType dtype, const Shape& shape, std::span<const std::byte> bytes, int32_t shard)
{
    uint64_t offset = 0;
    uint32_t crc = 0;
    TSCOPE_RETURN_IF_ERROR(appendData(shard, bytes, offset,
        [&crc](std::span<const std::byte> chunk) { crc = crc32c::extend(crc, chunk.data(), chunk.size()); }));
    addEntry(key, dtype, shape, shard, offset, bytes.size(), crc32c::mask(crc));
    return Status::ok();
}

Status BundleWriter::addVerified(const std::string& key, DType dtype, const Shape& shape,
    std::span<const std::byte> bytes, uint32_t maskedCrc, int32_t shard, const ChunkProceed& proceed)
{
    uint64_t offset = 0;
    uint32_t crc = 0;
    TSCOPE_RETURN_IF_ERROR(appendData(
        shard, bytes, offset,
        [&crc](std::span<const std::byte> chunk) { crc = crc32c::extend(crc, chunk.data(), chunk.size()); },
        proceed));
    if (crc32c::mask(crc) != maskedCrc) {
        m_error = Status(ErrorCode::ChecksumMismatch, "tensor bytes do not match their CRC32C checksum")
                      .withTensor(key);
        return m_error;
    }
    addEntry(key, dtype, shape, shard, offset, bytes.size(), maskedCrc);
    return Status::ok();
}

Status BundleWriter::addEncoded(const std::string& key, DType dtype, const Shape& shape,
    const std::string& bytes, uint32_t maskedCrc, int32_t shard)
{
    uint64_t offset = 0;
    TSCOPE_RETURN_IF_ERROR(
        appendData(shard, std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()), offset));
    addEntry(key, dtype, shape, shard, offset, bytes.size(), maskedCrc);
    return Status::ok();
}

Status BundleWriter::addStrings(
    const std::string& key, const Shape& shape, const std::vector<std::string>& values, int32_t shard)
{
    uint32_t crc = 0;
    std::string bytes = encodeStringTensor(values, crc);
    return addEncoded(key, DType::String, shape, bytes, crc, shard);
}

Status BundleWriter::addVariant(
    const std::string& key, const Shape& shape, const std::vector<std::string>& elements, int32_t shard)
{
    uint32_t crc = 0;
    std::string bytes = encodeVariantTensor(elements, crc);
    return addEncoded(key, DType::Variant, shape, bytes, crc, shard);
}

Status BundleWriter::addTensor(const std::string& key, const Tensor& tensor, int32_t shard)
{
    if (tensor.isString()) return addStrings(key, tensor.shape(), tensor.stringValues(), shard);
    return add(key, tensor.dtype(), tensor.shape(), tensor.bytes(), shard);
}

void BundleWriter::addPartitionedRecord(const std::string& key, DType dtype, const Shape& fullShape,
    const std::vector<std::vector<SliceExtent>>& slices, int32_t shardId)
{
    tensorflow::BundleEntryProto full;
    full.set_dtype(static_cast<tensorflow::DataType>(dtype));
    fillShape(full.mutable_shape(), fullShape);
    full.set_shard_id(shardId);
    for (const auto& extents : slices) {
        auto* sp = full.add_slices();
        for (const auto& ext : extents) {
            auto* e = sp->add_extent();
            if (ext.length >= 0) { // a full extent is an empty Extent message
                e->set_start(ext.start);
                e->set_length(ext.length);
            }
        }
    }
    m_entries[key] = full.SerializeAsString();
}

Status BundleWriter::addPartitioned(
    const std::string& key, DType dtype, const Shape& fullShape, const std::vector<SlicePart>& slices)
{
    std::vector<std::vector<SliceExtent>> extents;
    for (const auto& part : slices) {
        TSCOPE_RETURN_IF_ERROR(add(encodeSliceKey(key, part.extents), dtype, part.shape, part.bytes));
        extents.push_back(part.extents);
    }
    addPartitionedRecord(key, dtype, fullShape, extents);
    return Status::ok();
}

void BundleWriter::addRawEntry(const std::string& key, const std::string& serializedEntry)
{
    m_entries[key] = serializedEntry;
}

Status BundleWriter::finish()
{
    TSCOPE_RETURN_IF_ERROR(m_error);
    if (m_finished) return Status(ErrorCode::InvalidArgument, "bundle already finished");
    AtomicFile index(m_prefix.string() + ".index", m_options.durability);
    TSCOPE_RETURN_IF_ERROR(index.open());
    AtomicWritableFile sink(index);
    leveldb::Options options;
    options.block_size = m_options.blockSize;
    options.block_restart_interval = 16;
    options.compression = m_options.snappy ? leveldb::kSnappyCompression : leveldb::kNoCompression;
    leveldb::TableBuilder builder(options, &sink);

    tensorflow::BundleHeaderProto header;
    header.set_num_shards(m_options.numShards);
    if (m_options.bigEndian) header.set_endianness(tensorflow::BundleHeaderProto::BIG);
    header.mutable_version()->set_producer(m_options.producer);
    header.mutable_version()->set_min_consumer(m_options.minConsumer);
    builder.Add("", header.SerializeAsString());
    for (const auto& [key, value] : m_entries) {
        if (key.empty()) continue;
        // TF's table builder (unlike LevelDB's) closes the block before an entry of 2 x block_size or more.
        if (key.size() + value.size() >= 2 * m_options.blockSize) builder.Flush();
        builder.Add(key, value);
    }
    leveldb::Status ls = builder.Finish();
    if (!ls.ok())
        return sink.m_error.isOk() ? Status(ErrorCode::Io, ls.ToString()).withPath(index.finalPath().string())
                                   : sink.m_error;
    // Data first, index last: a reader that finds the index finds complete data. Should a rename fail,
    // the files already renamed are removed again, so no bundle without its index stays behind.
    std::vector<std::filesystem::path> renamed;
    auto undo = [&](Status s) {
        for (const auto& p : renamed)
            ::unlink(p.c_str());
        return s;
    };
    for (auto& shard : m_shards) {
        Status s = shard->commit(m_options.replaceExisting);
        if (!s.isOk()) return undo(s);
        renamed.push_back(shard->finalPath());
    }
    if (Status s = index.commit(m_options.replaceExisting); !s.isOk()) return undo(s);
    m_finished = true;
    return Status::ok();
}

} // namespace tscope::io
