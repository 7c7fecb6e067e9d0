#include "io/table_reader.h"

#include <leveldb/env.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/table.h>

#include <cstring>
#include <new>

namespace tscope::io {
namespace {

constexpr uint64_t kFooterSize = 48;
constexpr uint8_t kTableMagic[8] = { 0x57, 0xFB, 0x80, 0x8B, 0x24, 0x75, 0x47, 0xDB };

// LevelDB reads through this: zero-copy slices into our mapping, plus a sanity check on snappy
// blocks so a hostile length prefix cannot make LevelDB allocate gigabytes.
class MappedRandomAccessFile final : public leveldb::RandomAccessFile {
public:
    explicit MappedRandomAccessFile(std::shared_ptr<MappedFile> file) : m_file(std::move(file)) { }

    leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result, char*) const override
    {
        auto span = m_file->bytes(offset, n);
        if (!span) {
            *result = leveldb::Slice();
            return leveldb::Status::Corruption("truncated block read");
        }
        const auto* p = reinterpret_cast<const char*>(span->data());
        *result = leveldb::Slice(p, n);
        if (n > 5 && n != kFooterSize && static_cast<uint8_t>(p[n - 5]) == 1) {
            uint64_t claimed = 0;
            int shift = 0;
            for (size_t i = 0; i < n - 5 && i < 5; ++i) {
                claimed |= uint64_t(static_cast<uint8_t>(p[i]) & 0x7f) << shift;
                if (!(static_cast<uint8_t>(p[i]) & 0x80)) break;
                shift += 7;
            }
            if (claimed > kMaxSnappyExpansion * (n - 5) + 1024)
                return leveldb::Status::Corruption("snappy block claims an impossible uncompressed size");
        }
        return leveldb::Status::OK();
    }

private:
    std::shared_ptr<MappedFile> m_file;
};

uint64_t readVarint(const std::byte*& p, const std::byte* end, bool& ok)
{
    uint64_t v = 0;
    for (int shift = 0; shift <= 63 && p < end; shift += 7) {
        auto b = static_cast<uint8_t>(*p++);
        v |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    ok = false;
    return 0;
}

// The index block uses restart interval 1, so its restart count is the number of data blocks.
uint64_t countDataBlocks(const MappedFile& file)
{
    auto footer = file.bytes(file.size() - kFooterSize, kFooterSize);
    if (!footer) return 0;
    const std::byte* p = footer->data();
    const std::byte* end = p + kFooterSize;
    bool ok = true;
    readVarint(p, end, ok);
    readVarint(p, end, ok);
    uint64_t off = readVarint(p, end, ok);
    uint64_t size = readVarint(p, end, ok);
    if (!ok || size < 4) return 0;
    auto block = file.bytes(off, size + 1);
    if (!block || static_cast<uint8_t>((*block)[size]) != 0) return 0; // compressed index: unknown
    uint32_t restarts = 0;
    std::memcpy(&restarts, block->data() + size - 4, 4);
    return restarts;
}

Status translate(const leveldb::Status& s, const MappedFile& file)
{
    std::string text = s.ToString();
    ErrorCode code = ErrorCode::Corrupt;
    std::string message = text;
    if (text.find("checksum mismatch") != std::string::npos) {
        code = ErrorCode::ChecksumMismatch;
        message = "a block of the index does not match its CRC32C checksum";
    } else if (text.find("truncated") != std::string::npos || text.find("too short") != std::string::npos) {
        code = ErrorCode::Truncated;
        message = "the index file ends before a block it refers to (file truncated?)";
    } else if (text.find("bad magic") != std::string::npos) {
        message = "not a TensorFlow index file (the table magic number at its end is missing)";
    } else if (text.find("bad block type") != std::string::npos) {
        message = "a block of the index has an unknown compression type";
    } else if (text.find("snappy") != std::string::npos || text.find("corrupted compressed") != std::string::npos) {
        message = "a snappy-compressed block of the index cannot be decompressed";
    } else if (text.find("bad entry") != std::string::npos || text.find("bad block contents") != std::string::npos) {
        message = "a block of the index holds malformed entries";
    } else {
        message = "the index table is damaged: " + text;
    }
    return Status(code, message).withPath(file.path().string());
}

// A TensorFlow index always starts with the header entry (key "", value BundleHeaderProto starting 0x08
// or a V1 SavedTensorSliceMeta 0x0A). If that is there but the footer is not, the file was cut short.
bool looksLikeTableStart(const MappedFile& file)
{
    auto head = file.bytes(0, 4);
    if (!head) return false;
    auto b = [&](size_t i) { return static_cast<uint8_t>((*head)[i]); };
    return b(0) == 0 && b(1) == 0 && b(2) > 0 && (b(3) == 0x08 || b(3) == 0x0A);
}

} // namespace

Result<TableContents> readTable(const std::shared_ptr<MappedFile>& file, const TableReadOptions& options)
{
    const std::string path = file->path().string();
    if (file->size() < kFooterSize) {
        if (file->size() == 0) return Status(ErrorCode::Truncated, "the index file is empty").withPath(path);
        return Status(ErrorCode::Truncated,
            "the index file is too short to be a table (" + std::to_string(file->size()) + " bytes)")
            .withPath(path);
    }
    auto tail = file->bytes(file->size() - 8, 8);
    if (std::memcmp(tail->data(), kTableMagic, 8) != 0) {
        if (looksLikeTableStart(*file))
            return Status(ErrorCode::Truncated,
                "the index file ends early: its table footer is missing (file truncated or still being written?)")
                .withPath(path)
                .withOffset(file->size());
        return Status(ErrorCode::Corrupt, "not a TensorFlow index file (the table magic number at its end is missing)")
            .withPath(path)
            .withOffset(file->size() - 8);
    }

    try {
        MappedRandomAccessFile source(file);
        leveldb::Options ldbOptions;
        ldbOptions.paranoid_checks = options.verifyChecksums; // verifies the index block CRC at open
        leveldb::Table* rawTable = nullptr;
        leveldb::Status s = leveldb::Table::Open(ldbOptions, &source, file->size(), &rawTable);
        if (!s.ok()) return translate(s, *file);
        std::unique_ptr<leveldb::Table> table(rawTable);

        leveldb::ReadOptions readOptions;
        readOptions.verify_checksums = options.verifyChecksums;
        readOptions.fill_cache = false;
        std::unique_ptr<leveldb::Iterator> it(table->NewIterator(readOptions));

        TableContents contents;
        contents.dataBlocks = countDataBlocks(*file);
        uint64_t n = 0;
        for (it->SeekToFirst(); it->Valid(); it->Next()) {
            contents.entries.push_back({ it->key().ToString(), it->value().ToString() });
            if ((++n & 4095) == 0 && shouldStop(options.cancel, options.progress, n, 0))
                return Status(ErrorCode::Cancelled, "cancelled while reading the index").withPath(path);
        }
        if (!it->status().ok()) contents.damage = translate(it->status(), *file);
        return contents;
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::Corrupt, "the index table declares more data than can be held in memory")
            .withPath(path);
    } catch (const std::exception& e) {
        return Status(ErrorCode::Corrupt, std::string("the index table cannot be read: ") + e.what()).withPath(path);
    }
}

} // namespace tscope::io
