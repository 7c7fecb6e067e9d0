#include "io/table_reader.h"

#include "io/crc32c.h"

#include <cstring>
#include <leveldb/env.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/table.h>
#include <new>

namespace tscope::io {
namespace {

constexpr uint64_t kFooterSize = 48;
constexpr uint8_t kTableMagic[8] = { 0x57, 0xFB, 0x80, 0x8B, 0x24, 0x75, 0x47, 0xDB };

// LevelDB reads through this: zero-copy slices into our mapping, plus a sanity check on snappy
// blocks so a hostile length prefix cannot make LevelDB allocate gigabytes.
class MappedRandomAccessFile final : public leveldb::RandomAccessFile {
public:
    explicit MappedRandomAccessFile(std::shared_ptr<MappedFile> file)
        : m_file(std::move(file))
    { }

    leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result, char*) const override
    {
        const bool footer = n == kFooterSize && offset + n == m_file->size();
        if (!footer) ++m_blockReads;
        // LevelDB asks for a block's size + 5 trailer bytes; fewer means the handle's size wrapped past 2^64.
        if (n < 5) {
            *result = leveldb::Slice();
            return leveldb::Status::Corruption("bad block handle (size wraps around)");
        }
        auto span = m_file->bytes(offset, n);
        if (!span) {
            *result = leveldb::Slice();
            return leveldb::Status::Corruption("truncated block read");
        }
        const auto* p = reinterpret_cast<const char*>(span->data());
        *result = leveldb::Slice(p, n);
        if (n > 5 && !footer && static_cast<uint8_t>(p[n - 5]) == 1) {
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

    // Blocks read so far (every read except the footer's); a full scan reads each data block once.
    uint64_t blockReads() const { return m_blockReads; }

private:
    std::shared_ptr<MappedFile> m_file;
    mutable uint64_t m_blockReads = 0;
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

struct FooterHandles {
    uint64_t metaOffset = 0, metaSize = 0, indexOffset = 0, indexSize = 0;
};

// Decodes the two block handles at the start of the 48-byte footer (the magic is checked separately).
bool decodeFooter(const MappedFile& file, FooterHandles& h)
{
    auto footer = file.bytes(file.size() - kFooterSize, kFooterSize);
    if (!footer) return false;
    const std::byte* p = footer->data();
    const std::byte* end = p + kFooterSize;
    bool ok = true;
    h.metaOffset = readVarint(p, end, ok);
    h.metaSize = readVarint(p, end, ok);
    h.indexOffset = readVarint(p, end, ok);
    h.indexSize = readVarint(p, end, ok);
    return ok;
}

// The index block (plus its 5-byte trailer) lies inside the file, before the footer. Checked before LevelDB
// sees the handle: it allocates `size + 5` bytes up front, and a size near 2^64 wraps around.
bool indexBlockInside(const MappedFile& file, const FooterHandles& h)
{
    const uint64_t limit = file.size() - kFooterSize;
    return h.indexOffset <= limit && h.indexSize <= limit - h.indexOffset
        && limit - h.indexOffset - h.indexSize >= 5;
}

// Every data-block handle must fit in the file: LevelDB allocates a buffer of the claimed size before it
// reads a block, so a crafted index could make it allocate terabytes. Checked on uncompressed index
// blocks whose CRC is intact (a damaged block is left to LevelDB's checksum report; TF writes uncompressed).
Status checkDataHandles(const MappedFile& file, const FooterHandles& h)
{
    auto block = file.bytes(h.indexOffset, h.indexSize + 5);
    if (!block || h.indexSize < 4) return Status::ok();
    const std::byte* base = block->data();
    const auto n = static_cast<size_t>(h.indexSize);
    if (static_cast<uint8_t>(base[n]) != 0) return Status::ok();
    uint32_t stored = 0;
    std::memcpy(&stored, base + n + 1, 4);
    if (crc32c::unmask(stored) != crc32c::value(base, n + 1)) return Status::ok();
    uint32_t restarts = 0;
    std::memcpy(&restarts, base + n - 4, 4);
    if (restarts > (n - 4) / 4) return Status::ok();
    const std::byte* p = base;
    const std::byte* end = base + (n - 4 - 4 * static_cast<size_t>(restarts));
    bool ok = true;
    while (p < end && ok) {
        readVarint(p, end, ok); // shared key bytes
        const uint64_t nonShared = readVarint(p, end, ok);
        const uint64_t valueLen = readVarint(p, end, ok);
        if (!ok || nonShared > static_cast<uint64_t>(end - p)
            || valueLen > static_cast<uint64_t>(end - p) - nonShared)
            break;
        p += nonShared;
        const std::byte* v = p;
        p += valueLen;
        bool handleOk = true;
        const uint64_t offset = readVarint(v, p, handleOk);
        const uint64_t size = readVarint(v, p, handleOk);
        if (!handleOk || size > UINT64_MAX - 5) continue; // wrapped sizes are rejected by the read itself
        if (offset > file.size() || size + 5 > file.size() - offset)
            return Status(ErrorCode::Corrupt,
                "the index refers to a data block beyond the end of the file (" + std::to_string(size)
                    + " bytes at offset " + std::to_string(offset) + ")")
                .withPath(file.path().string())
                .withOffset(offset);
    }
    return Status::ok();
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
    } else if (text.find("snappy") != std::string::npos
        || text.find("corrupted compressed") != std::string::npos) {
        message = "a snappy-compressed block of the index cannot be decompressed";
    } else if (text.find("bad entry") != std::string::npos
        || text.find("bad block contents") != std::string::npos) {
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
    TableContents contents;
    auto scan = scanTable(file, options, [&](std::string_view key, std::string_view value) {
        contents.entries.push_back({ std::string(key), std::string(value) });
        return true;
    });
    if (!scan) return scan.status();
    contents.dataBlocks = scan->dataBlocks;
    contents.damage = scan->damage;
    return contents;
}

Result<TableScan> scanTable(
    const std::shared_ptr<MappedFile>& file, const TableReadOptions& options, const TableVisitor& visit)
{
    const std::string path = file->path().string();
    if (file->size() < kFooterSize) {
        if (file->size() == 0) return Status(ErrorCode::Truncated, "the index file is empty").withPath(path);
        return Status(ErrorCode::Truncated,
            "the index file is too short to be a table (" + std::to_string(file->size()) + " bytes)")
            .withPath(path);
    }
    auto tail = file->bytes(file->size() - 8, 8);
    FooterHandles handles;
    const bool footerDecodes = decodeFooter(*file, handles);
    if (std::memcmp(tail->data(), kTableMagic, 8) != 0) {
        // A footer that still points exactly at the index block before it is a damaged magic, not a cut file.
        const bool footerIntact = footerDecodes && indexBlockInside(*file, handles)
            && handles.indexOffset + handles.indexSize + 5 == file->size() - kFooterSize;
        if (looksLikeTableStart(*file) && !footerIntact)
            return Status(ErrorCode::Truncated,
                "the index file ends early: its table footer is missing (file truncated or still being "
                "written?)")
                .withPath(path)
                .withOffset(file->size());
        return Status(
            ErrorCode::Corrupt, "not a TensorFlow index file (the table magic number at its end is missing)")
            .withPath(path)
            .withOffset(file->size() - 8);
    }

    if (!footerDecodes || !indexBlockInside(*file, handles))
        return Status(ErrorCode::Corrupt, "the table footer points outside the file (damaged footer)")
            .withPath(path)
            .withOffset(file->size() - kFooterSize);
    TSCOPE_RETURN_IF_ERROR(checkDataHandles(*file, handles));

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

        TableScan contents;
        const uint64_t readsAtOpen = source.blockReads(); // the index block
        uint64_t n = 0;
        for (it->SeekToFirst(); it->Valid(); it->Next()) {
            if (!visit(std::string_view(it->key().data(), it->key().size()),
                    std::string_view(it->value().data(), it->value().size())))
                break;
            if ((++n & 4095) == 0 && shouldStop(options.cancel, options.progress, n, 0))
                return Status(ErrorCode::Cancelled, "cancelled while reading the index").withPath(path);
        }
        if (!it->status().ok()) contents.damage = translate(it->status(), *file);
        // Each index entry's data block is read exactly once by the scan (no block cache), so this counts
        // them whether or not the index block is compressed, and an empty table has none.
        contents.dataBlocks = source.blockReads() - readsAtOpen;
        return contents;
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::Corrupt, "the index table declares more data than can be held in memory")
            .withPath(path);
    } catch (const std::exception& e) {
        return Status(ErrorCode::Corrupt, std::string("the index table cannot be read: ") + e.what())
            .withPath(path);
    }
}

} // namespace tscope::io
