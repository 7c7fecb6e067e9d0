// The rest of the corruption matrix: zero-length files, swapped shards, deeply nested protobufs,
// odd path names, FIFOs and directories where files are expected. Every case must end with a
// specific error (or a readable artifact) within a time bound, never a crash or a hang.
#include "io/artifact.h"
#include "io/bundle_writer.h"
#include "io/saved_model_reader.h"
#include "saved_model.pb.h"
#include "struct.pb.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace tscope;
namespace fs = std::filesystem;

namespace {

constexpr qint64 kTimeBoundMs = 5000;

void writeBundle(const fs::path& prefix, int shards)
{
    io::BundleWriter::Options o;
    o.numShards = shards;
    io::BundleWriter w(prefix, o);
    for (int i = 0; i < 4; ++i) {
        std::vector<float> v(100 + 50 * i, float(i));
        QVERIFY(w.add("var" + std::to_string(i), io::DType::Float, { int64_t(v.size()) },
                     std::as_bytes(std::span(v)), i % shards)
                    .isOk());
    }
    QVERIFY(w.finish().isOk());
}

void writeText(const fs::path& p, const std::string& text)
{
    std::ofstream(p, std::ios::binary) << text;
}

// Opens and reads everything; returns the open status. Fails the test if it takes too long.
io::Status openAndReadAll(const fs::path& path)
{
    QElapsedTimer t;
    t.start();
    auto a = io::openArtifact(path);
    io::Status result = a ? io::Status::ok() : a.status();
    if (a && (*a)->bundle)
        for (const auto& e : (*a)->bundle->entries())
            (void)(*a)->bundle->read(e, { true, nullptr });
    if (t.elapsed() > kTimeBoundMs) qWarning("took %lld ms", t.elapsed());
    return result;
}

} // namespace

class TestHostileInputs : public QObject {
    Q_OBJECT
private slots:
    void zeroLengthFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("openCode"); // expected code of opening (Ok = opens, damage shows on read)
        QTest::addRow("index") << "ckpt.index" << int(io::ErrorCode::Truncated);
        QTest::addRow("data shard") << "ckpt.data-00000-of-00001" << int(io::ErrorCode::Ok);
    }
    void zeroLengthFiles()
    {
        QFETCH(QString, file);
        QFETCH(int, openCode);
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        writeBundle(root / "ckpt", 1);
        fs::resize_file(root / file.toStdString(), 0);
        auto a = io::openArtifact(root / "ckpt");
        QCOMPARE(int(a ? io::ErrorCode::Ok : a.status().code()), openCode);
        if (a) {
            auto t = (*a)->bundle->read((*a)->bundle->entries()[0]);
            QVERIFY(!t);
            QCOMPARE(t.status().code(), io::ErrorCode::Truncated);
            QVERIFY(!t.status().path().empty());
            QVERIFY(!(*a)->bundle->verify().ok);
        }
    }

    void zeroLengthSavedModel()
    {
        QTemporaryDir dir;
        writeText(fs::path(dir.path().toStdString()) / "saved_model.pb", "");
        auto a = io::openArtifact(dir.path().toStdString());
        QVERIFY(!a);
        QCOMPARE(a.status().code(), io::ErrorCode::Corrupt);
    }

    void swappedShards()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        writeBundle(root / "ckpt", 2);
        const fs::path a = io::bundleDataPath(root / "ckpt", 0, 2),
                       b = io::bundleDataPath(root / "ckpt", 1, 2);
        fs::rename(a, root / "tmp");
        fs::rename(b, a);
        fs::rename(root / "tmp", b);
        auto bundle = io::BundleReader::open(root / "ckpt");
        QVERIFY(bundle);
        auto report = (*bundle)->verify();
        QVERIFY(!report.ok);
        for (const auto& p : report.problems)
            QVERIFY2(p.code() == io::ErrorCode::ChecksumMismatch || p.code() == io::ErrorCode::Truncated,
                p.toString().c_str());
    }

    void deeplyNestedStructuredValue()
    {
        // 3,000 nested lists (30x protobuf's recursion limit): rejected without exhausting the stack.
        std::string bytes;
        for (int i = 0; i < 3000; ++i) {
            std::string list;
            list.push_back(char((1 << 3) | 2)); // ListValue.values
            // varint length of `bytes`
            for (uint64_t n = bytes.size();; n >>= 7) {
                list.push_back(char((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)));
                if (n < 0x80) break;
            }
            list += bytes;
            std::string value;
            value.push_back(char(0x9a)); // field 51 (list_value), wire type 2: tag 410 = 0x9a 0x03
            value.push_back(char(0x03));
            for (uint64_t n = list.size();; n >>= 7) {
                value.push_back(char((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)));
                if (n < 0x80) break;
            }
            value += list;
            bytes = std::move(value);
            if (bytes.size() > (8u << 20)) break;
        }
        QElapsedTimer t;
        t.start();
        QCOMPARE(QString::fromStdString(io::renderStructuredValue(bytes)), QStringLiteral("?"));
        QVERIFY(t.elapsed() < kTimeBoundMs);
    }

    void deeplyNestedTextSavedModel()
    {
        // AttrValue -> NameAttrList -> AttrValue ... 20,000 levels deep in text format.
        std::string text
            = "saved_model_schema_version: 1\nmeta_graphs { graph_def { node { name: \"n\" op: \"Const\" ";
        const int depth = 20000;
        for (int i = 0; i < depth; ++i)
            text += "attr { key: \"a\" value { func { name: \"f\" ";
        for (int i = 0; i < depth; ++i)
            text += "} } } ";
        text += "} } }\n";
        QTemporaryDir dir;
        writeText(fs::path(dir.path().toStdString()) / "saved_model.pbtxt", text);
        QElapsedTimer t;
        t.start();
        auto info = io::readSavedModel(dir.path().toStdString());
        QVERIFY(!info);
        QCOMPARE(info.status().code(), io::ErrorCode::Corrupt);
        QVERIFY(t.elapsed() < kTimeBoundMs);
    }

    void oddPathNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addRow("spaces") << QStringLiteral("my checkpoints/run 1");
        QTest::addRow("unicode") << QStringLiteral("réseau/日本語/ckpt");
        QTest::addRow("leading dash") << QStringLiteral("-rf/--json");
        QTest::addRow("newline") << QStringLiteral("a\nb/c");
        QTest::addRow("dots") << QStringLiteral("..../...");
        QTest::addRow("percent and quotes") << QStringLiteral("100%/\"x\" 'y'");
    }
    void oddPathNames()
    {
        QFETCH(QString, name);
        QTemporaryDir dir;
        const fs::path d = fs::path(dir.path().toStdString()) / fs::path(name.toStdString());
        fs::create_directories(d);
        writeBundle(d / "ckpt", 1);
        QVERIFY(openAndReadAll(d / "ckpt").isOk());
        QVERIFY(openAndReadAll(d).isOk());
        QVERIFY(openAndReadAll(d / "ckpt.index").isOk());
    }

    void directoriesWhereFilesAreExpected_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addRow("index") << "ckpt.index";
        QTest::addRow("data shard") << "ckpt.data-00000-of-00001";
    }
    void directoriesWhereFilesAreExpected()
    {
        QFETCH(QString, file);
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        writeBundle(root / "ckpt", 1);
        fs::remove(root / file.toStdString());
        fs::create_directory(root / file.toStdString());
        io::Status s = openAndReadAll(root / "ckpt");
        if (file.endsWith(QLatin1String(".index"))) {
            QVERIFY(!s.isOk());
        } else { // opens; reading says what is wrong with the shard
            auto a = io::openArtifact(root / "ckpt");
            QVERIFY(a);
            auto t = (*a)->bundle->read((*a)->bundle->entries()[0]);
            QVERIFY(!t);
            QVERIFY2(t.status().code() == io::ErrorCode::InvalidArgument, t.status().toString().c_str());
        }
    }

    void savedModelPbIsADirectory()
    {
        QTemporaryDir dir;
        fs::create_directory(fs::path(dir.path().toStdString()) / "saved_model.pb");
        auto a = io::openArtifact(dir.path().toStdString());
        QVERIFY(!a);
    }

    void fifoWhereFilesAreExpectedDoesNotHang_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addRow("index") << "ckpt.index";
        QTest::addRow("data shard") << "ckpt.data-00000-of-00001";
        QTest::addRow("saved_model.pb") << "saved_model.pb";
        QTest::addRow("checkpoint state") << "checkpoint";
    }
    void fifoWhereFilesAreExpectedDoesNotHang()
    {
        QFETCH(QString, file);
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        if (file != QLatin1String("saved_model.pb")) writeBundle(root / "ckpt", 1);
        fs::remove(root / file.toStdString());
        QCOMPARE(::mkfifo((root / file.toStdString()).c_str(), 0600), 0);
        QElapsedTimer t;
        t.start();
        (void)openAndReadAll(file == QLatin1String("checkpoint") ? root : root / "ckpt");
        (void)openAndReadAll(root);
        QVERIFY2(t.elapsed() < kTimeBoundMs, "opening blocked on a FIFO");
    }

    void unreadableFile()
    {
        if (::geteuid() == 0) QSKIP("root reads files regardless of permission bits");
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        writeBundle(root / "ckpt", 1);
        fs::permissions(root / "ckpt.index", fs::perms::none);
        auto a = io::openArtifact(root / "ckpt");
        QVERIFY(!a);
        QCOMPARE(a.status().code(), io::ErrorCode::PermissionDenied);
    }
};

QTEST_APPLESS_MAIN(TestHostileInputs)
#include "tst_hostile_inputs.moc"
