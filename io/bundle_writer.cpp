#include "io/bundle_writer.h"

#include "io/atomic_file.h"
#include "io/bundle_reader.h"
#include "io/crc32c.h"
#include "io/dtype.h"
#include "io/tensor_encoding.h"
#include "tensor_bundle.pb.h"

#include <leveldb/env.h>
#include <leveldb/options.h>
#include <leveldb/table_builder.h>

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
        auto f = std::make_unique<AtomicFile>(bundleDataPath(m_prefix, i, m_options.numShards));
        TSCOPE_RETURN_IF_ERROR(f->open());
        m_shards.push_back(std::move(f));
    }
    return Status::ok();
}

Status BundleWriter::appendData(int32_t shard, std::span<const std::byte> bytes, uint64_t& offset)
{
    TSCOPE_RETURN_IF_ERROR(m_error);
    if (shard < 0 || shard >= m_options.numShards) return Status(ErrorCode::InvalidArgument, "no such shard");
    auto& f = *m_shards[static_cast<size_t>(shard)];
    offset = f.bytesWritten();
    Status s = f.write(bytes);
    if (!s.isOk()) m_error = s;
    return s;
}

std::string BundleWriter::encodeStrings(const std::vector<std::string>& values, uint32_t& maskedCrc)
{
    return encodeStringTensor(values, maskedCrc);
}

Status BundleWriter::add(
    const std::string& key, DType dtype, const Shape& shape, std::span<const std::byte> bytes, int32_t shard)
{
    uint64_t offset = 0;
    TSCOPE_RETURN_IF_ERROR(appendData(shard, bytes, offset));
    tensorflow::BundleEntryProto e;
    e.set_dtype(static_cast<tensorflow::DataType>(dtype));
    fillShape(e.mutable_shape(), shape);
    e.set_shard_id(shard);
    e.set_offset(static_cast<int64_t>(offset));
    e.set_size(static_cast<int64_t>(bytes.size()));
    e.set_crc32c(crc32c::mask(crc32c::value(bytes.data(), bytes.size())));
    m_entries[key] = e.SerializeAsString();
    return Status::ok();
}

Status BundleWriter::addStrings(
    const std::string& key, const Shape& shape, const std::vector<std::string>& values, int32_t shard)
{
    uint32_t crc = 0;
    std::string bytes = encodeStringTensor(values, crc);
    uint64_t offset = 0;
    TSCOPE_RETURN_IF_ERROR(
        appendData(shard, std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()), offset));
    tensorflow::BundleEntryProto e;
    e.set_dtype(tensorflow::DT_STRING);
    fillShape(e.mutable_shape(), shape);
    e.set_shard_id(shard);
    e.set_offset(static_cast<int64_t>(offset));
    e.set_size(static_cast<int64_t>(bytes.size()));
    e.set_crc32c(crc);
    m_entries[key] = e.SerializeAsString();
    return Status::ok();
}

Status BundleWriter::addPartitioned(
    const std::string& key, DType dtype, const Shape& fullShape, const std::vector<SlicePart>& slices)
{
    tensorflow::BundleEntryProto full;
    full.set_dtype(static_cast<tensorflow::DataType>(dtype));
    fillShape(full.mutable_shape(), fullShape);
    for (const auto& part : slices) {
        auto* sp = full.add_slices();
        for (const auto& ext : part.extents) {
            auto* e = sp->add_extent();
            if (ext.length >= 0) {
                e->set_start(ext.start);
                e->set_length(ext.length);
            }
        }
        const std::string sliceKey = encodeSliceKey(key, part.extents);
        TSCOPE_RETURN_IF_ERROR(add(sliceKey, dtype, part.shape, part.bytes));
    }
    m_entries[key] = full.SerializeAsString();
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
    AtomicFile index(m_prefix.string() + ".index");
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
    header.mutable_version()->set_producer(1);
    builder.Add("", header.SerializeAsString());
    for (const auto& [key, value] : m_entries) {
        if (key.empty()) continue;
        builder.Add(key, value);
    }
    leveldb::Status ls = builder.Finish();
    if (!ls.ok())
        return sink.m_error.isOk() ? Status(ErrorCode::Io, ls.ToString()).withPath(index.finalPath().string())
                                   : sink.m_error;
    // Data first, index last: a reader that finds the index finds complete data.
    for (auto& shard : m_shards)
        TSCOPE_RETURN_IF_ERROR(shard->commit());
    TSCOPE_RETURN_IF_ERROR(index.commit());
    m_finished = true;
    return Status::ok();
}

} // namespace tscope::io
