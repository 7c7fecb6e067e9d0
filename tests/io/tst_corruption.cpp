// Damaged bundles and SavedModels: each damage gives its own ErrorCode and a message that names the file
// and/or tensor. Ends with a systematic sweep over real corpus indexes (every truncation, bit flips, and
// bit flips inside entry values with valid block CRCs): never a crash or a hang, always an error or a
// readable bundle.

#include "io/artifact.h"
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/dtype.h"
#include "io/saved_model_reader.h"
#include "io/slice_key.h"
#include "io/variable_tree.h"
#include "io_test_util.h"
#include "tensor_bundle.pb.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <cstdint>
#include <cstring>
#include <google/protobuf/stubs/logging.h>
#include <random>
#include <string>
#include <vector>

using namespace iotest;
using tscope::io::BundleReader;
using tscope::io::BundleWriter;
using tscope::io::DType;
using tscope::io::ReadOptions;
using tscope::io::Shape;

namespace {

int dt(DType d)
{
    return static_cast<int>(d);
}

std::string entryProto(
    int dtype, const Shape& shape, int64_t offset, int64_t size, uint32_t crc = 0, int32_t shard = 0)
{
    tensorflow::BundleEntryProto e;
    e.set_dtype(static_cast<tensorflow::DataType>(dtype));
    for (auto d : shape)
        e.mutable_shape()->add_dim()->set_size(d);
    e.set_shard_id(shard);
    e.set_offset(offset);
    e.set_size(size);
    e.set_crc32c(crc);
    return e.SerializeAsString();
}

bool flipBit(const std::filesystem::path& path, uint64_t byte, int bit)
{
    std::string bytes = readFile(path);
    if (byte >= bytes.size()) return false;
    bytes[byte] = static_cast<char>(bytes[byte] ^ (1 << bit));
    return writeFile(path, bytes);
}

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

// Reads everything a bundle offers, the way the CLI and GUI would. Returns how many tensors read.
int exercise(const BundleReader& r)
{
    int ok = 0;
    auto tree = tscope::io::buildVariableTree(r);
    (void)tree;
    for (const auto& e : r.entries()) {
        ReadOptions options;
        options.verifyCrc = true;
        auto t = r.read(e, options);
        if (t.isOk())
            ++ok;
        else if (t.status().message().empty())
            return -1000000; // every error must say something
    }
    auto report = r.verify();
    if (!report.ok && report.problems.empty()) return -1000000;
    return ok;
}

} // namespace

class TestCorruption : public QObject {
    Q_OBJECT

private slots:
    void missingDataShard();
    void shortDataShard();
    void entryOffsetPastShardEnd_data();
    void entryOffsetPastShardEnd();
    void absurdShapes_data();
    void absurdShapes();
    void sizeDoesNotMatchDtypeTimesShape_data();
    void sizeDoesNotMatchDtypeTimesShape();
    void shardIdOutOfRange();
    void flippedBitInTensorData();
    void flippedBitInStringData();
    void unparseableEntry();
    void badHeader_data();
    void badHeader();
    void stringBadLengthChecksum();
    void stringMoreElementsThanBytes();
    void stringLengthsPastSize();
    void savedModelFiles_data();
    void savedModelFiles();
    void partitionedDamage_data();
    void partitionedDamage();
    void orphanSliceRecord();
    void damagedSliceNamesItsVariable();

    void truncationAndBitFlipSweep_data();
    void truncationAndBitFlipSweep();
    void entryValueMutationSweep();
    void objectGraphBitFlipSweep();

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::filesystem::path nextDir(const char* stem)
    {
        auto dir = std::filesystem::path(m_dir.path().toStdString())
            / (std::string(stem) + std::to_string(++m_counter));
        std::filesystem::create_directories(dir);
        return dir;
    }
    // Two float tensors "a" [4] and "b" [8] (and whatever `extra` adds) in one shard.
    std::filesystem::path simpleBundle(const char* stem, const std::function<void(BundleWriter&)>& extra = {})
    {
        const auto prefix = nextDir(stem) / "ckpt";
        BundleWriter w(prefix);
        const float a[4] = { 1, 2, 3, 4 };
        const float b[8] = { 5, 6, 7, 8, 9, 10, 11, 12 };
        if (!w.add("a", DType::Float, { 4 }, std::as_bytes(std::span(a))).isOk()) return {};
        if (!w.add("b", DType::Float, { 8 }, std::as_bytes(std::span(b))).isOk()) return {};
        if (extra) extra(w);
        if (!w.finish().isOk()) return {};
        return prefix;
    }
};

void TestCorruption::missingDataShard()
{
    const auto prefix = nextDir("missing") / "ckpt";
    BundleWriter::Options options;
    options.numShards = 2;
    {
        BundleWriter w(prefix, options);
        const float a[2] = { 1, 2 };
        QVERIFY(w.add("in_shard0", DType::Float, { 2 }, std::as_bytes(std::span(a)), 0).isOk());
        QVERIFY(w.add("in_shard1", DType::Float, { 2 }, std::as_bytes(std::span(a)), 1).isOk());
        QVERIFY(w.finish().isOk());
    }
    const auto shard1 = tscope::io::bundleDataPath(prefix, 1, 2);
    QVERIFY(std::filesystem::remove(shard1));

    auto reader = BundleReader::open(prefix);
    QVERIFY2(reader.isOk(), "a missing data shard must not stop opening the index");
    const auto& r = **reader;
    QCOMPARE(r.entries().size(), size_t(2));
    bool warned = false;
    for (const auto& w : r.warnings())
        warned = warned || (w.code() == ErrorCode::NotFound && w.path() == shard1.string());
    QVERIFY2(warned, qPrintable(describeAll(r.warnings())));

    auto bad = r.read(*r.find("in_shard1"));
    QVERIFY(!bad.isOk());
    IOTEST_COMPARE_CODE(bad.status().code(), ErrorCode::NotFound);
    QCOMPARE(bad.status().path(), shard1.string());
    QCOMPARE(bad.status().tensor(), std::string("in_shard1"));
    QVERIFY(contains(bad.status().toString(), "data-00001-of-00002"));

    auto good = r.read(*r.find("in_shard0"));
    QVERIFY2(good.isOk(), "tensors of the other shards still read");

    auto report = r.verify();
    QVERIFY(!report.ok);
    bool reported = false;
    for (const auto& p : report.problems)
        reported = reported || (p.code() == ErrorCode::NotFound && p.path() == shard1.string());
    QVERIFY(reported);
}

void TestCorruption::shortDataShard()
{
    const auto prefix = simpleBundle("short");
    QVERIFY(!prefix.empty());
    const auto data = tscope::io::bundleDataPath(prefix, 0, 1);
    std::string bytes = readFile(data);
    QCOMPARE(bytes.size(), size_t(48));
    QVERIFY(writeFile(data, bytes.substr(0, 40))); // "b" lies at [16, 48)
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    auto b = (*reader)->read(*(*reader)->find("b"));
    QVERIFY(!b.isOk());
    IOTEST_COMPARE_CODE(b.status().code(), ErrorCode::Truncated);
    QCOMPARE(b.status().tensor(), std::string("b"));
    QCOMPARE(b.status().path(), data.string());
    QVERIFY(b.status().offset().has_value());
    QCOMPARE(*b.status().offset(), uint64_t(16));
    QVERIFY2(contains(b.status().message(), "48") && contains(b.status().message(), "40"),
        qPrintable(describe(b.status())));
    QVERIFY((*reader)->read(*(*reader)->find("a")).isOk());
    auto report = (*reader)->verify();
    QVERIFY(!report.ok);
    QCOMPARE(report.problems.size(), size_t(1));
    IOTEST_COMPARE_CODE(report.problems[0].code(), ErrorCode::Truncated);
}

void TestCorruption::entryOffsetPastShardEnd_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("size");
    QTest::addRow("offset just past the end") << qint64(48) << qint64(4);
    QTest::addRow("offset 1 TiB") << (qint64(1) << 40) << qint64(16);
    QTest::addRow("offset + size overflows") << qint64(INT64_MAX - 2) << qint64(16);
    QTest::addRow("size runs past the end") << qint64(40) << qint64(16);
}

void TestCorruption::entryOffsetPastShardEnd()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, size);
    const auto prefix = simpleBundle("offset", [&](BundleWriter& w) {
        w.addRawEntry("far", entryProto(dt(DType::Float), { size / 4 }, offset, size));
    });
    QVERIFY(!prefix.empty());
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto* e = (*reader)->find("far");
    QVERIFY(e);
    QVERIFY(e->problem.isOk()); // nothing wrong can be seen without the data file
    tscope::io::Result<tscope::io::Tensor> t = Status(ErrorCode::Io, "not run");
    {
        AddressSpaceCap cap(512ull << 20);
        t = (*reader)->read(*e);
    }
    QVERIFY(!t.isOk());
    const auto code = t.status().code();
    QVERIFY2(code == ErrorCode::Truncated || code == ErrorCode::Corrupt, qPrintable(describe(t.status())));
    QCOMPARE(t.status().tensor(), std::string("far"));
    QVERIFY(t.status().offset().has_value());
    QCOMPARE(*t.status().offset(), static_cast<uint64_t>(offset));
    QVERIFY(contains(t.status().path(), ".data-00000-of-00001"));
    QVERIFY((*reader)->read(*(*reader)->find("a")).isOk());
}

void TestCorruption::absurdShapes_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addRow("negative dim") << dt(DType::Float) << QList<qint64> { -1, 4 };
    QTest::addRow("all dims -1") << dt(DType::Float) << QList<qint64> { -1 };
    QTest::addRow("product overflows int64")
        << dt(DType::Float) << QList<qint64> { qint64(1) << 40, qint64(1) << 40 };
    QTest::addRow("INT64_MAX x 2") << dt(DType::Double) << QList<qint64> { INT64_MAX, 2 };
    QTest::addRow("count fits, bytes overflow") << dt(DType::Complex128) << QList<qint64> { qint64(1) << 61 };
    QTest::addRow("string, overflowing")
        << dt(DType::String) << QList<qint64> { qint64(1) << 32, qint64(1) << 32 };
    QTest::addRow("string, 2^40 elements") << dt(DType::String) << QList<qint64> { qint64(1) << 40 };
}

void TestCorruption::absurdShapes()
{
    QFETCH(int, dtype);
    QFETCH(QList<qint64>, shape);
    const auto prefix = simpleBundle("shape", [&](BundleWriter& w) {
        w.addRawEntry("absurd", entryProto(dtype, Shape(shape.begin(), shape.end()), 0, 16));
    });
    QVERIFY(!prefix.empty());
    AddressSpaceCap cap(512ull << 20);
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto* e = (*reader)->find("absurd");
    QVERIFY(e);
    IOTEST_COMPARE_CODE(e->problem.code(), ErrorCode::Corrupt);
    QCOMPARE(e->problem.tensor(), std::string("absurd"));
    QVERIFY(contains(e->problem.path(), ".index"));
    auto t = (*reader)->read(*e);
    QVERIFY(!t.isOk());
    IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::Corrupt);
    auto report = (*reader)->verify();
    QVERIFY(!report.ok);
    QCOMPARE(report.problems.size(), size_t(1));
    QVERIFY((*reader)->read(*(*reader)->find("b")).isOk());
    auto tree = tscope::io::buildVariableTree(**reader);
    QVERIFY(tree.nodes.size() >= 4);
}

void TestCorruption::sizeDoesNotMatchDtypeTimesShape_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<qint64>("size");
    QTest::addRow("float32[4] in 15 bytes") << dt(DType::Float) << qint64(15);
    QTest::addRow("float32[4] in 17 bytes") << dt(DType::Float) << qint64(17);
    QTest::addRow("float64[4] in 16 bytes") << dt(DType::Double) << qint64(16);
    QTest::addRow("int8[4] in 16 bytes") << dt(DType::Int8) << qint64(16);
    QTest::addRow("negative size") << dt(DType::Float) << qint64(-16);
}

void TestCorruption::sizeDoesNotMatchDtypeTimesShape()
{
    QFETCH(int, dtype);
    QFETCH(qint64, size);
    const auto prefix = simpleBundle(
        "size", [&](BundleWriter& w) { w.addRawEntry("mismatch", entryProto(dtype, { 4 }, 0, size)); });
    QVERIFY(!prefix.empty());
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto* e = (*reader)->find("mismatch");
    QVERIFY(e);
    IOTEST_COMPARE_CODE(e->problem.code(), ErrorCode::Corrupt);
    QCOMPARE(e->problem.tensor(), std::string("mismatch"));
    if (size > 0)
        QVERIFY2(contains(e->problem.message(), std::to_string(size)), qPrintable(describe(e->problem)));
    auto t = (*reader)->read(*e);
    QVERIFY(!t.isOk());
    IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::Corrupt);
}

void TestCorruption::shardIdOutOfRange()
{
    const auto prefix = simpleBundle("shardid", [&](BundleWriter& w) {
        w.addRawEntry("shard7", entryProto(dt(DType::Float), { 4 }, 0, 16, 0, 7));
        w.addRawEntry("shardneg", entryProto(dt(DType::Float), { 4 }, 0, 16, 0, -1));
    });
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    for (const char* key : { "shard7", "shardneg" }) {
        const auto* e = (*reader)->find(key);
        QVERIFY(e);
        IOTEST_COMPARE_CODE(e->problem.code(), ErrorCode::Corrupt);
        QVERIFY(contains(e->problem.message(), "shard"));
        QVERIFY(!(*reader)->read(*e).isOk());
    }
}

void TestCorruption::flippedBitInTensorData()
{
    const auto prefix = simpleBundle("flip");
    QVERIFY(!prefix.empty());
    const auto data = tscope::io::bundleDataPath(prefix, 0, 1);
    QVERIFY(flipBit(data, 16 + 5, 3)); // inside "b"
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto* b = (*reader)->find("b");
    ReadOptions verify;
    verify.verifyCrc = true;
    auto t = (*reader)->read(*b, verify);
    QVERIFY(!t.isOk());
    IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::ChecksumMismatch);
    QCOMPARE(t.status().tensor(), std::string("b"));
    QCOMPARE(t.status().path(), data.string());
    QCOMPARE(t.status().offset().value_or(0), uint64_t(16));
    // Without CRC checking the (damaged) values still come back.
    auto loose = (*reader)->read(*b);
    QVERIFY(loose.isOk());
    QCOMPARE(loose->bytes().size(), size_t(32));
    QVERIFY((*reader)->read(*(*reader)->find("a"), verify).isOk());

    auto report = (*reader)->verify();
    QVERIFY(!report.ok);
    QCOMPARE(report.problems.size(), size_t(1));
    IOTEST_COMPARE_CODE(report.problems[0].code(), ErrorCode::ChecksumMismatch);
    QCOMPARE(report.problems[0].tensor(), std::string("b"));
    QCOMPARE(report.tensorsChecked, uint64_t(2));
}

void TestCorruption::flippedBitInStringData()
{
    const auto prefix = simpleBundle("flipstr", [](BundleWriter& w) {
        (void)w.addStrings("s", { 2 }, { "hello", "world" });
    });
    const auto data = tscope::io::bundleDataPath(prefix, 0, 1);
    const std::string bytes = readFile(data);
    const size_t at = bytes.find("world");
    QVERIFY(at != std::string::npos);
    QVERIFY(flipBit(data, at + 1, 0));
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    ReadOptions verify;
    verify.verifyCrc = true;
    auto t = (*reader)->read(*(*reader)->find("s"), verify);
    QVERIFY(!t.isOk());
    IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::ChecksumMismatch);
    QCOMPARE(t.status().tensor(), std::string("s"));
    QCOMPARE(t.status().path(), data.string());
    auto loose = (*reader)->read(*(*reader)->find("s"));
    QVERIFY(loose.isOk());
    QCOMPARE(loose->stringValues()[0], std::string("hello"));
    QVERIFY(loose->stringValues()[1] != "world");
    QVERIFY(!(*reader)->verify().ok);
}

void TestCorruption::unparseableEntry()
{
    const auto prefix = simpleBundle(
        "unparse", [](BundleWriter& w) { w.addRawEntry("garbage", hexBytes("FF FF FF FF 0F 12")); });
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto& r = **reader;
    QCOMPARE(r.entries().size(), size_t(3));
    const auto* g = r.find("garbage");
    QVERIFY(g);
    IOTEST_COMPARE_CODE(g->problem.code(), ErrorCode::Corrupt);
    QCOMPARE(g->problem.tensor(), std::string("garbage"));
    QVERIFY(contains(g->problem.path(), "ckpt.index"));
    QVERIFY(contains(g->problem.message(), "parsed"));
    QVERIFY(!r.read(*g).isOk());
    QVERIFY(r.find("a")->problem.isOk());
    QVERIFY(r.read(*r.find("a")).isOk());
    QVERIFY(r.read(*r.find("b")).isOk());
    auto report = r.verify();
    QVERIFY(!report.ok);
    QCOMPARE(report.problems.size(), size_t(1));
    QCOMPARE(report.problems[0].tensor(), std::string("garbage"));
}

void TestCorruption::badHeader_data()
{
    QTest::addColumn<QByteArray>("header"); // hex; "drop" removes the header entry
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");
    auto hdr = [](int32_t shards, int32_t minConsumer, std::vector<int32_t> bad = {}) {
        tensorflow::BundleHeaderProto h;
        h.set_num_shards(shards);
        h.mutable_version()->set_producer(1);
        h.mutable_version()->set_min_consumer(minConsumer);
        for (auto b : bad)
            h.mutable_version()->add_bad_consumers(b);
        const std::string s = h.SerializeAsString();
        return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
    };
    QTest::addRow("num_shards = 0") << hdr(0, 0) << int(ErrorCode::Corrupt) << "0 data shards";
    QTest::addRow("num_shards = -3") << hdr(-3, 0) << int(ErrorCode::Corrupt) << "-3 data shards";
    QTest::addRow("num_shards = 10^9")
        << hdr(1000000000, 0) << int(ErrorCode::Corrupt) << "1000000000 data shards";
    QTest::addRow("min_consumer = 5") << hdr(1, 5) << int(ErrorCode::Unsupported) << "newer TensorFlow";
    QTest::addRow("bad_consumers has 1")
        << hdr(1, 0, { 1 }) << int(ErrorCode::Unsupported) << "newer TensorFlow";
    QTest::addRow("unparseable") << QByteArray("\x08\xFF", 2) << int(ErrorCode::Corrupt) << "header";
    QTest::addRow("V1 SavedTensorSlices meta")
        << QByteArray("\x0A\x00", 2) << int(ErrorCode::Unsupported) << "V1";
    QTest::addRow("no header entry") << QByteArray("drop") << int(ErrorCode::Corrupt) << "header";
}

void TestCorruption::badHeader()
{
    QFETCH(QByteArray, header);
    QFETCH(int, code);
    QFETCH(QString, needle);
    const auto prefix = simpleBundle("header");
    QVERIFY(!prefix.empty());
    const auto index = std::filesystem::path(prefix.string() + ".index");
    QVERIFY(rewriteIndex(index, [&](auto& rows) {
        QCOMPARE_EQ(rows.front().first, std::string());
        if (header == "drop")
            rows.erase(rows.begin());
        else
            rows.front().second = header.toStdString();
    }));
    AddressSpaceCap cap(512ull << 20);
    QElapsedTimer timer;
    timer.start();
    auto reader = BundleReader::open(prefix);
    QVERIFY(timer.elapsed() < 2000);
    QVERIFY(!reader.isOk());
    IOTEST_COMPARE_CODE(reader.status().code(), static_cast<ErrorCode>(code));
    QCOMPARE(reader.status().path(), index.string());
    QVERIFY2(
        contains(reader.status().message(), needle.toStdString()), qPrintable(describe(reader.status())));
}

void TestCorruption::stringBadLengthChecksum()
{
    const auto prefix = simpleBundle("strlen", [](BundleWriter& w) {
        (void)w.addStrings("s", { 3 }, { "x", "yy", "zzz" });
    });
    auto reader0 = BundleReader::open(prefix);
    QVERIFY(reader0.isOk());
    const uint64_t offset = (*reader0)->find("s")->stored.offset;
    reader0 = Status(ErrorCode::Io, "closed");
    const auto data = tscope::io::bundleDataPath(prefix, 0, 1);
    QVERIFY(flipBit(data, offset + 3 + 2, 6)); // inside the 4-byte length checksum after three 1-byte varints
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    for (bool verify : { false, true }) {
        ReadOptions options;
        options.verifyCrc = verify;
        auto t = (*reader)->read(*(*reader)->find("s"), options);
        QVERIFY(!t.isOk());
        IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::ChecksumMismatch);
        QCOMPARE(t.status().tensor(), std::string("s"));
        QCOMPARE(t.status().path(), data.string());
        QVERIFY(contains(t.status().message(), "length"));
    }
}

void TestCorruption::stringMoreElementsThanBytes()
{
    // Point a string entry claiming 1000 elements at the 12 stored bytes of a real 3-element one.
    uint32_t crc = 0;
    const std::string enc = BundleWriter::encodeStrings({ "x", "yy", "zzz" }, crc);
    const auto prefix = simpleBundle("strcount", [&](BundleWriter& w) {
        (void)w.addStrings("s", { 3 }, { "x", "yy", "zzz" });
        w.addRawEntry("s_claims_1000",
            entryProto(dt(DType::String), { 1000 }, 48, static_cast<int64_t>(enc.size()), crc));
        w.addRawEntry("s_claims_2e12",
            entryProto(dt(DType::String), { 2000000, 1000000 }, 48, static_cast<int64_t>(enc.size()), crc));
    });
    AddressSpaceCap cap(512ull << 20);
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    QVERIFY((*reader)->read(*(*reader)->find("s")).isOk());
    for (const char* key : { "s_claims_1000", "s_claims_2e12" }) {
        const auto* e = (*reader)->find(key);
        QVERIFY(e);
        IOTEST_COMPARE_CODE(e->problem.code(), ErrorCode::Corrupt);
        QCOMPARE(e->problem.tensor(), std::string(key));
        auto t = (*reader)->read(*e);
        QVERIFY(!t.isOk());
        IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::Corrupt);
    }
    // The decoder on its own refuses too, before allocating per-element state.
    auto direct = tscope::io::decodeStringTensor(asBytes(enc), 1000, crc, false);
    QVERIFY(!direct.isOk());
    IOTEST_COMPARE_CODE(direct.status().code(), ErrorCode::Corrupt);
}

void TestCorruption::stringLengthsPastSize()
{
    // Valid length checksum, but the lengths add up to more than the stored bytes.
    std::string bytes;
    putVarint(bytes, 1000);
    putVarint(bytes, 1);
    uint32_t c = 0;
    for (uint32_t len : { 1000u, 1u }) {
        std::string le;
        putFixed32(le, len);
        c = tscope::io::crc32c::extend(c, le.data(), 4);
    }
    putFixed32(bytes, tscope::io::crc32c::mask(c));
    bytes += "abc";
    const auto prefix = nextDir("strpast") / "ckpt";
    {
        BundleWriter w(prefix);
        QVERIFY(w.add("raw", DType::UInt8, { static_cast<int64_t>(bytes.size()) }, asBytes(bytes)).isOk());
        w.addRawEntry("s", entryProto(dt(DType::String), { 2 }, 0, static_cast<int64_t>(bytes.size())));
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    auto t = (*reader)->read(*(*reader)->find("s"));
    QVERIFY(!t.isOk());
    IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::Corrupt);
    QCOMPARE(t.status().tensor(), std::string("s"));
}

void TestCorruption::savedModelFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");

    std::mt19937 rng(12345);
    QByteArray garbage(4096, '\0');
    for (auto& ch : garbage)
        ch = static_cast<char>(rng() & 0xFF);
    QTest::addRow("random bytes") << "saved_model.pb" << garbage << int(ErrorCode::Corrupt)
                                  << "saved_model.pb";
    QTest::addRow("text, not protobuf") << "saved_model.pb" << QByteArray("this is not a protobuf\n")
                                        << int(ErrorCode::Corrupt) << "saved_model.pb";
    QTest::addRow("empty saved_model.pb")
        << "saved_model.pb" << QByteArray() << int(ErrorCode::Corrupt) << "no meta graph";
    QTest::addRow("Git LFS pointer")
        << "saved_model.pb"
        << QByteArray("version https://git-lfs.github.com/spec/v1\noid "
                      "sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")
        << int(ErrorCode::Unsupported) << "LFS";
    QTest::addRow("saved_model.cpb only")
        << "saved_model.cpb" << QByteArray("\x00riegeli", 8) << int(ErrorCode::Unsupported) << "chunked";
    QTest::addRow("garbage pbtxt") << "saved_model.pbtxt" << QByteArray("meta_graphs { nonsense: [")
                                   << int(ErrorCode::Corrupt) << "saved_model.pbtxt";
}

void TestCorruption::savedModelFiles()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(int, code);
    QFETCH(QString, needle);
    const auto dir = nextDir("sm");
    const auto path = dir / file.toStdString();
    QVERIFY(writeFile(path, content.toStdString()));

    auto sm = tscope::io::readSavedModel(dir);
    QVERIFY(!sm.isOk());
    IOTEST_COMPARE_CODE(sm.status().code(), static_cast<ErrorCode>(code));
    QCOMPARE(sm.status().path(), path.string());
    QVERIFY2(contains(sm.status().toString(), needle.toStdString()), qPrintable(describe(sm.status())));

    // Opening the directory or the file as an artifact reports the same thing.
    for (const auto& input : { dir, path }) {
        auto artifact = tscope::io::openArtifact(input);
        QVERIFY(!artifact.isOk());
        IOTEST_COMPARE_CODE(artifact.status().code(), static_cast<ErrorCode>(code));
        QVERIFY2(contains(artifact.status().toString(), needle.toStdString()),
            qPrintable(describe(artifact.status())));
    }
}

void TestCorruption::partitionedDamage_data()
{
    // One forged partitioned variable "p" with a single slice; the data file holds 48 bytes ("a" and "b").
    QTest::addColumn<QList<qint64>>("fullShape");
    QTest::addColumn<QList<qint64>>("extents"); // start, length pairs of the slice
    QTest::addColumn<int>("sliceDtype");
    QTest::addColumn<QList<qint64>>("sliceShape");
    QTest::addColumn<qint64>("sliceSize");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");
    using L = QList<qint64>;
    const int f32 = dt(DType::Float), i32 = dt(DType::Int32);
    const qint64 big = qint64(1) << 29; // 2 GiB of float32
    QTest::addRow("2 GiB slice whose bytes are not there")
        << L { big } << L { 0, big } << f32 << L { big } << big * 4 << int(ErrorCode::Truncated) << "";
    QTest::addRow("slice outside its variable")
        << L { 4 } << L { 2, 4 } << f32 << L { 4 } << qint64(16) << int(ErrorCode::Corrupt) << "outside";
    QTest::addRow("negative start") << L { 2 } << L { -1, 2 } << f32 << L { 2 } << qint64(8)
                                    << int(ErrorCode::Corrupt) << "outside";
    QTest::addRow("start near INT64_MAX")
        << L { 4 } << L { INT64_MAX, 1 } << f32 << L { 1 } << qint64(4) << int(ErrorCode::Corrupt) << "";
    QTest::addRow("slices do not cover")
        << L { 8 } << L { 0, 4 } << f32 << L { 4 } << qint64(16) << int(ErrorCode::Corrupt) << "cover";
    QTest::addRow("slice dtype differs")
        << L { 4 } << L { 0, 4 } << i32 << L { 4 } << qint64(16) << int(ErrorCode::Corrupt) << "dtype";
    QTest::addRow("slice shape differs from its extent")
        << L { 2, 2 } << L { 0, 2, 0, -1 } << f32 << L { 2, 3 } << qint64(24) << int(ErrorCode::Corrupt)
        << "outside";
    QTest::addRow("slice rank differs")
        << L { 4 } << L { 0, 4 } << f32 << L { 2, 2 } << qint64(16) << int(ErrorCode::Corrupt) << "";
    QTest::addRow("slice size wrong")
        << L { 4 } << L { 0, 4 } << f32 << L { 4 } << qint64(12) << int(ErrorCode::Corrupt) << "size";
    QTest::addRow("full shape overflows") << L { INT64_MAX, 4 } << L { 0, 1, 0, -1 } << f32 << L { 1, 4 }
                                          << qint64(16) << int(ErrorCode::Corrupt) << "shape";
}

void TestCorruption::partitionedDamage()
{
    QFETCH(QList<qint64>, fullShape);
    QFETCH(QList<qint64>, extents);
    QFETCH(int, sliceDtype);
    QFETCH(QList<qint64>, sliceShape);
    QFETCH(qint64, sliceSize);
    QFETCH(int, code);
    QFETCH(QString, needle);
    std::vector<tscope::io::SliceExtent> ex;
    tensorflow::BundleEntryProto full;
    full.set_dtype(tensorflow::DT_FLOAT);
    for (auto d : fullShape)
        full.mutable_shape()->add_dim()->set_size(d);
    auto* slice = full.add_slices();
    for (qsizetype i = 0; i < extents.size(); i += 2) {
        ex.push_back({ extents[i], extents[i + 1] });
        auto* e = slice->add_extent();
        if (extents[i + 1] >= 0) {
            e->set_start(extents[i]);
            e->set_length(extents[i + 1]);
        }
    }
    const auto prefix = simpleBundle("part", [&](BundleWriter& w) {
        w.addRawEntry("p", full.SerializeAsString());
        w.addRawEntry(tscope::io::encodeSliceKey("p", ex),
            entryProto(sliceDtype, Shape(sliceShape.begin(), sliceShape.end()), 0, sliceSize));
    });
    QVERIFY(!prefix.empty());
    AddressSpaceCap cap(512ull << 20);
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto* e = (*reader)->find("p");
    QVERIFY(e);
    QVERIFY(e->partitioned());
    auto t = (*reader)->read(*e);
    QVERIFY(!t.isOk());
    IOTEST_COMPARE_CODE(t.status().code(), static_cast<ErrorCode>(code));
    QCOMPARE(t.status().tensor(), std::string("p"));
    QVERIFY2(contains(t.status().message(), needle.toStdString()), qPrintable(describe(t.status())));
    auto report = (*reader)->verify();
    QVERIFY(!report.ok);
    QVERIFY((*reader)->read(*(*reader)->find("a")).isOk());
}

void TestCorruption::orphanSliceRecord()
{
    const auto prefix = simpleBundle("orphan", [&](BundleWriter& w) {
        w.addRawEntry(
            tscope::io::encodeSliceKey("nobody", { { 0, 4 } }), entryProto(dt(DType::Float), { 4 }, 0, 16));
    });
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    QCOMPARE((*reader)->entries().size(), size_t(2));
    QCOMPARE((*reader)->warnings().size(), size_t(1));
    QCOMPARE((*reader)->warnings()[0].tensor(), std::string("nobody"));
    IOTEST_COMPARE_CODE((*reader)->warnings()[0].code(), ErrorCode::Corrupt);
    auto report = (*reader)->verify();
    QVERIFY(!report.ok);
}

void TestCorruption::damagedSliceNamesItsVariable()
{
    // verify() and read() of a partitioned variable with a damaged slice name the variable, not the binary
    // slice key.
    const auto prefix = nextDir("slicecrc") / "ckpt";
    std::vector<BundleWriter::SlicePart> parts(2);
    const float rows[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };
    for (int i = 0; i < 2; ++i) {
        parts[static_cast<size_t>(i)].extents = { { i, 1 }, { 0, -1 } };
        parts[static_cast<size_t>(i)].shape = { 1, 3 };
        const auto b = std::as_bytes(std::span(rows[i]));
        parts[static_cast<size_t>(i)].bytes.assign(b.begin(), b.end());
    }
    {
        BundleWriter w(prefix);
        QVERIFY(w.addPartitioned("emb", DType::Float, { 2, 3 }, parts).isOk());
        QVERIFY(w.finish().isOk());
    }
    QVERIFY(flipBit(tscope::io::bundleDataPath(prefix, 0, 1), 13, 2)); // inside the second slice
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    ReadOptions verify;
    verify.verifyCrc = true;
    auto t = (*reader)->read(*(*reader)->find("emb"), verify);
    QVERIFY(!t.isOk());
    IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::ChecksumMismatch);
    QCOMPARE(t.status().tensor(), std::string("emb"));
    auto report = (*reader)->verify();
    QVERIFY(!report.ok);
    QCOMPARE(report.problems.size(), size_t(1));
    IOTEST_COMPARE_CODE(report.problems[0].code(), ErrorCode::ChecksumMismatch);
    QCOMPARE(report.problems[0].tensor(), std::string("emb"));
    QCOMPARE(report.tensorsChecked, uint64_t(2));
}

void TestCorruption::truncationAndBitFlipSweep_data()
{
    QTest::addColumn<QString>("variablesDir"); // relative to the corpus
    QTest::addColumn<QString>("prefixName");
    QTest::addRow("half_plus_two (snappy data block)") << "tfserving-half-plus-two-tf1-assets/variables"
                                                       << "variables";
    QTest::addRow("TF2 object-based a2c ckpt-4") << "ckpt-tf2-a2c-3ckpts"
                                                 << "ckpt-4";
}

void TestCorruption::truncationAndBitFlipSweep()
{
    QFETCH(QString, variablesDir);
    QFETCH(QString, prefixName);
    const auto src = corpusDir() / variablesDir.toStdString();
    const auto dir = nextDir("sweep");
    // Copy the bundle (index + data) into the temporary directory; the corpus is never modified.
    const std::string name = prefixName.toStdString();
    for (const auto& entry : std::filesystem::directory_iterator(src))
        if (entry.path().filename().string().starts_with(name + "."))
            std::filesystem::copy_file(entry.path(), dir / entry.path().filename());
    const auto prefix = dir / name;
    const auto index = std::filesystem::path(prefix.string() + ".index");
    const std::string original = readFile(index);
    QVERIFY(original.size() > 100);

    // Baseline: the intact copy opens and reads completely.
    {
        auto reader = BundleReader::open(prefix);
        QVERIFY(reader.isOk());
        QVERIFY((*reader)->verify().ok);
    }

    uint64_t cases = 0, errors = 0, readable = 0;
    QElapsedTimer timer;
    timer.start();
    auto runCase = [&](const std::string& bytes) {
        QVERIFY(writeFile(index, bytes));
        QElapsedTimer one;
        one.start();
        auto reader = BundleReader::open(prefix);
        ++cases;
        if (!reader.isOk()) {
            ++errors;
            QVERIFY2(!reader.status().message().empty(), "an error without a message");
            QVERIFY(reader.status().code() != ErrorCode::Ok);
        } else {
            ++readable;
            QVERIFY2(exercise(**reader) >= 0, "an error without a message");
        }
        QVERIFY2(one.elapsed() < 2000, "one damaged index took more than 2 s");
    };

    AddressSpaceCap cap(1024ull << 20);
    for (size_t cut = 0; cut < original.size(); ++cut) {
        runCase(original.substr(0, cut));
        if (QTest::currentTestFailed()) return;
    }
    const uint64_t bits = original.size() * 8;
    for (uint64_t bit = 0; bit < bits; bit += bit < 256 * 8 ? 1 : 7) {
        std::string flipped = original;
        flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
        runCase(flipped);
        if (QTest::currentTestFailed()) return;
    }
    qInfo("%s: %llu damaged indexes (%llu truncations + %llu bit flips): %llu errors, %llu still readable, "
          "%lld ms",
        qPrintable(variablesDir), static_cast<unsigned long long>(cases),
        static_cast<unsigned long long>(original.size()),
        static_cast<unsigned long long>(cases - original.size()), static_cast<unsigned long long>(errors),
        static_cast<unsigned long long>(readable), static_cast<long long>(timer.elapsed()));
    // Every truncation must be an error (the footer is gone).
    QVERIFY(errors >= original.size());
    QVERIFY(cases > original.size());
}

void TestCorruption::entryValueMutationSweep()
{
    // Flip every bit of every index value (header and entries) and rewrite the table with valid block CRCs,
    // so the damage reaches the protobuf and bundle logic instead of stopping at the CRC check.
    const auto src = corpusDir() / "tfserving-half-plus-two-tf1-assets/variables";
    const auto dir = nextDir("mutate");
    for (const char* f : { "variables.index", "variables.data-00000-of-00001" })
        std::filesystem::copy_file(src / f, dir / f);
    const auto prefix = dir / "variables";
    const auto index = std::filesystem::path(prefix.string() + ".index");
    auto table = tscope::io::readTable(mapOrFail(index));
    QVERIFY(table.isOk());
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& e : table->entries)
        rows.emplace_back(e.key, e.value);

    uint64_t cases = 0, errors = 0, entryProblems = 0;
    AddressSpaceCap cap(1024ull << 20);
    for (size_t row = 0; row < rows.size(); ++row) {
        for (size_t bit = 0; bit < rows[row].second.size() * 8; ++bit) {
            auto mutated = rows;
            auto& v = mutated[row].second;
            v[bit / 8] = static_cast<char>(v[bit / 8] ^ (1 << (bit % 8)));
            QVERIFY(writeLevelDbTable(index, mutated, 4096).ok);
            auto reader = BundleReader::open(prefix);
            ++cases;
            if (!reader.isOk()) {
                ++errors;
                QVERIFY(!reader.status().message().empty());
                continue;
            }
            for (const auto& e : (*reader)->entries())
                entryProblems += !e.problem.isOk();
            QVERIFY2(exercise(**reader) >= 0, "an error without a message");
        }
    }
    qInfo("entry value mutations: %llu cases, %llu open errors, %llu entry problems",
        static_cast<unsigned long long>(cases), static_cast<unsigned long long>(errors),
        static_cast<unsigned long long>(entryProblems));
    QVERIFY(cases > 100);
}

void TestCorruption::objectGraphBitFlipSweep()
{
    // Damage the serialized object graph inside the data file (index intact): the variable tree must fall
    // back or cope with out-of-range node ids, and CRC-checked reads must notice.
    const auto src = corpusDir() / "ckpt-tf2-a2c-3ckpts";
    const auto dir = nextDir("objgraph");
    for (const char* f : { "ckpt-4.index", "ckpt-4.data-00000-of-00001" })
        std::filesystem::copy_file(src / f, dir / f);
    const auto prefix = dir / "ckpt-4";
    const auto data = tscope::io::bundleDataPath(prefix, 0, 1);
    uint64_t offset = 0, size = 0;
    {
        auto reader = BundleReader::open(prefix);
        QVERIFY(reader.isOk());
        const auto* e = (*reader)->find(tscope::io::kObjectGraphKey);
        QVERIFY(e);
        offset = e->stored.offset;
        size = e->stored.size;
        QVERIFY(tscope::io::buildVariableTree(**reader).objectBased);
    }
    const std::string original = readFile(data);
    uint64_t cases = 0, fellBack = 0;
    AddressSpaceCap cap(1024ull << 20);
    // Damaged string fields make protobuf log "invalid UTF-8"; keep the test output readable.
    auto* previousLog = google::protobuf::SetLogHandler(nullptr);
    for (uint64_t bit = offset * 8; bit < (offset + size) * 8; bit += 37) {
        std::string flipped = original;
        flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
        QVERIFY(writeFile(data, flipped));
        auto reader = BundleReader::open(prefix);
        QVERIFY(reader.isOk());
        ++cases;
        auto tree = tscope::io::buildVariableTree(**reader);
        fellBack += !tree.objectBased;
        QVERIFY(!tree.nodes.empty());
        ReadOptions verify;
        verify.verifyCrc = true;
        auto t = (*reader)->read(*(*reader)->find(tscope::io::kObjectGraphKey), verify);
        QVERIFY(!t.isOk());
        QVERIFY(t.status().code() == ErrorCode::ChecksumMismatch || t.status().code() == ErrorCode::Corrupt);
    }
    google::protobuf::SetLogHandler(previousLog);
    qInfo("object graph bit flips: %llu cases, %llu fell back to names",
        static_cast<unsigned long long>(cases), static_cast<unsigned long long>(fellBack));
    QVERIFY(cases > 100);
}

QTEST_APPLESS_MAIN(TestCorruption)
#include "tst_corruption.moc"
