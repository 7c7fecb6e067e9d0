// CRC32C: standard vectors (RFC 3720 B.4), masking, extend/combine algebra, hardware == portable on every
// length/alignment, and the TensorFlow string-tensor checksum example from FORMATS.md §2.4.

#include "io/crc32c.h"

#include <QByteArray>
#include <QString>
#include <QTest>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace crc = tscope::io::crc32c;

namespace {

// Failing comparisons print as 0x%08x rather than decimal.
QString hex(uint32_t v)
{
    return QStringLiteral("0x%1").arg(v, 8, 16, QLatin1Char('0'));
}

std::vector<unsigned char> randomBytes(size_t n, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::vector<unsigned char> v(n);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const uint64_t w = rng();
        std::memcpy(v.data() + i, &w, 8);
    }
    for (; i < n; ++i)
        v[i] = static_cast<unsigned char>(rng());
    return v;
}

uint32_t valueOf(const QByteArray& b)
{
    return crc::value(b.constData(), static_cast<size_t>(b.size()));
}

uint32_t portableValueOf(const QByteArray& b)
{
    return crc::extendPortable(0, b.constData(), static_cast<size_t>(b.size()));
}

} // namespace

class TestCrc32c : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void standardVectors_data();
    void standardVectors();

    void mask_data();
    void mask();
    void maskRoundTrip();

    void extendIsConcatenation_data();
    void extendIsConcatenation();
    void emptyAndNull();

    void combine_data();
    void combine();
    void combineHugeLength();

    void hardwareMatchesPortable_data();
    void hardwareMatchesPortable();
    void hardwareMatchesPortableLarge_data();
    void hardwareMatchesPortableLarge();

    void tfStringTensorExample();
};

void TestCrc32c::initTestCase()
{
    qInfo("hardware accelerated (SSE4.2): %s", crc::hardwareAccelerated() ? "yes" : "no");
}

void TestCrc32c::standardVectors_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<uint>("expected");

    QByteArray ascending(32, '\0');
    QByteArray descending(32, '\0');
    for (int i = 0; i < 32; ++i) {
        ascending[i] = static_cast<char>(i);
        descending[i] = static_cast<char>(31 - i);
    }
    // RFC 3720 B.4: the 48-byte SCSI READ(10) command PDU.
    const QByteArray iscsiRead = QByteArray::fromHex("01c00000000000000000000000000000"
                                                     "14000000000004000000001400000018"
                                                     "28000000000000000200000000000000");
    QCOMPARE(iscsiRead.size(), 48);

    QTest::newRow("empty") << QByteArray() << 0u;
    QTest::newRow("123456789") << QByteArray("123456789") << 0xE3069283u;
    QTest::newRow("32 zero bytes") << QByteArray(32, '\0') << 0x8A9136AAu;
    QTest::newRow("32 0xFF bytes") << QByteArray(32, '\xff') << 0x62A8AB43u;
    QTest::newRow("0..31 ascending") << ascending << 0x46DD794Eu;
    QTest::newRow("31..0 descending") << descending << 0x113FDB5Cu;
    QTest::newRow("iSCSI SCSI read command") << iscsiRead << 0xD9963A56u;
}

void TestCrc32c::standardVectors()
{
    QFETCH(QByteArray, data);
    QFETCH(uint, expected);
    QCOMPARE(hex(valueOf(data)), hex(expected));
    QCOMPARE(hex(portableValueOf(data)), hex(expected));
}

void TestCrc32c::mask_data()
{
    QTest::addColumn<uint>("crc");
    QTest::addColumn<uint>("masked");
    QTest::newRow("mask(0)") << 0u << 0xa282ead8u;
    QTest::newRow("mask(check value)") << 0xE3069283u << 0xc78ab0e5u;
}

void TestCrc32c::mask()
{
    QFETCH(uint, crc);
    QFETCH(uint, masked);
    QCOMPARE(hex(crc::mask(crc)), hex(masked));
    QCOMPARE(hex(crc::unmask(masked)), hex(crc));
    QCOMPARE(crc::kMaskDelta, 0xa282ead8u);
}

void TestCrc32c::maskRoundTrip()
{
    std::mt19937 rng(12345);
    std::vector<uint32_t> values = { 0u, 1u, 0x7fffffffu, 0x80000000u, 0xffffffffu, crc::kMaskDelta };
    for (uint32_t bit = 1; bit != 0; bit <<= 1)
        values.push_back(bit);
    for (int i = 0; i < 100000; ++i)
        values.push_back(static_cast<uint32_t>(rng()));
    for (const uint32_t x : values) {
        if (crc::unmask(crc::mask(x)) != x || crc::mask(crc::unmask(x)) != x)
            QFAIL(qPrintable(QStringLiteral("mask/unmask round trip failed for %1").arg(hex(x))));
    }
    // Masking must actually change the value (a masked CRC of data containing CRCs must not be the CRC).
    QVERIFY(crc::mask(0xE3069283u) != 0xE3069283u);
}

void TestCrc32c::extendIsConcatenation_data()
{
    QTest::addColumn<int>("length");
    for (const int len :
        { 1, 2, 7, 8, 9, 63, 64, 65, 767, 768, 769, 1000, 4096, 24575, 24576, 24577, 100003 })
        QTest::newRow(qPrintable(QString::number(len))) << len;
}

void TestCrc32c::extendIsConcatenation()
{
    QFETCH(int, length);
    const size_t n = static_cast<size_t>(length);
    const auto buf = randomBytes(n, 0xC0FFEEu + n);
    const uint32_t whole = crc::value(buf.data(), n);
    QCOMPARE(hex(crc::extendPortable(0, buf.data(), n)), hex(whole));

    // Every split for small buffers, a spread of splits for large ones.
    const size_t step = n <= 1100 ? 1 : n / 97 + 1;
    for (size_t split = 0; split <= n; split += step) {
        const uint32_t a = crc::value(buf.data(), split);
        const uint32_t ab = crc::extend(a, buf.data() + split, n - split);
        const uint32_t abPortable
            = crc::extendPortable(crc::extendPortable(0, buf.data(), split), buf.data() + split, n - split);
        if (ab != whole || abPortable != whole)
            QFAIL(qPrintable(QStringLiteral("split at %1: %2 / %3 != %4")
                                 .arg(split)
                                 .arg(hex(ab), hex(abPortable), hex(whole))));
    }
    // Three pieces through extend.
    const size_t s1 = n / 3, s2 = 2 * n / 3;
    uint32_t c = crc::extend(0, buf.data(), s1);
    c = crc::extend(c, buf.data() + s1, s2 - s1);
    c = crc::extend(c, buf.data() + s2, n - s2);
    QCOMPARE(hex(c), hex(whole));
}

void TestCrc32c::emptyAndNull()
{
    QCOMPARE(crc::value(nullptr, 0), 0u);
    QCOMPARE(crc::extend(0x12345678u, nullptr, 0), 0x12345678u);
    QCOMPARE(crc::extendPortable(0x12345678u, nullptr, 0), 0x12345678u);
    const char byte = 'a';
    QCOMPARE(hex(crc::value(&byte, 1)), hex(0xC1D04330u)); // CRC32C("a")
}

void TestCrc32c::combine_data()
{
    QTest::addColumn<int>("lenA");
    QTest::addColumn<int>("lenB");
    QTest::newRow("empty+empty") << 0 << 0;
    QTest::newRow("empty+1") << 0 << 1;
    QTest::newRow("1+empty") << 1 << 0;
    QTest::newRow("1+1") << 1 << 1;
    QTest::newRow("5+4") << 5 << 4;
    QTest::newRow("100+31") << 100 << 31;
    QTest::newRow("1000+8192") << 1000 << 8192;
    QTest::newRow("77+65537") << 77 << 65537;
    QTest::newRow("1Mi+3Mi+5") << (1 << 20) << (3 << 20) + 5;
}

void TestCrc32c::combine()
{
    QFETCH(int, lenA);
    QFETCH(int, lenB);
    const size_t na = static_cast<size_t>(lenA);
    const size_t nb = static_cast<size_t>(lenB);
    const auto buf = randomBytes(na + nb, 99u + na * 31u + nb);
    const uint32_t a = crc::value(buf.data(), na);
    const uint32_t b = crc::value(buf.data() + na, nb);
    const uint32_t whole = crc::value(buf.data(), na + nb);
    QCOMPARE(hex(crc::combine(a, b, nb)), hex(whole));

    // "123456789" split every way.
    const char* s = "123456789";
    for (size_t k = 0; k <= 9; ++k)
        QCOMPARE(hex(crc::combine(crc::value(s, k), crc::value(s + k, 9 - k), 9 - k)), hex(0xE3069283u));
}

void TestCrc32c::combineHugeLength()
{
    // B = 2^33 + 3 zero bytes: too large to hash here, but value(zeros(n)) satisfies its own recurrence, so
    // check combine against itself: zeros(2n) = combine(zeros(n), zeros(n), n), building up from 1 byte.
    const unsigned char zero[3] = {};
    uint32_t zerosPow2 = crc::value(zero, 1); // value of 2^k zero bytes
    uint64_t len = 1;
    for (int k = 0; k < 33; ++k) {
        zerosPow2 = crc::combine(zerosPow2, zerosPow2, len);
        len *= 2;
    }
    const uint32_t zerosBig = crc::combine(zerosPow2, crc::value(zero, 3), 3); // 2^33 + 3 zero bytes
    // Cross-check the doubling chain where it can be hashed directly (2^20 zero bytes).
    std::vector<unsigned char> mib(1u << 20, 0);
    uint32_t z = crc::value(zero, 1);
    for (uint64_t l = 1; l < mib.size(); l *= 2)
        z = crc::combine(z, z, l);
    QCOMPARE(hex(z), hex(crc::value(mib.data(), mib.size())));
    // Appending to the huge value must agree both ways round (associativity).
    const uint32_t tail = crc::value("xyz", 3);
    const uint32_t left = crc::combine(crc::combine(zerosPow2, crc::value(zero, 3), 3), tail, 3);
    const uint32_t right = crc::combine(zerosPow2, crc::combine(crc::value(zero, 3), tail, 3), 6);
    QCOMPARE(hex(left), hex(right));
    QCOMPARE(hex(crc::combine(zerosBig, tail, 3)), hex(left));
}

void TestCrc32c::hardwareMatchesPortable_data()
{
    QTest::addColumn<int>("offset");
    for (int off = 0; off < 16; ++off)
        QTest::newRow(qPrintable(QStringLiteral("offset %1").arg(off))) << off;
}

void TestCrc32c::hardwareMatchesPortable()
{
    // Every length 0..1100 at this start offset; offsets 0..15 cover every alignment of the 8-byte loads.
    QFETCH(int, offset);
    const size_t off = static_cast<size_t>(offset);
    const auto buf = randomBytes(1100 + 16, 7u + off);
    for (size_t len = 0; len <= 1100; ++len) {
        const unsigned char* p = buf.data() + off;
        const uint32_t seed = static_cast<uint32_t>(len * 0x9E3779B9u);
        const uint32_t hw = crc::extend(seed, p, len);
        const uint32_t sw = crc::extendPortable(seed, p, len);
        if (hw != sw)
            QFAIL(qPrintable(
                QStringLiteral("length %1: extend %2 != portable %3").arg(len).arg(hex(hw), hex(sw))));
    }
}

void TestCrc32c::hardwareMatchesPortableLarge_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<int>("offset");
    // Around the multi-stream block sizes (3×256 and 3×8192 bytes) and a few MB-sized buffers.
    for (const int base : { 3 * 256, 6 * 256, 3 * 8192, 6 * 8192 }) {
        for (const int delta : { -9, -8, -1, 0, 1, 7, 8, 9 })
            for (const int off : { 0, 3, 8 })
                QTest::newRow(qPrintable(
                    QStringLiteral("%1%2%3 @%4").arg(base).arg(delta < 0 ? "" : "+").arg(delta).arg(off)))
                    << base + delta << off;
    }
    QTest::newRow("1 MiB @0") << (1 << 20) << 0;
    QTest::newRow("1 MiB+13 @5") << (1 << 20) + 13 << 5;
    QTest::newRow("3 MiB+1001 @1") << (3 << 20) + 1001 << 1;
    QTest::newRow("7 MiB-3 @15") << (7 << 20) - 3 << 15;
    // Buffers of 2 MiB and more start with 3×32768-byte blocks: around that threshold and those blocks.
    for (const int length : { (2 << 20) - 1, 2 << 20, (2 << 20) + 1, 3 * 32768 * 22 - 8, 3 * 32768 * 22,
             3 * 32768 * 22 + 3 * 8192 + 7 })
        QTest::newRow(qPrintable(QStringLiteral("%1 @3").arg(length))) << length << 3;
}

void TestCrc32c::hardwareMatchesPortableLarge()
{
    QFETCH(int, length);
    QFETCH(int, offset);
    const size_t n = static_cast<size_t>(length);
    const size_t off = static_cast<size_t>(offset);
    const auto buf = randomBytes(n + off, 0xABCDEFu + n + off);
    const unsigned char* p = buf.data() + off;
    QCOMPARE(hex(crc::extend(0, p, n)), hex(crc::extendPortable(0, p, n)));
    QCOMPARE(hex(crc::extend(0xDEADBEEFu, p, n)), hex(crc::extendPortable(0xDEADBEEFu, p, n)));
}

void TestCrc32c::tfStringTensorExample()
{
    // FORMATS.md §2.4: the scalar DT_STRING "abc" is stored as 03 | 63 3F 7F 28 | 61 62 63 with entry
    // crc32c 0x199ad1c3. The running CRC covers the length as a little-endian uint32 (not the varint), then
    // the four stored checksum bytes, then the string bytes.
    const unsigned char stored[] = { 0x03, 0x63, 0x3F, 0x7F, 0x28, 0x61, 0x62, 0x63 };
    const unsigned char le32Len[4] = { 3, 0, 0, 0 };

    uint32_t c = crc::extend(0, le32Len, sizeof le32Len);
    const uint32_t storedChecksum = uint32_t { stored[1] } | (uint32_t { stored[2] } << 8)
        | (uint32_t { stored[3] } << 16) | (uint32_t { stored[4] } << 24);
    QCOMPARE(hex(crc::mask(c)), hex(storedChecksum));

    c = crc::extend(c, stored + 1, 4);
    c = crc::extend(c, "abc", 3);
    QCOMPARE(hex(crc::mask(c)), hex(0x199ad1c3u));

    // The same through the portable path and via combine.
    uint32_t p = crc::extendPortable(0, le32Len, 4);
    p = crc::extendPortable(p, stored + 1, 4);
    p = crc::extendPortable(p, "abc", 3);
    QCOMPARE(hex(p), hex(c));
    const uint32_t viaCombine = crc::combine(crc::value(le32Len, 4), crc::value(stored + 1, 7), 7);
    QCOMPARE(hex(viaCombine), hex(c));
}

QTEST_APPLESS_MAIN(TestCrc32c)
#include "tst_crc32c.moc"
