// BundleWriter -> BundleReader round trips: every fixed-size dtype checked element by element, scalars,
// zero-size tensors, string tensors, several shards, partitioned variables (row, column and 3-D slices),
// the header, verify(), CRC-checked reads, and decodeStringTensor on the FORMATS.md §2.4 example.

#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/dtype.h"
#include "io/element.h"
#include "io/slice_key.h"
#include "io/variable_tree.h"
#include "io_test_util.h"

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using namespace iotest;
using tscope::io::BundleReader;
using tscope::io::BundleWriter;
using tscope::io::DType;
using tscope::io::ReadOptions;
using tscope::io::Shape;
using tscope::io::SliceExtent;
using tscope::io::Tensor;

namespace {

template <typename T> QByteArray raw(std::initializer_list<T> values)
{
    QByteArray out;
    for (const T& v : values)
        out.append(reinterpret_cast<const char*>(&v), sizeof(T));
    return out;
}

template <typename T> std::vector<std::byte> rawVec(const std::vector<T>& values)
{
    std::vector<std::byte> out(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
    return out;
}

std::span<const std::byte> spanOf(const QByteArray& b)
{
    return { reinterpret_cast<const std::byte*>(b.constData()), static_cast<size_t>(b.size()) };
}

Shape toShape(const QList<qint64>& dims)
{
    return Shape(dims.begin(), dims.end());
}

int dt(DType d)
{
    return static_cast<int>(d);
}

std::vector<float> iota(size_t n, float scale)
{
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = static_cast<float>(i) * scale + 0.25f;
    return v;
}

// Row-major copy of the box [start, start+len) of a tensor of shape `full`.
template <typename T>
std::vector<T> extract(const std::vector<T>& all, const Shape& full, const Shape& start, const Shape& len)
{
    std::vector<T> out;
    const size_t rank = full.size();
    std::vector<int64_t> idx(rank, 0);
    int64_t total = 1;
    for (auto l : len)
        total *= l;
    for (int64_t k = 0; k < total; ++k) {
        int64_t flat = 0;
        for (size_t d = 0; d < rank; ++d)
            flat = flat * full[d] + start[d] + idx[d];
        out.push_back(all[static_cast<size_t>(flat)]);
        for (size_t d = rank; d-- > 0;) {
            if (++idx[d] < len[d]) break;
            idx[d] = 0;
        }
    }
    return out;
}

} // namespace

class TestBundleReader : public QObject {
    Q_OBJECT

private slots:
    void fixedSizeDtypes_data();
    void fixedSizeDtypes();
    void scalars();
    void zeroSizeTensors_data();
    void zeroSizeTensors();
    void stringTensors();
    void scalarStringReadInPlace();
    void multiShard();
    void manyIndexBlocks_data();
    void manyIndexBlocks();
    void partitioned_data();
    void partitioned();
    void partitionedMissingSlice();
    void header();
    void verifyGoodBundle();
    void bigEndianHeader();
    void nameBasedTreePlacesEveryEntry();
    void nameBasedTreeGroupsRevisitedSegments();
    void decodeStringTensorExample();
    void decodeStringTensorEdgeCases();

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::filesystem::path nextPrefix(const char* stem)
    {
        auto dir = std::filesystem::path(m_dir.path().toStdString())
            / (std::string(stem) + std::to_string(++m_counter));
        std::filesystem::create_directories(dir);
        return dir / "ckpt";
    }
};

void TestBundleReader::fixedSizeDtypes_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QList<double>>("values"); // via elementAsDouble; NaN compares as NaN
    QTest::addColumn<QStringList>("text"); // via formatElement

    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();

    QTest::addRow("float32") << dt(DType::Float) << QList<qint64> { 4 }
                             << raw<float>({ 1.0f, -2.5f, 0.1f, -0.0f })
                             << QList<double> { 1.0, -2.5, double(0.1f), -0.0 }
                             << QStringList { "1", "-2.5", "0.1", "-0" };
    QTest::addRow("float64") << dt(DType::Double) << QList<qint64> { 2, 2 }
                             << raw<double>({ 1.0, -0.5, 1e300, 0.1 })
                             << QList<double> { 1.0, -0.5, 1e300, 0.1 }
                             << QStringList { "1", "-0.5", "1e+300", "0.1" };
    QTest::addRow("float16") << dt(DType::Half) << QList<qint64> { 6 }
                             << raw<uint16_t>({ 0x3C00, 0xC000, 0x3800, 0x7C00, 0xFC00, 0x0001 })
                             << QList<double> { 1.0, -2.0, 0.5, inf, -inf, std::ldexp(1.0, -24) }
                             << QStringList { "1", "-2", "0.5", "inf", "-inf", "5.9604645e-08" };
    QTest::addRow("float16 nan") << dt(DType::Half) << QList<qint64> { 1 } << raw<uint16_t>({ 0x7E00 })
                                 << QList<double> { nan } << QStringList { "nan" };
    QTest::addRow("bfloat16") << dt(DType::BFloat16) << QList<qint64> { 4 }
                              << raw<uint16_t>({ 0x3F80, 0xC040, 0x4049, 0xFF80 })
                              << QList<double> { 1.0, -3.0, 3.140625, -inf }
                              << QStringList { "1", "-3", "3.140625", "-inf" };
    QTest::addRow("int8") << dt(DType::Int8) << QList<qint64> { 3 } << raw<int8_t>({ -128, 127, 0 })
                          << QList<double> { -128, 127, 0 } << QStringList { "-128", "127", "0" };
    QTest::addRow("int16") << dt(DType::Int16) << QList<qint64> { 2 } << raw<int16_t>({ -32768, 1234 })
                           << QList<double> { -32768, 1234 } << QStringList { "-32768", "1234" };
    QTest::addRow("int32") << dt(DType::Int32) << QList<qint64> { 1, 2 } << raw<int32_t>({ INT32_MIN, 7 })
                           << QList<double> { double(INT32_MIN), 7 } << QStringList { "-2147483648", "7" };
    QTest::addRow("int64") << dt(DType::Int64) << QList<qint64> { 3 }
                           << raw<int64_t>({ INT64_MIN, INT64_MAX, -1 })
                           << QList<double> { double(INT64_MIN), double(INT64_MAX), -1 }
                           << QStringList { "-9223372036854775808", "9223372036854775807", "-1" };
    QTest::addRow("uint8") << dt(DType::UInt8) << QList<qint64> { 2 } << raw<uint8_t>({ 0, 255 })
                           << QList<double> { 0, 255 } << QStringList { "0", "255" };
    QTest::addRow("uint16") << dt(DType::UInt16) << QList<qint64> { 2 } << raw<uint16_t>({ 65535, 1 })
                            << QList<double> { 65535, 1 } << QStringList { "65535", "1" };
    QTest::addRow("uint32") << dt(DType::UInt32) << QList<qint64> { 2 } << raw<uint32_t>({ 4294967295u, 2 })
                            << QList<double> { 4294967295.0, 2 } << QStringList { "4294967295", "2" };
    QTest::addRow("uint64") << dt(DType::UInt64) << QList<qint64> { 2 } << raw<uint64_t>({ UINT64_MAX, 3 })
                            << QList<double> { double(UINT64_MAX), 3 }
                            << QStringList { "18446744073709551615", "3" };
    QTest::addRow("bool") << dt(DType::Bool) << QList<qint64> { 3 } << raw<uint8_t>({ 0, 1, 1 })
                          << QList<double> { 0, 1, 1 } << QStringList { "false", "true", "true" };
    QTest::addRow("complex64") << dt(DType::Complex64) << QList<qint64> { 2 }
                               << raw<float>({ 1.0f, -2.0f, 0.5f, 0.0f }) << QList<double> { 1.0, 0.5 }
                               << QStringList { "(1-2j)", "(0.5+0j)" };
    QTest::addRow("complex128") << dt(DType::Complex128) << QList<qint64> { 1 } << raw<double>({ 3.0, 4.0 })
                                << QList<double> { 3.0 } << QStringList { "(3+4j)" };
    QTest::addRow("qint8") << dt(DType::QInt8) << QList<qint64> { 2 } << raw<int8_t>({ -5, 5 })
                           << QList<double> { -5, 5 } << QStringList { "-5", "5" };
    QTest::addRow("quint8") << dt(DType::QUInt8) << QList<qint64> { 1 } << raw<uint8_t>({ 200 })
                            << QList<double> { 200 } << QStringList { "200" };
    QTest::addRow("qint16") << dt(DType::QInt16) << QList<qint64> { 1 } << raw<int16_t>({ -300 })
                            << QList<double> { -300 } << QStringList { "-300" };
    QTest::addRow("quint16") << dt(DType::QUInt16) << QList<qint64> { 1 } << raw<uint16_t>({ 60000 })
                             << QList<double> { 60000 } << QStringList { "60000" };
    QTest::addRow("qint32") << dt(DType::QInt32) << QList<qint64> { 1 } << raw<int32_t>({ -70000 })
                            << QList<double> { -70000 } << QStringList { "-70000" };
    QTest::addRow("float8_e5m2") << dt(DType::Float8E5M2) << QList<qint64> { 4 }
                                 << raw<uint8_t>({ 0x3C, 0xC0, 0x7C, 0x01 })
                                 << QList<double> { 1.0, -2.0, inf, std::ldexp(1.0, -16) }
                                 << QStringList { "1", "-2", "inf", "1.5258789e-05" };
    QTest::addRow("float8_e4m3fn") << dt(DType::Float8E4M3FN) << QList<qint64> { 5 }
                                   << raw<uint8_t>({ 0x38, 0xB8, 0x7E, 0x7F, 0x01 })
                                   << QList<double> { 1.0, -1.0, 448.0, nan, std::ldexp(1.0, -9) }
                                   << QStringList { "1", "-1", "448", "nan", "0.001953125" };
    QTest::addRow("float8_e4m3fnuz") << dt(DType::Float8E4M3FNUZ) << QList<qint64> { 4 }
                                     << raw<uint8_t>({ 0x40, 0x80, 0x00, 0x7F })
                                     << QList<double> { 1.0, nan, 0.0, 240.0 }
                                     << QStringList { "1", "nan", "0", "240" };
    QTest::addRow("float8_e4m3b11fnuz")
        << dt(DType::Float8E4M3B11FNUZ) << QList<qint64> { 3 } << raw<uint8_t>({ 0x58, 0x80, 0xD8 })
        << QList<double> { 1.0, nan, -1.0 } << QStringList { "1", "nan", "-1" };
    QTest::addRow("float8_e5m2fnuz") << dt(DType::Float8E5M2FNUZ) << QList<qint64> { 3 }
                                     << raw<uint8_t>({ 0x40, 0x80, 0x7F })
                                     << QList<double> { 1.0, nan, 57344.0 }
                                     << QStringList { "1", "nan", "57344" };
    QTest::addRow("int4 (one byte per element)")
        << dt(DType::Int4) << QList<qint64> { 4 } << raw<int8_t>({ -8, 7, 0, -1 })
        << QList<double> { -8, 7, 0, -1 } << QStringList { "-8", "7", "0", "-1" };
    QTest::addRow("uint4 (one byte per element)")
        << dt(DType::UInt4) << QList<qint64> { 3 } << raw<uint8_t>({ 15, 0, 9 }) << QList<double> { 15, 0, 9 }
        << QStringList { "15", "0", "9" };
}

void TestBundleReader::fixedSizeDtypes()
{
    QFETCH(int, dtype);
    QFETCH(QList<qint64>, shape);
    QFETCH(QByteArray, bytes);
    QFETCH(QList<double>, values);
    QFETCH(QStringList, text);
    const size_t elementSize = tscope::io::dtypeInfo(dtype).elementSize;
    QVERIFY(elementSize > 0);
    QCOMPARE(static_cast<size_t>(bytes.size()), elementSize * static_cast<size_t>(values.size()));

    const auto prefix = nextPrefix("dtype");
    {
        BundleWriter w(prefix);
        // A neighbour before it, so the tensor does not start at offset 0.
        const float pad[3] = { 9.f, 9.f, 9.f };
        QVERIFY(w.add("a_before", DType::Float, { 3 }, std::as_bytes(std::span(pad))).isOk());
        QVERIFY(w.add("tensor", static_cast<DType>(dtype), toShape(shape), spanOf(bytes)).isOk());
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY2(reader.isOk(), qPrintable(reader.isOk() ? QString() : describe(reader.status())));
    const auto* entry = (*reader)->find("tensor");
    QVERIFY(entry);
    QCOMPARE(entry->dtype, static_cast<DType>(dtype));
    QCOMPARE(entry->shape, toShape(shape));
    QVERIFY(entry->problem.isOk());
    QCOMPARE(entry->elementCount(), static_cast<uint64_t>(values.size()));
    QCOMPARE(entry->byteSize(), static_cast<uint64_t>(bytes.size()));
    QCOMPARE(entry->stored.offset, uint64_t(12));

    for (bool verify : { false, true }) {
        ReadOptions options;
        options.verifyCrc = verify;
        auto t = (*reader)->read(*entry, options);
        QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : describe(t.status())));
        QCOMPARE(t->dtype(), static_cast<DType>(dtype));
        QCOMPARE(t->shape(), toShape(shape));
        QCOMPARE(t->elementCount(), static_cast<uint64_t>(values.size()));
        QVERIFY(!t->isString());
        QCOMPARE(QByteArray(reinterpret_cast<const char*>(t->bytes().data()),
                     static_cast<qsizetype>(t->bytes().size())),
            bytes);
        for (qsizetype i = 0; i < values.size(); ++i) {
            const std::byte* p = t->bytes().data() + static_cast<size_t>(i) * elementSize;
            const double got = tscope::io::elementAsDouble(dtype, p);
            if (std::isnan(values[i]))
                QVERIFY2(std::isnan(got), qPrintable(QStringLiteral("element %1: %2").arg(i).arg(got)));
            else {
                QCOMPARE(got, values[i]);
                QCOMPARE(std::signbit(got), std::signbit(values[i]));
            }
            QCOMPARE(QString::fromStdString(tscope::io::formatElement(dtype, p)), text[i]);
        }
    }
}

void TestBundleReader::scalars()
{
    const auto prefix = nextPrefix("scalar");
    {
        BundleWriter w(prefix);
        const float f = 3.5f;
        const int64_t step = 1234567890123ll;
        QVERIFY(w.add("f", DType::Float, {}, std::as_bytes(std::span(&f, 1))).isOk());
        QVERIFY(w.add("global_step", DType::Int64, {}, std::as_bytes(std::span(&step, 1))).isOk());
        QVERIFY(w.addStrings("s", {}, { "only" }).isOk());
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    QCOMPARE((*reader)->entries().size(), size_t(3));
    for (const auto& e : (*reader)->entries()) {
        QVERIFY(e.shape.empty());
        QCOMPARE(e.elementCount(), uint64_t(1));
        ReadOptions options;
        options.verifyCrc = true;
        auto t = (*reader)->read(e, options);
        QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : describe(t.status())));
        QCOMPARE(t->elementCount(), uint64_t(1));
        QVERIFY(t->shape().empty());
        if (e.key == "f")
            QCOMPARE(QString::fromStdString(tscope::io::formatElement(t->dtype(), t->bytes().data())),
                QStringLiteral("3.5"));
        if (e.key == "global_step")
            QCOMPARE(QString::fromStdString(tscope::io::formatElement(t->dtype(), t->bytes().data())),
                QStringLiteral("1234567890123"));
        if (e.key == "s") {
            QVERIFY(t->isString());
            QCOMPARE(t->stringValues(), std::vector<std::string> { "only" });
        }
    }
    QCOMPARE((*reader)->indexOf("global_step"), 1);
    QCOMPARE((*reader)->indexOf("missing"), -1);
    QVERIFY(!(*reader)->find("g"));
}

void TestBundleReader::zeroSizeTensors_data()
{
    QTest::addColumn<bool>("strings");
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addRow("float [0]") << false << QList<qint64> { 0 };
    QTest::addRow("float [3,0]") << false << QList<qint64> { 3, 0 };
    QTest::addRow("float [0,5,7]") << false << QList<qint64> { 0, 5, 7 };
    QTest::addRow("string [0]") << true << QList<qint64> { 0 };
    QTest::addRow("string [3,0]") << true << QList<qint64> { 3, 0 };
}

void TestBundleReader::zeroSizeTensors()
{
    QFETCH(bool, strings);
    QFETCH(QList<qint64>, shape);
    const auto prefix = nextPrefix("zero");
    {
        BundleWriter w(prefix);
        if (strings)
            QVERIFY(w.addStrings("empty", toShape(shape), {}).isOk());
        else
            QVERIFY(w.add("empty", DType::Float, toShape(shape), {}).isOk());
        const int32_t after = 42;
        QVERIFY(w.add("z_after", DType::Int32, { 1 }, std::as_bytes(std::span(&after, 1))).isOk());
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto* e = (*reader)->find("empty");
    QVERIFY(e);
    QVERIFY(e->problem.isOk());
    QCOMPARE(e->elementCount(), uint64_t(0));
    QCOMPARE(
        e->byteSize(), strings ? uint64_t(4) : uint64_t(0)); // an empty string tensor still has its checksum
    ReadOptions options;
    options.verifyCrc = true;
    auto t = (*reader)->read(*e, options);
    QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : describe(t.status())));
    QCOMPARE(t->shape(), toShape(shape));
    QCOMPARE(t->elementCount(), uint64_t(0));
    QVERIFY(t->bytes().empty());
    QVERIFY(t->stringValues().empty());
    auto after = (*reader)->read(*(*reader)->find("z_after"), options);
    QVERIFY(after.isOk());
    QCOMPARE(QString::fromStdString(tscope::io::formatElement(after->dtype(), after->bytes().data())),
        QStringLiteral("42"));
    QVERIFY((*reader)->verify().ok);
}

// readScalarString (the object graph's read) answers what read() does: a small file (guarded copy) and one
// past kPreadMinFileBytes (pread), a non-scalar refused, a data file cut short is Truncated, not a crash.
void TestBundleReader::scalarStringReadInPlace()
{
    std::string big(3 * 1024 * 1024 / 2, '\0'); // 1.5 MiB: its data file keeps a descriptor for pread
    for (size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>((i * 31 + i / 7) & 0xFF);
    for (const std::string& value : { std::string("small \xC3\xA9 value"), std::string(), big }) {
        const auto prefix = nextPrefix("scalar");
        {
            BundleWriter w(prefix);
            QVERIFY(w.addStrings("scalar", {}, { value }).isOk());
            QVERIFY(w.addStrings("one", { 1 }, { value }).isOk());
            QVERIFY(w.addStrings("pair", { 2 }, { value, "x" }).isOk());
            QVERIFY(w.finish().isOk());
        }
        auto reader = BundleReader::open(prefix);
        QVERIFY(reader.isOk());
        for (const char* key : { "scalar", "one" }) {
            const tscope::io::TensorEntry& entry = *(*reader)->find(key);
            auto general = (*reader)->read(entry);
            QVERIFY(general.isOk());
            auto inPlace = (*reader)->readScalarString(entry);
            QVERIFY2(inPlace.isOk(), qPrintable(inPlace.isOk() ? QString() : describe(inPlace.status())));
            QVERIFY(*inPlace == general->stringValues()[0]);
            QVERIFY(*inPlace == value);
        }
        auto pair = (*reader)->readScalarString(*(*reader)->find("pair"));
        QVERIFY(!pair.isOk());
        QCOMPARE(pair.status().code(), tscope::io::ErrorCode::InvalidArgument);
        if (value.size() < big.size()) continue;
        // Cut the data file inside the first tensor: the read reports it.
        const auto data = tscope::io::bundleDataPath(prefix, 0, 1);
        std::filesystem::resize_file(data, value.size() / 2);
        auto reopened = BundleReader::open(prefix);
        QVERIFY(reopened.isOk());
        auto cut = (*reopened)->readScalarString(*(*reopened)->find("scalar"));
        QVERIFY(!cut.isOk());
        QCOMPARE(cut.status().code(), tscope::io::ErrorCode::Truncated);
        QCOMPARE(cut.status().tensor(), std::string("scalar"));
    }
}

void TestBundleReader::stringTensors()
{
    std::string big(100 * 1024, '\0');
    for (size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>((i * 7 + i / 13) & 0xFF);
    const std::string binary("\xFF\xFE\x00\x80 bytes\xC3", 11);
    const std::vector<std::string> values = { "", "hello", binary, big, "", "\xE2\x82\xAC utf-8" };
    const auto prefix = nextPrefix("strings");
    {
        BundleWriter w(prefix);
        QVERIFY(w.addStrings("strings", { 2, 3 }, values).isOk());
        QVERIFY(w.addStrings("all_empty", { 4 }, { "", "", "", "" }).isOk());
        QVERIFY(w.addStrings("one_big", { 1 }, { big }).isOk());
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    for (bool verify : { false, true }) {
        ReadOptions options;
        options.verifyCrc = verify;
        auto t = (*reader)->read(*(*reader)->find("strings"), options);
        QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : describe(t.status())));
        QVERIFY(t->isString());
        QCOMPARE(t->dtype(), DType::String);
        QCOMPARE(t->shape(), (Shape { 2, 3 }));
        QCOMPARE(t->elementCount(), uint64_t(6));
        QCOMPARE(t->stringValues().size(), values.size());
        for (size_t i = 0; i < values.size(); ++i)
            QVERIFY2(t->stringValues()[i] == values[i], qPrintable(QString::number(i)));
        auto empties = (*reader)->read(*(*reader)->find("all_empty"), options);
        QVERIFY(empties.isOk());
        QCOMPARE(empties->stringValues(), (std::vector<std::string> { "", "", "", "" }));
        auto one = (*reader)->read(*(*reader)->find("one_big"), options);
        QVERIFY(one.isOk());
        QCOMPARE(one->stringValues().size(), size_t(1));
        QVERIFY(one->stringValues()[0] == big);
    }
    // Stored size = varint lengths + 4-byte length checksum + the bytes (FORMATS.md §2.4).
    const auto* e = (*reader)->find("strings");
    uint64_t expected = 4;
    for (const auto& v : values) {
        std::string varint;
        putVarint(varint, v.size());
        expected += varint.size() + v.size();
    }
    QCOMPARE(e->stored.size, expected);
    QVERIFY((*reader)->verify().ok);
}

void TestBundleReader::multiShard()
{
    const auto prefix = nextPrefix("shards");
    BundleWriter::Options options;
    options.numShards = 3;
    std::vector<std::vector<float>> data;
    {
        BundleWriter w(prefix, options);
        for (int i = 0; i < 9; ++i) {
            data.push_back(iota(static_cast<size_t>(10 + i), static_cast<float>(i + 1)));
            const std::string key = "layer" + std::to_string(i) + "/kernel";
            QVERIFY(w.add(key, DType::Float, { 10 + i }, std::as_bytes(std::span(data.back())), (i * 2) % 3)
                        .isOk());
        }
        QVERIFY(w.addStrings("vocab", { 2 }, { "a", "b" }, 2).isOk());
        QVERIFY(w.finish().isOk());
    }
    for (int s = 0; s < 3; ++s) {
        const auto path = tscope::io::bundleDataPath(prefix, s, 3);
        QVERIFY2(std::filesystem::exists(path), path.c_str());
        QVERIFY(path.string().ends_with(".data-0000" + std::to_string(s) + "-of-00003"));
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto& r = **reader;
    QCOMPARE(r.header().numShards, 3);
    QVERIFY(r.warnings().empty());
    QCOMPARE(r.entries().size(), size_t(10));
    QCOMPARE(r.dataPath(1), tscope::io::bundleDataPath(prefix, 1, 3));
    std::vector<int> perShard(3, 0);
    for (int i = 0; i < 9; ++i) {
        const auto* e = r.find("layer" + std::to_string(i) + "/kernel");
        QVERIFY(e);
        QCOMPARE(e->stored.shard, (i * 2) % 3);
        perShard[static_cast<size_t>(e->stored.shard)]++;
        ReadOptions ro;
        ro.verifyCrc = true;
        auto t = r.read(*e, ro);
        QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : describe(t.status())));
        QCOMPARE(t->bytes().size(), data[static_cast<size_t>(i)].size() * 4);
        QVERIFY(std::memcmp(t->bytes().data(), data[static_cast<size_t>(i)].data(), t->bytes().size()) == 0);
    }
    QCOMPARE(perShard, (std::vector<int> { 3, 3, 3 }));
    auto vocab = r.read(*r.find("vocab"));
    QVERIFY(vocab.isOk());
    QCOMPARE(vocab->stringValues(), (std::vector<std::string> { "a", "b" }));
    for (int s = 0; s < 3; ++s)
        QVERIFY(r.shard(s).isOk());
    QVERIFY(!r.shard(3).isOk());
    auto report = r.verify();
    QVERIFY(report.ok);
    QCOMPARE(report.filesChecked, uint64_t(4));
    QCOMPARE(report.tensorsChecked, uint64_t(10));
}

void TestBundleReader::manyIndexBlocks_data()
{
    QTest::addColumn<bool>("snappy");
    QTest::addRow("uncompressed 512-byte blocks") << false;
    QTest::addRow("snappy 512-byte blocks") << true;
}

void TestBundleReader::manyIndexBlocks()
{
    QFETCH(bool, snappy);
    const auto prefix = nextPrefix("blocks");
    BundleWriter::Options options;
    options.blockSize = 512;
    options.snappy = snappy;
    {
        BundleWriter w(prefix, options);
        for (int i = 0; i < 300; ++i) {
            const int32_t v = i * 3;
            char key[64];
            std::snprintf(key, sizeof key, "model/layer_%03d/bias/.ATTRIBUTES/VARIABLE_VALUE", i);
            QVERIFY(w.add(key, DType::Int32, { 1 }, std::as_bytes(std::span(&v, 1))).isOk());
        }
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    QCOMPARE((*reader)->entries().size(), size_t(300));
    QVERIFY2((*reader)->indexBlocks() > 10, qPrintable(QString::number((*reader)->indexBlocks())));
    for (int i = 0; i < 300; i += 37) {
        const auto& e = (*reader)->entries()[static_cast<size_t>(i)];
        auto t = (*reader)->read(e);
        QVERIFY(t.isOk());
        QCOMPARE(QString::fromStdString(tscope::io::formatElement(t->dtype(), t->bytes().data())),
            QString::number(i * 3));
    }
    auto report = (*reader)->verify();
    QVERIFY(report.ok);
    QCOMPARE(report.blocksChecked, (*reader)->indexBlocks() + 1);
}

void TestBundleReader::partitioned_data()
{
    QTest::addColumn<QList<qint64>>("full");
    QTest::addColumn<QList<qint64>>(
        "boxes"); // per slice: start_0, len_0, start_1, len_1, ... (len -1 = whole dim)
    QTest::addColumn<bool>("asInt32");

    QTest::addRow("2-D row slices") << QList<qint64> { 6, 4 }
                                    << QList<qint64> { 0, 2, 0, -1, 2, 3, 0, -1, 5, 1, 0, -1 } << false;
    QTest::addRow("2-D column slices")
        << QList<qint64> { 5, 4 } << QList<qint64> { 0, -1, 0, 1, 0, -1, 1, 3 } << false;
    QTest::addRow("2-D grid of 4") << QList<qint64> { 4, 6 }
                                   << QList<qint64> { 0, 2, 0, 3, 0, 2, 3, 3, 2, 2, 0, 3, 2, 2, 3, 3 }
                                   << false;
    QTest::addRow("3-D middle-dim slices")
        << QList<qint64> { 2, 3, 4 } << QList<qint64> { 0, -1, 0, 1, 0, -1, 0, -1, 1, 2, 0, -1 } << true;
    QTest::addRow("3-D mixed") << QList<qint64> { 3, 2, 5 }
                               << QList<qint64> { 0, 1, 0, -1, 0, -1, 1, 2, 0, -1, 0, 2, 1, 2, 0, -1, 2, 3 }
                               << true;
}

void TestBundleReader::partitioned()
{
    QFETCH(QList<qint64>, full);
    QFETCH(QList<qint64>, boxes);
    QFETCH(bool, asInt32);
    const Shape fullShape = toShape(full);
    const size_t rank = fullShape.size();
    int64_t count = 1;
    for (auto d : fullShape)
        count *= d;
    std::vector<float> values = iota(static_cast<size_t>(count), 1.5f);
    std::vector<int32_t> ints(static_cast<size_t>(count));
    for (size_t i = 0; i < ints.size(); ++i)
        ints[i] = static_cast<int32_t>(i * 11) - 50;

    std::vector<BundleWriter::SlicePart> parts;
    for (qsizetype b = 0; b < boxes.size(); b += static_cast<qsizetype>(2 * rank)) {
        BundleWriter::SlicePart part;
        Shape start(rank), len(rank);
        for (size_t d = 0; d < rank; ++d) {
            const int64_t s = boxes[b + static_cast<qsizetype>(2 * d)],
                          l = boxes[b + static_cast<qsizetype>(2 * d + 1)];
            part.extents.push_back({ s, l });
            start[d] = l < 0 ? 0 : s;
            len[d] = l < 0 ? fullShape[d] : l;
        }
        part.shape = len;
        part.bytes = asInt32 ? rawVec(extract(ints, fullShape, start, len))
                             : rawVec(extract(values, fullShape, start, len));
        parts.push_back(std::move(part));
    }
    const int dtype = asInt32 ? dt(DType::Int32) : dt(DType::Float);
    const auto prefix = nextPrefix("part");
    {
        BundleWriter w(prefix);
        QVERIFY(w.addPartitioned("dense/kernel", static_cast<DType>(dtype), fullShape, parts).isOk());
        const float plain = 1.f;
        QVERIFY(w.add("dense/bias", DType::Float, { 1 }, std::as_bytes(std::span(&plain, 1))).isOk());
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto& r = **reader;
    QVERIFY2(r.warnings().empty(), qPrintable(describeAll(r.warnings())));
    QCOMPARE(r.entries().size(), size_t(2)); // slice records are not listed
    for (const auto& e : r.entries())
        QVERIFY(!tscope::io::isSliceKey(e.key));
    const auto* e = r.find("dense/kernel");
    QVERIFY(e);
    QVERIFY(e->partitioned());
    QVERIFY(e->problem.isOk());
    QCOMPARE(e->shape, fullShape);
    QCOMPARE(e->slices.size(), parts.size());
    uint64_t bytes = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        QVERIFY(e->slices[i].found);
        QCOMPARE(e->slices[i].key, tscope::io::encodeSliceKey("dense/kernel", parts[i].extents));
        QCOMPARE(tscope::io::sliceKeyTensorName(e->slices[i].key), std::string("dense/kernel"));
        bytes += parts[i].bytes.size();
    }
    QCOMPARE(e->byteSize(), bytes);
    QCOMPARE(e->elementCount(), static_cast<uint64_t>(count));
    for (bool verify : { false, true }) {
        ReadOptions options;
        options.verifyCrc = verify;
        auto t = r.read(*e, options);
        QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : describe(t.status())));
        QCOMPARE(t->shape(), fullShape);
        const auto expected = asInt32 ? rawVec(ints) : rawVec(values);
        QCOMPARE(t->bytes().size(), expected.size());
        QVERIFY(std::memcmp(t->bytes().data(), expected.data(), expected.size()) == 0);
    }
    auto report = r.verify();
    QVERIFY(report.ok);
    QCOMPARE(report.tensorsChecked, static_cast<uint64_t>(parts.size() + 1));
}

void TestBundleReader::partitionedMissingSlice()
{
    const auto prefix = nextPrefix("part-missing");
    std::vector<float> values = iota(12, 1.f);
    std::vector<BundleWriter::SlicePart> parts(2);
    parts[0].extents = { { 0, 1 }, { 0, -1 } };
    parts[0].shape = { 1, 4 };
    parts[0].bytes = rawVec(std::vector<float>(values.begin(), values.begin() + 4));
    parts[1].extents = { { 1, 2 }, { 0, -1 } };
    parts[1].shape = { 2, 4 };
    parts[1].bytes = rawVec(std::vector<float>(values.begin() + 4, values.end()));
    {
        BundleWriter w(prefix);
        QVERIFY(w.addPartitioned("w", DType::Float, { 3, 4 }, parts).isOk());
        const float plain = 1.f;
        QVERIFY(w.add("x", DType::Float, {}, std::as_bytes(std::span(&plain, 1))).isOk());
        QVERIFY(w.finish().isOk());
    }
    const std::string missingKey = tscope::io::encodeSliceKey("w", parts[1].extents);
    QVERIFY(rewriteIndex(prefix.string() + ".index",
        [&](auto& rows) { std::erase_if(rows, [&](const auto& row) { return row.first == missingKey; }); }));
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto* e = (*reader)->find("w");
    QVERIFY(e);
    IOTEST_COMPARE_CODE(e->problem.code(), ErrorCode::Corrupt);
    QCOMPARE(e->problem.tensor(), std::string("w"));
    QVERIFY(e->problem.message().find("slice") != std::string::npos);
    QVERIFY(e->slices[0].found);
    QVERIFY(!e->slices[1].found);
    auto t = (*reader)->read(*e);
    QVERIFY(!t.isOk());
    IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::Corrupt);
    QVERIFY((*reader)->read(*(*reader)->find("x")).isOk());
    auto report = (*reader)->verify();
    QVERIFY(!report.ok);
    QCOMPARE(report.problems.size(), size_t(1));
    QCOMPARE(report.problems[0].tensor(), std::string("w"));
}

void TestBundleReader::header()
{
    const auto prefix = nextPrefix("header");
    BundleWriter::Options options;
    options.numShards = 2;
    {
        BundleWriter w(prefix, options);
        const float v = 1.f;
        QVERIFY(w.add("v", DType::Float, {}, std::as_bytes(std::span(&v, 1)), 1).isOk());
        QVERIFY(w.finish().isOk());
    }
    // The header is the first table entry, key "", the bytes TensorFlow writes (num_shards 2, producer 1).
    auto table = tscope::io::readTable(mapOrFail(prefix.string() + ".index"));
    QVERIFY(table.isOk());
    QVERIFY(table->entries.front().key.empty());
    QCOMPARE(toHex(table->entries.front().value), QStringLiteral("08 02 1A 02 08 01"));
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    QCOMPARE((*reader)->header().numShards, 2);
    QCOMPARE((*reader)->header().producer, 1);
    QCOMPARE((*reader)->header().minConsumer, 0);
    QVERIFY(!(*reader)->header().bigEndian);
    QCOMPARE((*reader)->prefix(), prefix);
    QCOMPARE((*reader)->indexPath(), std::filesystem::path(prefix.string() + ".index"));
    QVERIFY((*reader)->read(*(*reader)->find("v")).isOk());
}

void TestBundleReader::verifyGoodBundle()
{
    const auto prefix = nextPrefix("verify");
    uint64_t totalBytes = 0;
    {
        BundleWriter w(prefix);
        for (int i = 0; i < 5; ++i) {
            auto v = iota(static_cast<size_t>(100 * (i + 1)), 0.5f);
            totalBytes += v.size() * 4;
            QVERIFY(
                w.add("t" + std::to_string(i), DType::Float, { 100 * (i + 1) }, std::as_bytes(std::span(v)))
                    .isOk());
        }
        uint32_t crc = 0;
        totalBytes += BundleWriter::encodeStrings({ "x", "yz" }, crc).size();
        QVERIFY(w.addStrings("s", { 2 }, { "x", "yz" }).isOk());
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    int progressCalls = 0;
    auto report = (*reader)->verify(nullptr, [&](uint64_t, uint64_t) {
        ++progressCalls;
        return true;
    });
    QVERIFY(report.ok);
    QVERIFY(report.problems.empty());
    QCOMPARE(report.filesChecked, uint64_t(2));
    QCOMPARE(report.blocksChecked, uint64_t(2)); // one data block + the index block
    QCOMPARE(report.tensorsChecked, uint64_t(6));
    QCOMPARE(report.bytesChecked, totalBytes);
    QVERIFY(progressCalls > 0);
    for (const auto& e : (*reader)->entries()) {
        ReadOptions options;
        options.verifyCrc = true;
        QVERIFY((*reader)->read(e, options).isOk());
    }
}

void TestBundleReader::bigEndianHeader()
{
    // A big-endian bundle: the caller supplies big-endian bytes and the reader swaps them back.
    const auto prefix = nextPrefix("be");
    BundleWriter::Options options;
    options.bigEndian = true;
    {
        BundleWriter w(prefix, options);
        const unsigned char be[8] = { 0x00, 0x00, 0x01, 0x02, 0xFF, 0xFF, 0xFF, 0xFE }; // 258, -2
        QVERIFY(w.add("i", DType::Int32, { 2 }, std::as_bytes(std::span(be))).isOk());
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    QVERIFY((*reader)->header().bigEndian);
    ReadOptions ro;
    ro.verifyCrc = true; // the CRC covers the stored (big-endian) bytes
    auto t = (*reader)->read(*(*reader)->find("i"), ro);
    QVERIFY(t.isOk());
    QCOMPARE(QString::fromStdString(tscope::io::formatElement(t->dtype(), t->bytes().data())),
        QStringLiteral("258"));
    QCOMPARE(QString::fromStdString(tscope::io::formatElement(t->dtype(), t->bytes().data() + 4)),
        QStringLiteral("-2"));
}

void TestBundleReader::nameBasedTreePlacesEveryEntry()
{
    // A TF1 name-based bundle, including awkward names: every entry must appear in exactly one tree node,
    // slots under their variable, and the root total must be the sum of the non-slot entries.
    const std::vector<std::string> keys = { "/x", "a//b", "a/b", "beta1_power", "dense/kernel",
        "dense/kernel/Adam", "dense/kernel/Adam_1", "global_step", "x", "x/", "x/y" };
    const auto prefix = nextPrefix("names");
    {
        BundleWriter w(prefix);
        for (size_t i = 0; i < keys.size(); ++i) {
            std::vector<float> v(i + 1, 1.f);
            QVERIFY(
                w.add(keys[i], DType::Float, { static_cast<int64_t>(v.size()) }, std::as_bytes(std::span(v)))
                    .isOk());
        }
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto tree = tscope::io::buildVariableTree(**reader);
    QVERIFY(!tree.objectBased);
    const auto& entries = (*reader)->entries();
    std::vector<int> seen(entries.size(), 0);
    for (const auto& n : tree.nodes)
        if (n.entry >= 0) seen[static_cast<size_t>(n.entry)]++;
    uint64_t nonSlot = 0;
    for (size_t e = 0; e < entries.size(); ++e) {
        if (tree.annotations[e].role != tscope::io::EntryRole::Slot) nonSlot += entries[e].elementCount();
        QVERIFY2(seen[e] == 1,
            qPrintable(QStringLiteral("'%1' is in %2 tree nodes")
                           .arg(QString::fromStdString(entries[e].key))
                           .arg(seen[e])));
    }
    const int adam = (*reader)->indexOf("dense/kernel/Adam");
    QVERIFY(tree.annotations[static_cast<size_t>(adam)].role == tscope::io::EntryRole::Slot);
    QCOMPARE(tree.annotations[static_cast<size_t>(adam)].details().slotOfKey, std::string("dense/kernel"));
    QCOMPARE(tree.nodes[0].parameters, nonSlot);
}

void TestBundleReader::nameBasedTreeGroupsRevisitedSegments()
{
    // Sorted keys can leave a group and come back to it ("a", then "a-x" and "a.b/d" which sort between
    // "a" and "a/c"), and TF2 keys read without their object graph reach the tree out of order
    // ("m/OBJECT_CONFIG_JSON" before "m"). Each group must still exist once, and each variable sit at the
    // path its name spells.
    const std::vector<std::string> keys = { "a", "a-x", "a.b/d", "a/c", "a/d", "a!/e", "b", "b/c/d", "b/c-1",
        "b/c/e", "m/.ATTRIBUTES/OBJECT_CONFIG_JSON", "m/.ATTRIBUTES/VARIABLE_VALUE",
        "m/k/.ATTRIBUTES/VARIABLE_VALUE", "m/k-1/.ATTRIBUTES/VARIABLE_VALUE", "n/x", "n-1/y", "n/z" };
    const auto prefix = nextPrefix("revisit");
    {
        BundleWriter w(prefix);
        std::vector<std::string> sorted = keys;
        std::sort(sorted.begin(), sorted.end());
        for (const auto& key : sorted) {
            const float v = 1.f;
            QVERIFY(w.add(key, DType::Float, {}, std::as_bytes(std::span(&v, 1))).isOk());
        }
        QVERIFY(w.finish().isOk());
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto tree = tscope::io::buildVariableTree(**reader);
    QVERIFY(!tree.objectBased);
    auto pathOf = [&](int node) {
        std::string path;
        for (; node > 0; node = tree.nodes[static_cast<size_t>(node)].parent)
            path = tree.nodes[static_cast<size_t>(node)].name + (path.empty() ? "" : "/" + path);
        return path;
    };
    for (size_t i = 0; i < tree.nodes.size(); ++i) {
        std::vector<std::string> names;
        for (int c : tree.nodes[i].children)
            names.push_back(tree.nodes[static_cast<size_t>(c)].name);
        std::sort(names.begin(), names.end());
        QVERIFY2(std::adjacent_find(names.begin(), names.end()) == names.end(),
            qPrintable(QStringLiteral("two children of '%1' share a name")
                           .arg(QString::fromStdString(pathOf(static_cast<int>(i))))));
    }
    const std::vector<std::pair<std::string, std::string>> expected = { { "a", "a" }, { "a/c", "a/c" },
        { "a.b/d", "a.b/d" }, { "b/c/e", "b/c/e" }, { "m/.ATTRIBUTES/VARIABLE_VALUE", "m" },
        { "m/.ATTRIBUTES/OBJECT_CONFIG_JSON", "m/OBJECT_CONFIG_JSON" },
        { "m/k/.ATTRIBUTES/VARIABLE_VALUE", "m/k" }, { "n/z", "n/z" } };
    for (const auto& [key, path] : expected) {
        const int e = (*reader)->indexOf(key);
        QVERIFY(e >= 0);
        int node = -1;
        for (size_t i = 0; i < tree.nodes.size(); ++i)
            if (tree.nodes[i].entry == e) node = static_cast<int>(i);
        QVERIFY(node > 0);
        QCOMPARE(QString::fromStdString(pathOf(node)), QString::fromStdString(path));
    }
}

void TestBundleReader::decodeStringTensorExample()
{
    // FORMATS.md §2.4: the scalar "abc" is stored as 03 63 3F 7F 28 61 62 63 with entry crc32c 0x199ad1c3.
    const std::string bytes = hexBytes("03 63 3F 7F 28 61 62 63");
    for (bool verify : { false, true }) {
        auto decoded = tscope::io::decodeStringTensor(asBytes(bytes), 1, 0x199ad1c3u, verify);
        QVERIFY2(decoded.isOk(), qPrintable(decoded.isOk() ? QString() : describe(decoded.status())));
        QCOMPARE(*decoded, std::vector<std::string> { "abc" });
    }
    uint32_t crc = 0;
    QCOMPARE(toHex(BundleWriter::encodeStrings({ "abc" }, crc)), toHex(bytes));
    QCOMPARE(crc, 0x199ad1c3u);
    // The wrong whole-tensor CRC is only noticed when asked to verify.
    QVERIFY(tscope::io::decodeStringTensor(asBytes(bytes), 1, 0x12345678u, false).isOk());
    auto bad = tscope::io::decodeStringTensor(asBytes(bytes), 1, 0x12345678u, true);
    QVERIFY(!bad.isOk());
    IOTEST_COMPARE_CODE(bad.status().code(), ErrorCode::ChecksumMismatch);
}

void TestBundleReader::decodeStringTensorEdgeCases()
{
    uint32_t crc = 0;
    // Empty tensor: just the checksum of nothing, Mask(0) = 0xa282ead8.
    const std::string empty = BundleWriter::encodeStrings({}, crc);
    QCOMPARE(toHex(empty), QStringLiteral("D8 EA 82 A2"));
    auto none = tscope::io::decodeStringTensor(asBytes(empty), 0, crc, true);
    QVERIFY(none.isOk());
    QVERIFY(none->empty());
    // A length needing a two-byte varint.
    const std::vector<std::string> values = { std::string(300, 'q'), "", std::string("\0\xFF", 2) };
    const std::string enc = BundleWriter::encodeStrings(values, crc);
    QCOMPARE(toHex(enc.substr(0, 4)), QStringLiteral("AC 02 00 02"));
    auto decoded = tscope::io::decodeStringTensor(asBytes(enc), 3, crc, true);
    QVERIFY(decoded.isOk());
    QCOMPARE(*decoded, values);
    // Damaged length checksum.
    std::string badLen = enc;
    badLen[4] ^= 0x01;
    auto r1 = tscope::io::decodeStringTensor(asBytes(badLen), 3, crc, false);
    QVERIFY(!r1.isOk());
    IOTEST_COMPARE_CODE(r1.status().code(), ErrorCode::ChecksumMismatch);
    // More elements than bytes.
    auto r2 = tscope::io::decodeStringTensor(asBytes(enc), 1000, crc, false);
    QVERIFY(!r2.isOk());
    IOTEST_COMPARE_CODE(r2.status().code(), ErrorCode::Corrupt);
    // Cut short inside the strings.
    auto r3 = tscope::io::decodeStringTensor(asBytes(enc.substr(0, enc.size() - 1)), 3, crc, false);
    QVERIFY(!r3.isOk());
    IOTEST_COMPARE_CODE(r3.status().code(), ErrorCode::Corrupt);
    // A length varint that never ends.
    const std::string endless = hexBytes("FF FF FF FF FF FF FF FF FF FF FF 01 00 00 00 00");
    auto r4 = tscope::io::decodeStringTensor(asBytes(endless), 1, 0, false);
    QVERIFY(!r4.isOk());
    IOTEST_COMPARE_CODE(r4.status().code(), ErrorCode::Corrupt);
    // A length of 2^40 in a tiny buffer: rejected before anything is allocated.
    std::string hugeLen;
    putVarint(hugeLen, uint64_t(1) << 40);
    hugeLen += "\0\0\0\0abc";
    auto r5 = tscope::io::decodeStringTensor(asBytes(hugeLen), 1, 0, false);
    QVERIFY(!r5.isOk());
    IOTEST_COMPARE_CODE(r5.status().code(), ErrorCode::Corrupt);
}

QTEST_APPLESS_MAIN(TestBundleReader)
#include "tst_bundle_reader.moc"
