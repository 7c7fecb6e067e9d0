// readTable: tables written by LevelDB's own TableBuilder (several blocks, snappy, empty) read back in
// order with the right block count; damaged files (empty, short, wrong magic, truncated, flipped bits in
// data and index blocks, hostile snappy lengths, absurd footer handles) give specific error codes.

#include "io/mapped_file.h"
#include "io/table_reader.h"
#include "io_test_util.h"

#include <QTemporaryDir>
#include <QTest>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

using namespace iotest;
using tscope::io::readTable;
using tscope::io::TableContents;
using tscope::io::TableReadOptions;

namespace {

using Rows = std::vector<std::pair<std::string, std::string>>;

// Deterministic rows: keys sorted bytewise, values either pseudo-random (incompressible) or repetitive.
Rows makeRows(int count, int valueSize, bool compressible, bool tfHeader = false, bool binaryKeys = false)
{
    Rows rows;
    if (tfHeader) rows.emplace_back(std::string(), hexBytes("08 01 1A 02 08 01"));
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < count; ++i) {
        char key[32];
        std::snprintf(key, sizeof key, "var/%05d", i);
        std::string k = key;
        if (binaryKeys) {
            k.push_back('\0');
            k.push_back(static_cast<char>(0xFF));
            k.push_back(static_cast<char>(i & 0xFF));
        }
        std::string v;
        for (int j = 0; j < valueSize; ++j) {
            if (compressible) {
                v.push_back(static_cast<char>('a' + (j / 16) % 3));
            } else {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                v.push_back(static_cast<char>(seed & 0xFF));
            }
        }
        rows.emplace_back(k, v);
    }
    return rows;
}

bool sameRows(const TableContents& t, const Rows& rows, const std::vector<bool>* skip = nullptr)
{
    size_t j = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        if (skip && (*skip)[i]) continue;
        if (j >= t.entries.size() || t.entries[j].key != rows[i].first
            || t.entries[j].value != rows[i].second)
            return false;
        ++j;
    }
    return j == t.entries.size();
}

// A one-entry table built by hand: data block, empty metaindex, index block, footer.
struct HandTable {
    std::string bytes;
    uint64_t dataSize = 0;
};

HandTable handTable(const std::string& dataContents, uint8_t dataType,
    const std::string* indexContentsOverride = nullptr, uint8_t indexType = 0)
{
    HandTable t;
    t.bytes = dataContents + blockTrailer(dataContents, dataType);
    t.dataSize = dataContents.size();
    const uint64_t metaOffset = t.bytes.size();
    const std::string meta = makeBlock({});
    t.bytes += meta + blockTrailer(meta, 0);
    const uint64_t indexOffset = t.bytes.size();
    const std::string index = indexContentsOverride
        ? *indexContentsOverride
        : makeBlock({ { "k", blockHandle(0, dataContents.size()) } });
    t.bytes += index + blockTrailer(index, indexType);
    t.bytes += footer(blockHandle(metaOffset, meta.size()), blockHandle(indexOffset, index.size()));
    return t;
}

// Snappy stream bytes whose uncompressed-length varint claims 2 GiB, padded to `total` bytes.
std::string hugeSnappyClaim(size_t total)
{
    std::string s;
    putVarint(s, uint64_t(1) << 31);
    s.resize(total, '\0');
    return s;
}

} // namespace

class TestTableReader : public QObject {
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void emptyTableHasNoDataBlocks();
    void corpusSnappyIndex();

    void emptyFile();
    void shortFile_data();
    void shortFile();
    void wrongMagic();
    void wrongMagicOnIndexLikeFile();
    void truncated_data();
    void truncated();
    void flippedBitInDataBlock();
    void flippedBitInIndexBlock();
    void checksumsNotVerifiedWhenDisabled();
    void snappyHugeLength_data();
    void snappyHugeLength();
    void badBlockType();
    void footerHandleOutsideFile();
    void dataHandleSizeWrapsAround();
    void checksumTruncationAndMagicReadDifferently();

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::filesystem::path nextPath(const char* stem)
    {
        return std::filesystem::path(m_dir.path().toStdString())
            / (std::string(stem) + std::to_string(++m_counter) + ".index");
    }
};

void TestTableReader::roundTrip_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("valueSize");
    QTest::addColumn<bool>("compressible");
    QTest::addColumn<int>("blockSize");
    QTest::addColumn<bool>("snappy");
    QTest::addColumn<bool>("binaryKeys");
    QTest::addColumn<int>("restartInterval");

    QTest::addRow("single entry") << 1 << 10 << false << 4096 << false << false << 16;
    QTest::addRow("single block") << 20 << 16 << false << 4096 << false << false << 16;
    QTest::addRow("many blocks, 256-byte blocks") << 300 << 24 << false << 256 << false << false << 16;
    QTest::addRow("many blocks, restart interval 1") << 200 << 12 << false << 128 << false << false << 1;
    QTest::addRow("values larger than a block") << 12 << 1000 << false << 256 << false << false << 16;
    QTest::addRow("binary keys with 00 and FF") << 150 << 8 << false << 200 << false << true << 4;
    QTest::addRow("snappy, one block") << 10 << 200 << true << 64 * 1024 << true << false << 16;
    QTest::addRow("snappy, many blocks") << 400 << 120 << true << 1024 << true << false << 16;
    QTest::addRow("snappy requested, incompressible data")
        << 100 << 64 << false << 512 << true << false << 16;
}

void TestTableReader::roundTrip()
{
    QFETCH(int, count);
    QFETCH(int, valueSize);
    QFETCH(bool, compressible);
    QFETCH(int, blockSize);
    QFETCH(bool, snappy);
    QFETCH(bool, binaryKeys);
    QFETCH(int, restartInterval);

    const Rows rows = makeRows(count, valueSize, compressible, false, binaryKeys);
    const auto path = nextPath("rt");
    const BuiltTable built = writeLevelDbTable(path, rows, static_cast<size_t>(blockSize),
        snappy ? leveldb::kSnappyCompression : leveldb::kNoCompression, restartInterval);
    QVERIFY(built.ok);

    if (snappy && compressible) {
        // Make sure LevelDB really kept a compressed block: trailer type byte 1 after the first block.
        const std::string bytes = readFile(path);
        QVERIFY(!built.blockEnds.empty());
        QCOMPARE(static_cast<int>(static_cast<uint8_t>(bytes[built.blockEnds[0] - 5])), 1);
    }

    auto file = mapOrFail(path);
    QVERIFY(file);
    auto table = readTable(file);
    QVERIFY2(table.isOk(), qPrintable(table.isOk() ? QString() : describe(table.status())));
    QVERIFY2(table->damage.isOk(), qPrintable(describe(table->damage)));
    QCOMPARE(table->entries.size(), rows.size());
    QVERIFY(sameRows(*table, rows));
    QCOMPARE(table->dataBlocks, static_cast<uint64_t>(built.blockEnds.size()));
    if (count > 100 && blockSize <= 1024) QVERIFY(table->dataBlocks > 3);
}

void TestTableReader::emptyTableHasNoDataBlocks()
{
    for (bool snappy : { false, true }) {
        const auto path = nextPath("empty");
        const BuiltTable built = writeLevelDbTable(
            path, {}, 4096, snappy ? leveldb::kSnappyCompression : leveldb::kNoCompression);
        QVERIFY(built.ok);
        QVERIFY(built.blockEnds.empty());
        auto table = readTable(mapOrFail(path));
        QVERIFY2(table.isOk(), qPrintable(table.isOk() ? QString() : describe(table.status())));
        QVERIFY(table->damage.isOk());
        QCOMPARE(table->entries.size(), size_t(0));
        QCOMPARE(table->dataBlocks, uint64_t(0));
    }
}

void TestTableReader::corpusSnappyIndex()
{
    // MANIFEST: this index uses snappy-compressed table blocks (block type 1).
    const auto path = corpusDir() / "tfserving-half-plus-two-tf1-assets/variables/variables.index";
    const std::string bytes = readFile(path);
    FooterInfo f;
    QVERIFY(parseFooter(bytes, f));
    // The last data block ends right before the metaindex block: its trailer type byte is snappy (1).
    QCOMPARE(static_cast<int>(static_cast<uint8_t>(bytes[f.metaOffset - 5])), 1);
    auto table = readTable(mapOrFail(path));
    QVERIFY2(table.isOk(), qPrintable(table.isOk() ? QString() : describe(table.status())));
    QVERIFY(table->damage.isOk());
    QVERIFY(table->entries.size() >= 2);
    QVERIFY(table->entries.front().key.empty()); // the bundle header
    for (size_t i = 1; i < table->entries.size(); ++i)
        QVERIFY(table->entries[i - 1].key < table->entries[i].key);
    QVERIFY(table->dataBlocks >= 1);
}

void TestTableReader::emptyFile()
{
    const auto path = nextPath("zero");
    QVERIFY(writeFile(path, ""));
    auto table = readTable(mapOrFail(path));
    QVERIFY(!table.isOk());
    IOTEST_COMPARE_CODE(table.status().code(), ErrorCode::Truncated);
    QVERIFY(table.status().message().find("empty") != std::string::npos);
    QCOMPARE(table.status().path(), path.string());
}

void TestTableReader::shortFile_data()
{
    QTest::addColumn<int>("size");
    QTest::addRow("1 byte") << 1;
    QTest::addRow("20 bytes") << 20;
    QTest::addRow("47 bytes") << 47;
}

void TestTableReader::shortFile()
{
    QFETCH(int, size);
    // The last `size` bytes of a real table: even its magic cannot make it a table.
    const auto full = nextPath("full");
    QVERIFY(writeLevelDbTable(full, makeRows(5, 10, false)).ok);
    const std::string bytes = readFile(full);
    const auto path = nextPath("short");
    QVERIFY(writeFile(path, bytes.substr(bytes.size() - static_cast<size_t>(size))));
    auto table = readTable(mapOrFail(path));
    QVERIFY(!table.isOk());
    IOTEST_COMPARE_CODE(table.status().code(), ErrorCode::Truncated);
    QVERIFY2(table.status().message().find("too short") != std::string::npos,
        qPrintable(describe(table.status())));
    QVERIFY(table.status().message().find(std::to_string(size)) != std::string::npos);
}

void TestTableReader::wrongMagic()
{
    const auto path = nextPath("magic");
    QVERIFY(writeLevelDbTable(path, makeRows(30, 10, false)).ok);
    std::string bytes = readFile(path);
    bytes[bytes.size() - 1] = 0x00;
    QVERIFY(writeFile(path, bytes));
    auto table = readTable(mapOrFail(path));
    QVERIFY(!table.isOk());
    IOTEST_COMPARE_CODE(table.status().code(), ErrorCode::Corrupt);
    QVERIFY2(
        table.status().message().find("magic") != std::string::npos, qPrintable(describe(table.status())));
    QCOMPARE(table.status().path(), path.string());
}

void TestTableReader::wrongMagicOnIndexLikeFile()
{
    // A complete TensorFlow-style index (header entry first) whose magic alone is damaged is corrupt, not
    // truncated: its footer still points exactly at the index block before it.
    const auto path = nextPath("magic-tf");
    QVERIFY(writeLevelDbTable(path, makeRows(30, 10, false, true)).ok);
    std::string bytes = readFile(path);
    bytes[bytes.size() - 3] ^= 0x10;
    QVERIFY(writeFile(path, bytes));
    auto table = readTable(mapOrFail(path));
    QVERIFY(!table.isOk());
    IOTEST_COMPARE_CODE(table.status().code(), ErrorCode::Corrupt);
    QVERIFY2(
        table.status().message().find("magic") != std::string::npos, qPrintable(describe(table.status())));
}

void TestTableReader::truncated_data()
{
    QTest::addColumn<int>("cutFromEnd"); // bytes removed from the end; negative = keep only that many bytes
    QTest::addRow("keep 4 bytes") << -4;
    QTest::addRow("keep 48 bytes") << -48;
    QTest::addRow("keep 49 bytes") << -49;
    QTest::addRow("keep half") << -1000000;
    QTest::addRow("cut inside the index block") << 60;
    QTest::addRow("cut at the footer start") << 48;
    QTest::addRow("cut inside the footer") << 20;
    QTest::addRow("cut the magic") << 5;
    QTest::addRow("cut the last byte") << 1;
}

void TestTableReader::truncated()
{
    QFETCH(int, cutFromEnd);
    const auto full = nextPath("trunc-src");
    const BuiltTable built = writeLevelDbTable(full, makeRows(120, 20, false, true), 256);
    QVERIFY(built.ok);
    QVERIFY(built.blockEnds.size() > 3);
    const std::string bytes = readFile(full);
    size_t keep = 0;
    if (cutFromEnd == -1000000)
        keep = bytes.size() / 2;
    else if (cutFromEnd < 0)
        keep = static_cast<size_t>(-cutFromEnd);
    else
        keep = bytes.size() - static_cast<size_t>(cutFromEnd);
    const auto path = nextPath("trunc");
    QVERIFY(writeFile(path, bytes.substr(0, keep)));
    auto table = readTable(mapOrFail(path));
    QVERIFY(!table.isOk());
    IOTEST_COMPARE_CODE(table.status().code(), ErrorCode::Truncated);
    QVERIFY(!table.status().message().empty());
    QCOMPARE(table.status().path(), path.string());
}

void TestTableReader::flippedBitInDataBlock()
{
    const auto path = nextPath("flip-data");
    const Rows rows = makeRows(200, 20, false);
    const BuiltTable built = writeLevelDbTable(path, rows, 256);
    QVERIFY(built.ok);
    QVERIFY(built.blockEnds.size() >= 5);
    std::string bytes = readFile(path);
    const int damaged = 2;
    const uint64_t start = built.blockEnds[damaged - 1];
    const uint64_t end = built.blockEnds[damaged] - 5;
    bytes[(start + end) / 2] ^= 0x04;
    QVERIFY(writeFile(path, bytes));

    auto table = readTable(mapOrFail(path));
    QVERIFY2(table.isOk(), qPrintable(table.isOk() ? QString() : describe(table.status())));
    IOTEST_COMPARE_CODE(table->damage.code(), ErrorCode::ChecksumMismatch);
    QVERIFY(table->damage.message().find("CRC32C") != std::string::npos);
    QCOMPARE(table->damage.path(), path.string());
    // Every entry of the other blocks still comes back, in order.
    std::vector<bool> skip(rows.size());
    size_t lost = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        skip[i] = built.blockOfEntry[i] == damaged;
        lost += skip[i];
    }
    QVERIFY(lost > 0);
    QCOMPARE(table->entries.size(), rows.size() - lost);
    QVERIFY(sameRows(*table, rows, &skip));
    QCOMPARE(table->dataBlocks, static_cast<uint64_t>(built.blockEnds.size()));
}

void TestTableReader::flippedBitInIndexBlock()
{
    const auto path = nextPath("flip-index");
    QVERIFY(writeLevelDbTable(path, makeRows(200, 20, false), 256).ok);
    std::string bytes = readFile(path);
    FooterInfo f;
    QVERIFY(parseFooter(bytes, f));
    bytes[f.indexOffset + f.indexSize / 2] ^= 0x20;
    QVERIFY(writeFile(path, bytes));
    auto table = readTable(mapOrFail(path));
    QVERIFY(!table.isOk());
    IOTEST_COMPARE_CODE(table.status().code(), ErrorCode::ChecksumMismatch);
    QCOMPARE(table.status().path(), path.string());
    QVERIFY(!table.status().message().empty());
}

void TestTableReader::checksumsNotVerifiedWhenDisabled()
{
    // A flipped bit inside a value goes unnoticed without verification and is caught with it.
    const auto path = nextPath("noverify");
    const Rows rows = makeRows(3, 64, false);
    const BuiltTable built = writeLevelDbTable(path, rows, 4096);
    QVERIFY(built.ok);
    std::string bytes = readFile(path);
    const size_t at = bytes.find(rows[1].second.substr(0, 16));
    QVERIFY(at != std::string::npos);
    bytes[at + 5] ^= 0x01;
    QVERIFY(writeFile(path, bytes));
    TableReadOptions loose;
    loose.verifyChecksums = false;
    auto table = readTable(mapOrFail(path), loose);
    QVERIFY(table.isOk());
    QVERIFY(table->damage.isOk());
    QCOMPARE(table->entries.size(), size_t(3));
    QVERIFY(table->entries[1].value != rows[1].second);
    auto strict = readTable(mapOrFail(path));
    QVERIFY(strict.isOk());
    IOTEST_COMPARE_CODE(strict->damage.code(), ErrorCode::ChecksumMismatch);
}

void TestTableReader::snappyHugeLength_data()
{
    QTest::addColumn<bool>("inIndex");
    QTest::addColumn<int>("blockSize");
    QTest::addRow("data block, 20 bytes") << false << 20;
    QTest::addRow("data block, 43 bytes (block + trailer = 48)") << false << 43;
    QTest::addRow("data block, 300 bytes") << false << 300;
    QTest::addRow("index block, 20 bytes") << true << 20;
    QTest::addRow("index block, 43 bytes") << true << 43;
}

void TestTableReader::snappyHugeLength()
{
    QFETCH(bool, inIndex);
    QFETCH(int, blockSize);
    const std::string claim = hugeSnappyClaim(static_cast<size_t>(blockSize));
    HandTable t = inIndex ? handTable(makeBlock({ { "a", "b" } }), 0, &claim, 1) : handTable(claim, 1);
    const auto path = nextPath("snappy-huge");
    QVERIFY(writeFile(path, t.bytes));
    auto file = mapOrFail(path);
    QVERIFY(file);

    // With the address space capped, an attempt to allocate the claimed 2 GiB would fail with bad_alloc
    // (reported as "more data than can be held in memory") instead of going unnoticed.
    tscope::io::Result<TableContents> table = tscope::io::Status(ErrorCode::Io, "not run");
    {
        AddressSpaceCap cap(512ull << 20);
#if !defined(__SANITIZE_ADDRESS__) // under ASan the cap is off; its allocation limit (1 GiB in CI) catches
                                   // this instead
        QVERIFY(cap.active());
#endif
        table = readTable(file);
    }
    Status s = inIndex ? (table.isOk() ? Status::ok() : table.status())
                       : (table.isOk() ? table->damage : table.status());
    IOTEST_COMPARE_CODE(s.code(), ErrorCode::Corrupt);
    QVERIFY2(s.message().find("snappy") != std::string::npos, qPrintable(describe(s)));
    QVERIFY2(s.message().find("memory") == std::string::npos, qPrintable(describe(s)));
    QCOMPARE(s.path(), path.string());
    if (!inIndex) QCOMPARE(table->entries.size(), size_t(0));
}

void TestTableReader::badBlockType()
{
    HandTable t = handTable(makeBlock({ { "a", "b" } }), 2);
    const auto path = nextPath("type2");
    QVERIFY(writeFile(path, t.bytes));
    auto table = readTable(mapOrFail(path));
    QVERIFY(table.isOk());
    IOTEST_COMPARE_CODE(table->damage.code(), ErrorCode::Corrupt);
    QVERIFY2(table->damage.message().find("compression type") != std::string::npos,
        qPrintable(describe(table->damage)));

    // Sanity: the same table with type 0 reads.
    HandTable good = handTable(makeBlock({ { "a", "b" } }), 0);
    QVERIFY(writeFile(path, good.bytes));
    auto ok = readTable(mapOrFail(path));
    QVERIFY(ok.isOk());
    QVERIFY(ok->damage.isOk());
    QCOMPARE(ok->entries.size(), size_t(1));
    QCOMPARE(ok->dataBlocks, uint64_t(1));
}

void TestTableReader::footerHandleOutsideFile()
{
    // Footers pointing outside the file (beyond it, or with sizes that wrap around when LevelDB adds the
    // 5-byte trailer) must give an error, never a crash or a huge allocation.
    const std::string data = makeBlock({ { "a", "b" } });
    const std::vector<std::pair<uint64_t, uint64_t>> handles = {
        { 1000000, 10 }, // beyond the file
        { 0, 1u << 30 }, // 1 GiB index block in a tiny file
        { 0, UINT64_MAX - 4 }, // size + 5 wraps to 0
        { 0, UINT64_MAX - 2 }, // size + 5 wraps to 2
        { UINT64_MAX - 1, 8 }, // offset + size wraps
        { 5, 0 }, // empty index block (its CRC cannot match)
    };
    for (const auto& [off, size] : handles) {
        std::string bytes = data + blockTrailer(data, 0);
        const std::string meta = makeBlock({});
        const uint64_t metaOffset = bytes.size();
        bytes += meta + blockTrailer(meta, 0);
        bytes += footer(blockHandle(metaOffset, meta.size()), blockHandle(off, size));
        const auto path = nextPath("footer");
        QVERIFY(writeFile(path, bytes));
        tscope::io::Result<TableContents> table = tscope::io::Status(ErrorCode::Io, "not run");
        {
            AddressSpaceCap cap(512ull << 20);
            table = readTable(mapOrFail(path));
        }
        QVERIFY2(!table.isOk(), qPrintable(QStringLiteral("handle %1/%2 accepted").arg(off).arg(size)));
        const auto code = table.status().code();
        QVERIFY2(
            code == ErrorCode::Corrupt || code == ErrorCode::Truncated || code == ErrorCode::ChecksumMismatch,
            qPrintable(describe(table.status())));
        QVERIFY2(table.status().message().find("memory") == std::string::npos,
            qPrintable(describe(table.status())));
        QCOMPARE(table.status().path(), path.string());
    }
}

void TestTableReader::dataHandleSizeWrapsAround()
{
    // An index block with a valid CRC whose data-block handle has a size near 2^64: LevelDB adds the 5-byte
    // trailer to it, which wraps around to a tiny read. Must be an error, not an out-of-bounds read.
    for (uint64_t size : { UINT64_MAX - 4, UINT64_MAX - 2, UINT64_MAX, uint64_t(1) << 40 }) {
        const std::string data = makeBlock({ { "a", "b" } });
        const std::string index = makeBlock({ { "z", blockHandle(0, size) } });
        HandTable t = handTable(data, 0, &index, 0);
        const auto path = nextPath("wrap");
        QVERIFY(writeFile(path, t.bytes));
        tscope::io::Result<TableContents> table = tscope::io::Status(ErrorCode::Io, "not run");
        {
            AddressSpaceCap cap(512ull << 20);
            table = readTable(mapOrFail(path));
        }
        if (size > (uint64_t(1) << 62)) {
            // Wrapped sizes are caught before LevelDB touches memory: the block is damaged, the table still
            // opens.
            QVERIFY2(table.isOk(), qPrintable(table.isOk() ? QString() : describe(table.status())));
            QVERIFY2(!table->damage.isOk(), qPrintable(QString::number(size)));
            QCOMPARE(table->entries.size(), size_t(0));
            QCOMPARE(table->damage.path(), path.string());
            QCOMPARE(table->dataBlocks, uint64_t(1));
        } else if (table.isOk()) {
            // 1 TiB: LevelDB reserves the buffer before reading; either that fails (below) or the read does.
            QVERIFY(!table->damage.isOk());
        } else {
            IOTEST_COMPARE_CODE(table.status().code(), ErrorCode::Corrupt);
            QCOMPARE(table.status().path(), path.string());
        }
    }
}

void TestTableReader::checksumTruncationAndMagicReadDifferently()
{
    // The same table damaged three ways: each must keep its own code and its own explanation.
    const auto source = nextPath("three-src");
    const BuiltTable built = writeLevelDbTable(source, makeRows(200, 20, false, true), 256);
    QVERIFY(built.ok);
    const std::string bytes = readFile(source);

    std::string flipped = bytes;
    flipped[(built.blockEnds[1] + built.blockEnds[2] - 5) / 2] ^= 0x04;
    const auto flippedPath = nextPath("three-crc");
    QVERIFY(writeFile(flippedPath, flipped));
    auto crc = readTable(mapOrFail(flippedPath));
    QVERIFY(crc.isOk());
    const Status checksum = crc->damage;

    const auto cutPath = nextPath("three-cut");
    QVERIFY(writeFile(cutPath, bytes.substr(0, bytes.size() / 2)));
    auto cut = readTable(mapOrFail(cutPath));
    QVERIFY(!cut.isOk());
    const Status truncated = cut.status();

    std::string badMagic = bytes;
    badMagic[badMagic.size() - 3] ^= 0x10;
    const auto magicPath = nextPath("three-magic");
    QVERIFY(writeFile(magicPath, badMagic));
    auto magic = readTable(mapOrFail(magicPath));
    QVERIFY(!magic.isOk());
    const Status wrongMagic = magic.status();

    IOTEST_COMPARE_CODE(checksum.code(), ErrorCode::ChecksumMismatch);
    IOTEST_COMPARE_CODE(truncated.code(), ErrorCode::Truncated);
    IOTEST_COMPARE_CODE(wrongMagic.code(), ErrorCode::Corrupt);
    QVERIFY2(checksum.message().find("CRC32C") != std::string::npos, qPrintable(describe(checksum)));
    QVERIFY2(truncated.message().find("ends early") != std::string::npos, qPrintable(describe(truncated)));
    QVERIFY2(
        wrongMagic.message().find("magic number") != std::string::npos, qPrintable(describe(wrongMagic)));
    QVERIFY(checksum.message() != truncated.message());
    QVERIFY(truncated.message() != wrongMagic.message());
    QVERIFY(checksum.message() != wrongMagic.message());
}

QTEST_APPLESS_MAIN(TestTableReader)
#include "tst_table_reader.moc"
