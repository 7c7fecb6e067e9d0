// parseSelection (numpy-style "0,:,3:5", negative indices and steps, "...", errors) with the exact row-major
// element indices it selects; and the slice-key OrderedCode encoding against FORMATS.md §2.5 vectors.

#include "io/slice_key.h"
#include "io/slice_spec.h"
#include "io_test_util.h"

#include <QTest>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace iotest;
using tscope::io::parseSelection;
using tscope::io::Shape;
using tscope::io::SliceExtent;
namespace oc = tscope::io::ordered_code;

namespace {

Shape toShape(const QList<qint64>& l)
{
    return Shape(l.begin(), l.end());
}

QString signedCode(int64_t n)
{
    std::string s;
    oc::writeSignedNumIncreasing(s, n);
    return toHex(s);
}

} // namespace

class TestSliceSpec : public QObject {
    Q_OBJECT

private slots:
    void selections_data();
    void selections();
    void dimFields();
    void invalid_data();
    void invalid();
    void largeSelectionCount();
    void partOfASelection();

    void sliceKeyExample();
    void sliceKeyLayouts_data();
    void sliceKeyLayouts();
    void signedNumbers_data();
    void signedNumbers();
    void signedNumbersKeepOrder();
    void unsignedNumbers_data();
    void unsignedNumbers();
    void strings_data();
    void strings();
    void tensorNameRoundTrip_data();
    void tensorNameRoundTrip();
    void malformedSliceKeys_data();
    void malformedSliceKeys();
};

void TestSliceSpec::selections_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<QList<qint64>>("resultShape");
    QTest::addColumn<QList<qint64>>("indices");

    using L = QList<qint64>;
    QTest::addRow("empty spec selects all") << "" << L { 2, 3 } << L { 2, 3 } << L { 0, 1, 2, 3, 4, 5 };
    QTest::addRow("0,:,3:5") << "0,:,3:5" << L { 2, 3, 6 } << L { 3, 2 } << L { 3, 4, 9, 10, 15, 16 };
    QTest::addRow("1,:,3:5") << "1,:,3:5" << L { 2, 3, 6 } << L { 3, 2 } << L { 21, 22, 27, 28, 33, 34 };
    QTest::addRow("-1 (last row)") << "-1" << L { 4, 2 } << L { 2 } << L { 6, 7 };
    QTest::addRow("-1,-1 (scalar result)") << "-1,-1" << L { 4, 2 } << L {} << L { 7 };
    QTest::addRow("-4 (first row)") << "-4" << L { 4, 2 } << L { 2 } << L { 0, 1 };
    QTest::addRow("::2") << "::2" << L { 5 } << L { 3 } << L { 0, 2, 4 };
    QTest::addRow("1::2") << "1::2" << L { 6 } << L { 3 } << L { 1, 3, 5 };
    QTest::addRow("::-1") << "::-1" << L { 4 } << L { 4 } << L { 3, 2, 1, 0 };
    QTest::addRow("::-2") << "::-2" << L { 5 } << L { 3 } << L { 4, 2, 0 };
    QTest::addRow("3:0:-1") << "3:0:-1" << L { 5 } << L { 3 } << L { 3, 2, 1 };
    QTest::addRow("1::-1") << "1::-1" << L { 5 } << L { 2 } << L { 1, 0 };
    QTest::addRow("-1::-1") << "-1::-1" << L { 3 } << L { 3 } << L { 2, 1, 0 };
    QTest::addRow(":0:-1") << ":0:-1" << L { 5 } << L { 4 } << L { 4, 3, 2, 1 };
    QTest::addRow("-2:") << "-2:" << L { 5 } << L { 2 } << L { 3, 4 };
    QTest::addRow(":-2") << ":-2" << L { 5 } << L { 3 } << L { 0, 1, 2 };
    QTest::addRow("-3:-1") << "-3:-1" << L { 5 } << L { 2 } << L { 2, 3 };
    QTest::addRow("stop clamped") << "1:100" << L { 5 } << L { 4 } << L { 1, 2, 3, 4 };
    QTest::addRow("start clamped") << "-100:2" << L { 5 } << L { 2 } << L { 0, 1 };
    QTest::addRow("negative step, start clamped") << "100::-2" << L { 5 } << L { 3 } << L { 4, 2, 0 };
    QTest::addRow("empty range 5:") << "5:" << L { 5 } << L { 0 } << L {};
    QTest::addRow("empty range 4:1") << "4:1" << L { 5 } << L { 0 } << L {};
    QTest::addRow("empty range 1:4:-1") << "1:4:-1" << L { 5 } << L { 0 } << L {};
    QTest::addRow("..., 0") << "...,0" << L { 2, 3 } << L { 2 } << L { 0, 3 };
    QTest::addRow("0, ...") << "0,..." << L { 2, 3 } << L { 3 } << L { 0, 1, 2 };
    QTest::addRow("... alone") << "..." << L { 2, 2 } << L { 2, 2 } << L { 0, 1, 2, 3 };
    QTest::addRow("1,...,2") << "1,...,2" << L { 2, 3, 4 } << L { 3 } << L { 14, 18, 22 };
    QTest::addRow("... filling nothing") << "1,...,2" << L { 2, 4 } << L {} << L { 6 };
    QTest::addRow("fewer parts than dims") << "1" << L { 2, 2, 2 } << L { 2, 2 } << L { 4, 5, 6, 7 };
    QTest::addRow("spaces") << " 1 , : " << L { 2, 2 } << L { 2 } << L { 2, 3 };
    QTest::addRow("spaces inside a range") << " 0 : 2 : 1 " << L { 3 } << L { 2 } << L { 0, 1 };
    QTest::addRow("scalar, empty spec") << "" << L {} << L {} << L { 0 };
    QTest::addRow("scalar, ...") << "..." << L {} << L {} << L { 0 };
    QTest::addRow("zero-size dim, :") << ":" << L { 0, 3 } << L { 0, 3 } << L {};
    QTest::addRow("step over a column") << ":,::3" << L { 2, 7 } << L { 2, 3 } << L { 0, 3, 6, 7, 10, 13 };
    QTest::addRow("reverse both dims") << "::-1,::-1" << L { 2, 2 } << L { 2, 2 } << L { 3, 2, 1, 0 };
}

void TestSliceSpec::selections()
{
    QFETCH(QString, spec);
    QFETCH(QList<qint64>, shape);
    QFETCH(QList<qint64>, resultShape);
    QFETCH(QList<qint64>, indices);
    auto sel = parseSelection(spec.toStdString(), toShape(shape));
    QVERIFY2(sel.isOk(), qPrintable(sel.isOk() ? QString() : describe(sel.status())));
    QCOMPARE(sel->dims.size(), static_cast<size_t>(shape.size()));
    QCOMPARE(sel->resultShape(), toShape(resultShape));
    QCOMPARE(sel->elementCount(), static_cast<uint64_t>(indices.size()));
    const auto got = sel->elementIndices(toShape(shape));
    QCOMPARE(got.size(), static_cast<size_t>(indices.size()));
    for (qsizetype i = 0; i < indices.size(); ++i)
        QVERIFY2(got[static_cast<size_t>(i)] == static_cast<uint64_t>(indices[i]),
            qPrintable(QStringLiteral("index %1: got %2, expected %3")
                           .arg(i)
                           .arg(got[static_cast<size_t>(i)])
                           .arg(indices[i])));
}

void TestSliceSpec::dimFields()
{
    auto sel = parseSelection("1, 3:5, ::-2", { 4, 6, 5 });
    QVERIFY(sel.isOk());
    QCOMPARE(sel->dims[0].start, int64_t(1));
    QCOMPARE(sel->dims[0].count, int64_t(1));
    QVERIFY(!sel->dims[0].keepDim);
    QCOMPARE(sel->dims[1].start, int64_t(3));
    QCOMPARE(sel->dims[1].count, int64_t(2));
    QCOMPARE(sel->dims[1].step, int64_t(1));
    QVERIFY(sel->dims[1].keepDim);
    QCOMPARE(sel->dims[2].start, int64_t(4));
    QCOMPARE(sel->dims[2].count, int64_t(3));
    QCOMPARE(sel->dims[2].step, int64_t(-2));
    QCOMPARE(sel->resultShape(), (Shape { 2, 3 }));
}

void TestSliceSpec::invalid_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QList<qint64>>("shape");
    using L = QList<qint64>;
    QTest::addRow("index past the end") << "2" << L { 2 };
    QTest::addRow("negative index past the start") << "-3" << L { 2 };
    QTest::addRow("index into an empty dim") << "0" << L { 0 };
    QTest::addRow("index into a scalar") << "0" << L {};
    QTest::addRow("too many indices") << "0,0" << L { 3 };
    QTest::addRow("too many with ...") << "0,...,0,0" << L { 2, 2 };
    QTest::addRow("not a number") << "a" << L { 3 };
    QTest::addRow("float index") << "1.5" << L { 3 };
    QTest::addRow("trailing garbage") << "1x" << L { 3 };
    QTest::addRow("step 0") << "1:2:0" << L { 3 };
    QTest::addRow("step ::0") << "::0" << L { 3 };
    QTest::addRow("bad stop") << "1:x" << L { 3 };
    QTest::addRow("bad start") << "y:2" << L { 3 };
    QTest::addRow("bad step") << "::z" << L { 3 };
    QTest::addRow("too many colons") << "1:2:3:4" << L { 5 };
    QTest::addRow("empty part") << "0,,1" << L { 2, 2, 2 };
    QTest::addRow("two ellipses") << "...,..." << L { 2, 2 };
    QTest::addRow("index overflows int64") << "99999999999999999999" << L { 3 };
}

void TestSliceSpec::invalid()
{
    QFETCH(QString, spec);
    QFETCH(QList<qint64>, shape);
    auto sel = parseSelection(spec.toStdString(), toShape(shape));
    QVERIFY2(!sel.isOk(), qPrintable(spec));
    IOTEST_COMPARE_CODE(sel.status().code(), ErrorCode::InvalidArgument);
    QVERIFY2(sel.status().message().find("bad slice '" + spec.toStdString() + "'") != std::string::npos,
        qPrintable(describe(sel.status())));
}

void TestSliceSpec::largeSelectionCount()
{
    // Counting does not enumerate: a huge tensor's selection count is exact and cheap.
    auto sel = parseSelection("::2,1:", { 1000000, 1000000 });
    QVERIFY(sel.isOk());
    QCOMPARE(sel->elementCount(), uint64_t(500000) * 999999u);
    QCOMPARE(sel->resultShape(), (Shape { 500000, 999999 }));
}

// elementIndices(shape, positions): the indices of the chosen positions are exactly the full list's
// entries at those positions (the full list taken as a row-major array over the selection's counts).
void TestSliceSpec::partOfASelection()
{
    const Shape shape { 7, 5, 9 };
    auto sel = parseSelection("1::2,3,::-2", shape);
    QVERIFY(sel.isOk());
    const auto all = sel->elementIndices(shape);
    const std::vector<std::vector<int64_t>> positions { { 0, 2 }, { 0 }, { 0, 1, 4 } };
    const auto part = sel->elementIndices(shape, positions);
    std::vector<uint64_t> expected;
    const auto& d = sel->dims;
    for (int64_t i : positions[0])
        for (int64_t j : positions[1])
            for (int64_t k : positions[2])
                expected.push_back(all[static_cast<size_t>((i * d[1].count + j) * d[2].count + k)]);
    QCOMPARE(part, expected);
    QVERIFY(sel->elementIndices(shape, { { 0 }, {}, { 0 } }).empty()); // an empty list takes nothing
}

void TestSliceSpec::sliceKeyExample()
{
    // FORMATS.md §2.5: dense/kernel, rows [0,5), all columns.
    const std::string key = tscope::io::encodeSliceKey("dense/kernel", { { 0, 5 }, { 0, -1 } });
    QCOMPARE(toHex(key), toHex(std::string(1, '\0') + "dense/kernel" + hexBytes("00 01 01 02 80 85 80 7F")));
    QVERIFY(tscope::io::isSliceKey(key));
    QVERIFY(!tscope::io::isSliceKey("dense/kernel"));
    QVERIFY(!tscope::io::isSliceKey(""));
    QCOMPARE(tscope::io::sliceKeyTensorName(key), std::string("dense/kernel"));
    // A "whole dimension" extent ignores its start.
    QCOMPARE(toHex(tscope::io::encodeSliceKey("dense/kernel", { { 0, 5 }, { 7, -1 } })), toHex(key));
    // Slice keys sort after the header "" and before every ordinary key.
    QVERIFY(std::string() < key);
    QVERIFY(key < std::string("\x01"));
}

void TestSliceSpec::sliceKeyLayouts_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QList<qint64>>("extents"); // start, length pairs
    QTest::addColumn<QString>("tailHex"); // after 00 <escaped name> 00 01
    using L = QList<qint64>;
    QTest::addRow("scalar (rank 0)") << "v" << L {} << "00";
    QTest::addRow("full 2-D") << "w" << L { 0, -1, 0, -1 } << "01 02 80 7F 80 7F";
    QTest::addRow("columns [1,4)") << "w" << L { 0, -1, 1, 3 } << "01 02 80 7F 81 83";
    QTest::addRow("rows [64, 320)") << "w" << L { 64, 256, 0, -1 } << "01 02 C0 40 C1 00 80 7F";
    QTest::addRow("3-D") << "t" << L { 0, 2, 8192, 1048576, 0, -1 }
                         << "01 03 80 82 E0 20 00 F0 10 00 00 80 7F";
}

void TestSliceSpec::sliceKeyLayouts()
{
    QFETCH(QString, name);
    QFETCH(QList<qint64>, extents);
    QFETCH(QString, tailHex);
    std::vector<SliceExtent> ex;
    for (qsizetype i = 0; i < extents.size(); i += 2)
        ex.push_back({ extents[i], extents[i + 1] });
    const std::string key = tscope::io::encodeSliceKey(name.toStdString(), ex);
    const std::string expected = std::string(1, '\0') + name.toStdString() + hexBytes("00 01")
        + hexBytes(tailHex.toLatin1().constData());
    QCOMPARE(toHex(key), toHex(expected));
    QCOMPARE(tscope::io::sliceKeyTensorName(key), name.toStdString());
}

void TestSliceSpec::signedNumbers_data()
{
    QTest::addColumn<qint64>("n");
    QTest::addColumn<QString>("hex");
    QTest::addRow("0") << qint64(0) << "80";
    QTest::addRow("1") << qint64(1) << "81";
    QTest::addRow("5") << qint64(5) << "85";
    QTest::addRow("63") << qint64(63) << "BF";
    QTest::addRow("-1") << qint64(-1) << "7F";
    QTest::addRow("-64") << qint64(-64) << "40";
    QTest::addRow("64") << qint64(64) << "C0 40";
    QTest::addRow("256") << qint64(256) << "C1 00";
    QTest::addRow("8191") << qint64(8191) << "DF FF";
    QTest::addRow("8192") << qint64(8192) << "E0 20 00";
    QTest::addRow("1048576") << qint64(1048576) << "F0 10 00 00";
    QTest::addRow("-65") << qint64(-65) << "3F BF";
    QTest::addRow("-257") << qint64(-257) << "3E FF";
    QTest::addRow("-8192") << qint64(-8192) << "20 00";
    QTest::addRow("-8193") << qint64(-8193) << "1F DF FF";
    QTest::addRow("INT64_MAX") << std::numeric_limits<qint64>::max() << "FF C0 7F FF FF FF FF FF FF FF";
    QTest::addRow("-INT64_MAX") << -std::numeric_limits<qint64>::max() << "00 3F 80 00 00 00 00 00 00 01";
}

void TestSliceSpec::signedNumbers()
{
    QFETCH(qint64, n);
    QFETCH(QString, hex);
    QCOMPARE(signedCode(n), hex);
}

void TestSliceSpec::signedNumbersKeepOrder()
{
    // The point of the encoding: byte order of the codes equals numeric order (so keys sort by offset).
    std::vector<int64_t> values;
    for (int64_t v = -70000; v <= 70000; v += 7)
        values.push_back(v);
    for (int shift = 0; shift < 63; ++shift) {
        const int64_t p = int64_t(1) << shift;
        for (int64_t d : { p - 1, p, p + 1 }) {
            values.push_back(d);
            values.push_back(-d);
        }
    }
    values.push_back(std::numeric_limits<int64_t>::max());
    values.push_back(std::numeric_limits<int64_t>::min() + 1);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    std::string previous;
    for (size_t i = 0; i < values.size(); ++i) {
        std::string code;
        oc::writeSignedNumIncreasing(code, values[i]);
        QVERIFY(!code.empty() && code.size() <= 10);
        if (i > 0)
            QVERIFY2(
                previous < code, qPrintable(QStringLiteral("%1 vs %2").arg(values[i - 1]).arg(values[i])));
        previous = code;
    }
}

void TestSliceSpec::unsignedNumbers_data()
{
    QTest::addColumn<quint64>("v");
    QTest::addColumn<QString>("hex");
    QTest::addRow("0") << quint64(0) << "00";
    QTest::addRow("1") << quint64(1) << "01 01";
    QTest::addRow("255") << quint64(255) << "01 FF";
    QTest::addRow("0x100") << quint64(0x100) << "02 01 00";
    QTest::addRow("max") << std::numeric_limits<quint64>::max() << "08 FF FF FF FF FF FF FF FF";
}

void TestSliceSpec::unsignedNumbers()
{
    QFETCH(quint64, v);
    QFETCH(QString, hex);
    std::string s;
    oc::writeNumIncreasing(s, v);
    QCOMPARE(toHex(s), hex);
}

void TestSliceSpec::strings_data()
{
    QTest::addColumn<QByteArray>("in");
    QTest::addColumn<QString>("hex");
    QTest::addRow("empty") << QByteArray() << "00 01";
    QTest::addRow("00 01 FF") << QByteArray("\x00\x01\xff", 3) << "00 FF 01 FF 00 00 01";
    QTest::addRow("abc") << QByteArray("abc") << "61 62 63 00 01";
}

void TestSliceSpec::strings()
{
    QFETCH(QByteArray, in);
    QFETCH(QString, hex);
    std::string s;
    oc::writeString(s, in.toStdString());
    QCOMPARE(toHex(s), hex);
}

void TestSliceSpec::tensorNameRoundTrip_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addRow("plain") << QByteArray("dense/kernel");
    QTest::addRow("TF2 key") << QByteArray("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE");
    QTest::addRow("with 00") << QByteArray("a\0b", 3);
    QTest::addRow("with FF") << QByteArray("a\xff"
                                           "b",
        3);
    QTest::addRow("only 00") << QByteArray("\0", 1);
    QTest::addRow("only FF") << QByteArray("\xff", 1);
    QTest::addRow("FF 00 FF 00") << QByteArray("\xff\0\xff\0", 4);
    QTest::addRow("00 01 inside") << QByteArray("x\0\x01y", 4);
    QTest::addRow("UTF-8") << QByteArray("emb\xc3\xa9"
                                         "dding");
}

void TestSliceSpec::tensorNameRoundTrip()
{
    QFETCH(QByteArray, name);
    const std::string n = name.toStdString();
    for (const auto& extents :
        { std::vector<SliceExtent> {}, std::vector<SliceExtent> { { 3, 4 }, { 0, -1 } } }) {
        const std::string key = tscope::io::encodeSliceKey(n, extents);
        QVERIFY(tscope::io::isSliceKey(key));
        QCOMPARE(toHex(tscope::io::sliceKeyTensorName(key)), toHex(n));
    }
}

void TestSliceSpec::malformedSliceKeys_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addRow("empty") << QByteArray();
    QTest::addRow("ordinary key") << QByteArray("dense/kernel");
    QTest::addRow("no terminator") << QByteArray("\0abc", 4);
    QTest::addRow("00 followed by 02") << QByteArray("\0a\0\x02", 4);
    QTest::addRow("FF not followed by 00") << QByteArray("\0a\xff"
                                                         "b\0\x01",
        6);
    QTest::addRow("cut after escape byte") << QByteArray("\0a\0", 3);
}

void TestSliceSpec::malformedSliceKeys()
{
    QFETCH(QByteArray, key);
    QCOMPARE(tscope::io::sliceKeyTensorName(key.toStdString()), std::string());
}

QTEST_APPLESS_MAIN(TestSliceSpec)
#include "tst_slice_spec.moc"
