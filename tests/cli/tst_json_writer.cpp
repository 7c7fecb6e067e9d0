// io/json: strict UTF-8 (the byte sequences strict decoders reject), display text and `_base64` fields for
// names that are not UTF-8, base64 (RFC 4648 vectors) and the writer's numbers.

#include "io/json/base64.h"
#include "io/json/json_writer.h"
#include "io/json/utf8.h"

#include <QTest>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

using tscope::json::base64Encode;
using tscope::json::isValidUtf8;
using tscope::json::JsonWriter;
using tscope::json::utf8DisplayText;

class TestJsonWriter : public QObject {
    Q_OBJECT

private slots:
    void validUtf8_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("ascii") << QByteArray("dense/kernel");
        QTest::newRow("two-byte") << QByteArray("\xC3\xBC"); // ü
        QTest::newRow("three-byte") << QByteArray("\xE2\x9C\x93"); // ✓
        QTest::newRow("last before surrogates") << QByteArray("\xED\x9F\xBF"); // U+D7FF
        QTest::newRow("first after surrogates") << QByteArray("\xEE\x80\x80"); // U+E000
        QTest::newRow("U+FFFF") << QByteArray("\xEF\xBF\xBF");
        QTest::newRow("smallest four-byte") << QByteArray("\xF0\x90\x80\x80"); // U+10000
        QTest::newRow("U+10FFFF") << QByteArray("\xF4\x8F\xBF\xBF");
        QTest::newRow("DEL and NUL") << QByteArray("\x7F\x00x", 3);
    }
    void validUtf8()
    {
        QFETCH(QByteArray, bytes);
        QVERIFY(isValidUtf8(bytes.toStdString()));
        QCOMPARE(utf8DisplayText(bytes.toStdString()), bytes.toStdString());
    }

    void invalidUtf8_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("high surrogate ED A0 80") << QByteArray("\xED\xA0\x80");
        QTest::newRow("low surrogate ED BF BF") << QByteArray("\xED\xBF\xBF");
        QTest::newRow("overlong NUL C0 80") << QByteArray("\xC0\x80");
        QTest::newRow("overlong C1 BF") << QByteArray("\xC1\xBF");
        QTest::newRow("overlong E0 80 80") << QByteArray("\xE0\x80\x80");
        QTest::newRow("overlong E0 9F BF") << QByteArray("\xE0\x9F\xBF");
        QTest::newRow("overlong F0 8F BF BF") << QByteArray("\xF0\x8F\xBF\xBF");
        QTest::newRow("above U+10FFFF F4 90 80 80") << QByteArray("\xF4\x90\x80\x80");
        QTest::newRow("F5 lead") << QByteArray("\xF5\x80\x80\x80");
        QTest::newRow("FF") << QByteArray("\xFF");
        QTest::newRow("stray continuation") << QByteArray("a\x80");
        QTest::newRow("truncated two-byte") << QByteArray("\xC3");
        QTest::newRow("truncated three-byte") << QByteArray("\xE2\x82");
        QTest::newRow("truncated four-byte") << QByteArray("\xF0\x9F\x98");
        QTest::newRow("continuation missing mid-string") << QByteArray("\xE2x\x82");
    }
    void invalidUtf8()
    {
        QFETCH(QByteArray, bytes);
        const std::string s = bytes.toStdString();
        QVERIFY(!isValidUtf8(s));
        // The display text is valid UTF-8 and shows one U+FFFD per rejected byte.
        const std::string shown = utf8DisplayText(s);
        QVERIFY(isValidUtf8(shown));
        QVERIFY(shown.find("\xEF\xBF\xBD") != std::string::npos);
    }

    void displayTextKeepsValidParts()
    {
        QCOMPARE(utf8DisplayText("a\xFF\xC3\xBC"), std::string("a\xEF\xBF\xBD\xC3\xBC"));
        QCOMPARE(utf8DisplayText("\xED\xA0\x80"), std::string("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"));
    }

    void base64Vectors()
    {
        // RFC 4648 section 10.
        QCOMPARE(base64Encode(std::string_view("")), std::string(""));
        QCOMPARE(base64Encode(std::string_view("f")), std::string("Zg=="));
        QCOMPARE(base64Encode(std::string_view("fo")), std::string("Zm8="));
        QCOMPARE(base64Encode(std::string_view("foo")), std::string("Zm9v"));
        QCOMPARE(base64Encode(std::string_view("foob")), std::string("Zm9vYg=="));
        QCOMPARE(base64Encode(std::string_view("fooba")), std::string("Zm9vYmE="));
        QCOMPARE(base64Encode(std::string_view("foobar")), std::string("Zm9vYmFy"));
        QCOMPARE(base64Encode(std::string_view("\xFF\x00\x80", 3)), std::string("/wCA"));
    }

    void invalidStringIsWrittenAsDisplayText()
    {
        std::ostringstream out;
        {
            JsonWriter w(out, false);
            w.value(std::string_view("a\xED\xA0\x80z"));
        }
        QCOMPARE(out.str(), std::string("\"a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz\""));
        QVERIFY(isValidUtf8(out.str()));
    }

    void textFieldAddsBase64OnlyWhenNeeded()
    {
        std::ostringstream out;
        {
            JsonWriter w(out, false);
            w.beginObject();
            w.textField("key", "dense/kernel");
            w.textField("slot_of", std::string_view("w\xFF", 2));
            w.endObject();
        }
        QCOMPARE(out.str(),
            std::string(
                "{\"key\":\"dense/kernel\",\"slot_of\":\"w\xEF\xBF\xBD\",\"slot_of_base64\":\"d/8=\"}"));
    }

    // The validator and the escaper skip plain ASCII eight bytes at a time: a byte that matters must be
    // found at every position of a word, and after a run of whole words.
    void wordAtATimePathsMissNothing()
    {
        const std::string plain(40, 'a');
        for (size_t at = 0; at < plain.size(); ++at) {
            std::string bad = plain;
            bad[at] = '\x80';
            QVERIFY2(!isValidUtf8(bad), std::to_string(at).c_str());
            std::string good = plain;
            good.replace(at, 1, "\xC3\xBC");
            QVERIFY2(isValidUtf8(good), std::to_string(at).c_str());
            // (0x7f and the space are plain: the borders of the fast paths' byte classes)
            for (char special : { '"', '\\', '\n', '\x01', '\x1f', '\x7f', ' ' }) {
                std::string text = plain;
                text[at] = special;
                std::ostringstream out;
                {
                    JsonWriter w(out, false);
                    w.beginObject();
                    w.key(std::string_view(text)); // keys take the same paths
                    w.value(std::string_view(text));
                    w.endObject();
                }
                // The reference: the same text escaped one byte at a time.
                std::string expected = "\"";
                for (char c : text) {
                    if (c == '"')
                        expected += "\\\"";
                    else if (c == '\\')
                        expected += "\\\\";
                    else if (c == '\n')
                        expected += "\\n";
                    else if (c == '\x01')
                        expected += "\\u0001";
                    else if (c == '\x1f')
                        expected += "\\u001f";
                    else
                        expected += c;
                }
                expected += "\"";
                QCOMPARE(out.str(), "{" + expected + ":" + expected + "}");
            }
        }
    }

    // Plain ASCII is written without the UTF-8 check: a multi-byte character or a stray high byte at any
    // position must still take the checked path (kept as is, or shown as U+FFFD with a base64 twin).
    void highBytesAtEveryPositionLeaveTheFastPath()
    {
        const std::string plain(40, 'a');
        for (size_t at = 0; at < plain.size(); ++at) {
            std::string good = plain;
            good.replace(at, 1, "\xC3\xBC");
            std::string bad = plain;
            bad[at] = '\xFF';
            std::ostringstream out;
            {
                JsonWriter w(out, false);
                w.beginObject();
                w.textField("g", good);
                w.textField("b", bad);
                w.endObject();
            }
            std::string shown = bad;
            shown.replace(at, 1, "\xEF\xBF\xBD");
            const std::string expected = "{\"g\":\"" + good + "\",\"b\":\"" + shown + "\",\"b_base64\":\""
                + base64Encode(bad) + "\"}";
            QCOMPARE(out.str(), expected);
        }
    }

    void escapesAndNumbers()
    {
        std::ostringstream out;
        {
            JsonWriter w(out, false);
            w.beginArray();
            w.value(std::string_view("q\"b\\n\n\x01"));
            w.value(std::numeric_limits<double>::quiet_NaN());
            w.value(std::numeric_limits<double>::infinity());
            w.value(-std::numeric_limits<double>::infinity());
            w.value(0.1);
            w.value(int64_t { -3 });
            w.value(uint64_t { 18446744073709551615ULL });
            w.value(true);
            w.null();
            w.endArray();
        }
        QCOMPARE(out.str(),
            std::string(
                "[\"q\\\"b\\\\n\\n\\u0001\",\"NaN\",\"Infinity\",\"-Infinity\",0.1,-3,18446744073709551615,"
                "true,null]"));
    }
};

QTEST_APPLESS_MAIN(TestJsonWriter)
#include "tst_json_writer.moc"
