#include "io/table_reader.h"

#include "io/crc32c.h"
#include "io/guarded_read.h"
#include "io/varint.h"

#include <algorithm>
#include <cstring>
#include <leveldb/env.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/table.h>
#include <new>

namespace tscope::io {
namespace {

constexpr uint64_t kFooterSize = kTableFooterSize;

// LevelDB reads through this: copies into its scratch buffer (guarded), plus a sanity check on snappy
// blocks so a hostile length prefix cannot make LevelDB allocate gigabytes.
class MappedRandomAccessFile final : public leveldb::RandomAccessFile {
public:
    explicit MappedRandomAccessFile(std::shared_ptr<MappedFile> file)
        : m_file(std::move(file))
    { }

    leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result, char* scratch) const override
    {
        const bool footer = n == kFooterSize && offset + n == m_file->size();
        if (!footer) {
            ++m_blockReads;
            m_lastBlockEnd = offset + n;
        }
        // LevelDB asks for a block's size + 5 trailer bytes; fewer means the handle's size wrapped past 2^64.
        if (n < 5) {
            *result = leveldb::Slice();
            return refuse(
                Status(ErrorCode::Corrupt, "the index table is damaged: bad block handle (size wraps around)")
                    .withOffset(offset));
        }
        auto span = m_file->bytes(offset, n);
        if (!span) {
            *result = leveldb::Slice();
            return refuse(Status(
                ErrorCode::Truncated, "the index file ends before a block it refers to (file truncated?)")
                              .withOffset(offset));
        }
        // Copied into LevelDB's scratch under the SIGBUS guard: the file may shrink while we scan it.
        if (Status copied = guardedCopy(*span, reinterpret_cast<std::byte*>(scratch)); !copied.isOk()) {
            *result = leveldb::Slice();
            return refuse(std::move(copied).withOffset(offset));
        }
        const auto* p = scratch;
        *result = leveldb::Slice(p, n);
        if (n > 5 && !footer && static_cast<uint8_t>(p[n - 5]) == 1) {
            // Snappy's uncompressed length (a varint of at most 5 bytes) leads the block; an unterminated
            // one is left to snappy, which rejects it without allocating.
            uint64_t claimed = 0;
            const auto* length = reinterpret_cast<const std::byte*>(scratch);
            if (readVarint64(length, length + std::min<size_t>(n - 5, 5), claimed)
                && claimed > kMaxSnappyExpansion * (n - 5) + 1024)
                return refuse(Status(
                    ErrorCode::Corrupt, "a snappy-compressed block of the index cannot be decompressed")
                                  .withOffset(offset));
        }
        return leveldb::Status::OK();
    }

    // Why this adaptor first refused a read: our own pre-check, more precise than what LevelDB reports.
    const Status& refusal() const { return m_refusal; }

    // Blocks read so far (every read except the footer's); a full scan reads each data block once.
    uint64_t blockReads() const { return m_blockReads; }
    // Where the block read last ends: during a scan, how far into the file the data blocks have got.
    uint64_t lastBlockEnd() const { return m_lastBlockEnd; }

private:
    leveldb::Status refuse(Status why) const
    {
        if (m_refusal.isOk()) m_refusal = std::move(why); // LevelDB, too, keeps the first error it meets
        return leveldb::Status::Corruption(m_refusal.message());
    }

    std::shared_ptr<MappedFile> m_file;
    mutable uint64_t m_blockReads = 0;
    mutable uint64_t m_lastBlockEnd = 0;
    mutable Status m_refusal;
};

// readVarint64 for a chain of reads checked once at the end: a failed read yields 0 and clears `ok`.
uint64_t readVarint(const std::byte*& p, const std::byte* end, bool& ok)
{
    uint64_t v = 0;
    if (!readVarint64(p, end, v)) {
        ok = false;
        return 0;
    }
    return v;
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

// LevelDB's error as ours: our own pre-check's verdict when it refused the read, else the kind from
// LevelDB's typed checks, refined by its message where one kind covers several causes.
Status translate(const leveldb::Status& s, const MappedFile& file, const MappedRandomAccessFile& source)
{
    if (!source.refusal().isOk() && s.ToString().find(source.refusal().message()) != std::string::npos) {
        Status refusal = source.refusal();
        return std::move(refusal).withPath(file.path().string());
    }
    const std::string text = s.ToString();
    if (s.IsNotFound())
        return Status(ErrorCode::NotFound, "the index table is incomplete: " + text)
            .withPath(file.path().string());
    if (s.IsIOError())
        return Status(ErrorCode::Io, "the index cannot be read: " + text).withPath(file.path().string());
    if (s.IsNotSupportedError())
        return Status(ErrorCode::Unsupported, "not supported: the index table uses " + text)
            .withPath(file.path().string());
    if (s.IsInvalidArgument())
        return Status(ErrorCode::Corrupt, "the index table is damaged: " + text)
            .withPath(file.path().string());
    // IsCorruption(): LevelDB has one kind for every damaged byte; its message tells them apart.
    ErrorCode code = ErrorCode::Corrupt;
    std::string message;
    if (text.find("checksum mismatch") != std::string::npos) {
        code = ErrorCode::ChecksumMismatch;
        message = "a block of the index does not match its CRC32C checksum";
    } else if (text.find("truncated") != std::string::npos || text.find("too short") != std::string::npos) {
        code = ErrorCode::Truncated;
        message = "the index file ends before a block it refers to (file truncated?)";
    } else if (text.find("bad magic") != std::string::npos) {
        message = kNotAnIndexMessage;
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
        return Status(ErrorCode::Corrupt, kNotAnIndexMessage).withPath(path).withOffset(file->size() - 8);
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
        if (!s.ok()) return translate(s, *file, source);
        std::unique_ptr<leveldb::Table> table(rawTable);

        leveldb::ReadOptions readOptions;
        readOptions.verify_checksums = options.verifyChecksums;
        readOptions.fill_cache = false;
        std::unique_ptr<leveldb::Iterator> it(table->NewIterator(readOptions));

        TableScan contents;
        const uint64_t readsAtOpen = source.blockReads(); // the index block
        uint64_t n = 0;
        // Data blocks are read in file order, so the end of the last one read is a byte count that
        // only grows; the index block (read at open) sits after them all.
        uint64_t reported = 0;
        auto stop = [&](uint64_t bytes) {
            reported = std::max(reported, std::min(bytes, file->size()));
            return shouldStop(options.cancel, options.progress, reported, file->size());
        };
        if (stop(0)) return Status(ErrorCode::Cancelled, "cancelled while reading the index").withPath(path);
        for (it->SeekToFirst(); it->Valid(); it->Next()) {
            if (!visit(std::string_view(it->key().data(), it->key().size()),
                    std::string_view(it->value().data(), it->value().size())))
                break;
            if ((++n & 1023) == 0 && source.blockReads() > readsAtOpen && stop(source.lastBlockEnd()))
                return Status(ErrorCode::Cancelled, "cancelled while reading the index").withPath(path);
        }
        if (it->status().ok() && stop(file->size()))
            return Status(ErrorCode::Cancelled, "cancelled while reading the index").withPath(path);
        if (!it->status().ok()) contents.damage = translate(it->status(), *file, source);
        // Each index entry's data block is read exactly once by the scan (no block cache), so this counts
        // them whether or not the index block is compressed, and an empty table has none.
        contents.dataBlocks = source.blockReads() - readsAtOpen;
        return contents;
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::OutOfMemory, "the index table declares more data than can be held in memory")
            .withPath(path);
    } catch (const std::exception& e) {
        return Status(ErrorCode::Corrupt, std::string("the index table cannot be read: ") + e.what())
            .withPath(path);
    }
}

} // namespace tscope::io
