// Data safety of everything we write: temp file + rename, nothing partial after a failure or an
// abandoned write, existing files untouched until the new ones are complete, and names that come
// from files (asset names) never escape the directory they belong to.
#include "io/atomic_file.h"
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/saved_model_reader.h"
#include "saved_model.pb.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace tscope;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> listDir(const fs::path& dir)
{
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

io::Status writeSmallBundle(const fs::path& prefix, float value)
{
    io::BundleWriter w(prefix);
    std::vector<float> v(1000, value);
    TSCOPE_RETURN_IF_ERROR(
        w.add("a/kernel", tscope::io::DType::Float, { 10, 100 }, std::as_bytes(std::span(v))));
    TSCOPE_RETURN_IF_ERROR(w.addStrings("names", { 2 }, { "x", "y" }));
    return w.finish();
}

} // namespace

class TestWriteSafety : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { io::injectWriteFailureAfter(0); }

    void successfulWriteLeavesOnlyFinalFiles()
    {
        QTemporaryDir dir;
        const fs::path prefix = fs::path(dir.path().toStdString()) / "ckpt";
        QVERIFY(writeSmallBundle(prefix, 1.5f).isOk());
        QCOMPARE(listDir(prefix.parent_path()),
            (std::vector<std::string> { "ckpt.data-00000-of-00001", "ckpt.index" }));
        auto reader = io::BundleReader::open(prefix);
        QVERIFY(reader);
        QVERIFY((*reader)->verify().ok);
    }

    void injectedWriteFailureLeavesNothing_data()
    {
        QTest::addColumn<int>("failAt");
        for (int i = 1; i <= 6; ++i)
            QTest::addRow("write %d fails", i) << i;
    }
    void injectedWriteFailureLeavesNothing()
    {
        QFETCH(int, failAt);
        QTemporaryDir dir;
        const fs::path prefix = fs::path(dir.path().toStdString()) / "ckpt";
        io::injectWriteFailureAfter(static_cast<uint64_t>(failAt));
        io::Status s = writeSmallBundle(prefix, 2.0f);
        io::injectWriteFailureAfter(0);
        if (s.isOk()) QSKIP("the writer needed fewer writes than this");
        QCOMPARE(s.code(), io::ErrorCode::Io);
        QVERIFY2(
            QString::fromStdString(s.message()).contains(QStringLiteral("No space")), s.toString().c_str());
        QVERIFY2(listDir(prefix.parent_path()).empty(), "a failed write left files behind");
    }

    void failedRewriteKeepsTheOldBundle()
    {
        QTemporaryDir dir;
        const fs::path prefix = fs::path(dir.path().toStdString()) / "ckpt";
        QVERIFY(writeSmallBundle(prefix, 1.0f).isOk());
        io::injectWriteFailureAfter(3);
        QVERIFY(!writeSmallBundle(prefix, 9.0f).isOk());
        io::injectWriteFailureAfter(0);
        auto reader = io::BundleReader::open(prefix);
        QVERIFY(reader);
        auto t = (*reader)->read(*(*reader)->find("a/kernel"), { true, nullptr });
        QVERIFY(t);
        float first = 0;
        std::memcpy(&first, t->bytes().data(), 4);
        QCOMPARE(first, 1.0f); // still the old values, CRC intact
        QCOMPARE(listDir(prefix.parent_path()).size(), size_t(2));
    }

    void abandonedWriterLeavesNothing()
    {
        QTemporaryDir dir;
        const fs::path prefix = fs::path(dir.path().toStdString()) / "ckpt";
        {
            io::BundleWriter w(prefix);
            float v = 1;
            QVERIFY(w.add("x", tscope::io::DType::Float, {}, std::as_bytes(std::span(&v, 1))).isOk());
            // destroyed without finish(): cancelled or killed before completion
        }
        QVERIFY(listDir(prefix.parent_path()).empty());
    }

    void atomicFileDiscardsOnDestruction()
    {
        QTemporaryDir dir;
        const fs::path target = fs::path(dir.path().toStdString()) / "out.npy";
        {
            io::AtomicFile f(target);
            QVERIFY(f.open().isOk());
            QVERIFY(f.write(std::string("partial")).isOk());
            QVERIFY(fs::exists(f.tempPath()));
            QVERIFY(!fs::exists(target));
        }
        QVERIFY(listDir(target.parent_path()).empty());
        io::AtomicFile ok(target);
        QVERIFY(ok.open().isOk());
        QVERIFY(ok.write(std::string("done")).isOk());
        QVERIFY(ok.commit().isOk());
        QCOMPARE(listDir(target.parent_path()), std::vector<std::string> { "out.npy" });
    }

    void unwritableDirectoryIsAnError()
    {
        if (geteuid() == 0) {
            // root ignores permission bits; a path under a regular file fails for everyone
            QTemporaryDir dir;
            const fs::path file = fs::path(dir.path().toStdString()) / "file";
            std::ofstream(file) << "x";
            io::AtomicFile f(file / "sub.npy");
            io::Status s = f.open();
            QVERIFY(!s.isOk());
            QVERIFY(s.code() == io::ErrorCode::NotFound || s.code() == io::ErrorCode::Io);
            return;
        }
        QTemporaryDir dir;
        fs::permissions(dir.path().toStdString(), fs::perms::owner_read | fs::perms::owner_exec);
        io::AtomicFile f(fs::path(dir.path().toStdString()) / "x.npy");
        QCOMPARE(f.open().code(), io::ErrorCode::PermissionDenied);
    }

    void assetNamesCannotEscapeAssetsDir_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("safe");
        QTest::addRow("plain") << QStringLiteral("vocab.txt") << true;
        QTest::addRow("nested") << QStringLiteral("sub/vocab.txt") << true;
        QTest::addRow("parent") << QStringLiteral("../../etc/passwd") << false;
        QTest::addRow("inner parent") << QStringLiteral("a/../../b") << false;
        QTest::addRow("absolute") << QStringLiteral("/etc/passwd") << false;
        QTest::addRow("empty") << QString() << false;
    }
    void assetNamesCannotEscapeAssetsDir()
    {
        QFETCH(QString, name);
        QFETCH(bool, safe);
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        tensorflow::SavedModel sm;
        sm.set_saved_model_schema_version(1);
        auto* mg = sm.add_meta_graphs();
        mg->mutable_meta_info_def()->add_tags("serve");
        auto* asset = mg->add_asset_file_def();
        asset->set_filename(name.toStdString());
        asset->mutable_tensor_info()->set_name("asset_path:0");
        std::ofstream(root / "saved_model.pb", std::ios::binary) << sm.SerializeAsString();
        auto info = io::readSavedModel(root);
        QVERIFY(info);
        QCOMPARE(info->metaGraphs[0].assets.size(), size_t(1));
        QCOMPARE(info->metaGraphs[0].assets[0].safeName, safe);
        if (!safe) QVERIFY(!info->metaGraphs[0].assets[0].exists);
    }
};

QTEST_APPLESS_MAIN(TestWriteSafety)
#include "tst_write_safety.moc"
