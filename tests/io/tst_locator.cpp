// locateArtifact/openArtifact on every path form a person could give (corpus artifacts and small temporary
// layouts), the Unsupported and NotFound cases, naturalLess, checkpointPrefixesIn and readCheckpointState.

#include "io/artifact.h"
#include "io/artifact_locator.h"
#include "io/checkpoint_state.h"
#include "io_test_util.h"

#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <string>

using namespace iotest;
using tscope::io::ArtifactKind;
using tscope::io::locateArtifact;
using tscope::io::openArtifact;

namespace {

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

std::string norm(const fs::path& p)
{
    return p.empty() ? std::string() : p.lexically_normal().string();
}

} // namespace

class TestLocator : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void pathForms_data();
    void pathForms();
    void trainingRun();
    void unsupportedAndMissing_data();
    void unsupportedAndMissing();
    void lfsPointerModuleLocatesButDoesNotOpen();
    void versionedServingDirectory();
    void severalCheckpointsWithoutStateFile();
    void stateFileNamesMissingLatest();
    void stateFileWarningsAppearOnce_data();
    void stateFileWarningsAppearOnce();
    void savedModelVariablesOpenedAlone();
    void sessionBundleV2ExportStillOpens();
    void naturalLess_data();
    void naturalLess();
    void checkpointPrefixesIn();
    void checkpointStateRelativeAndTimestamps();
    void checkpointStateAbsolutePaths();
    void checkpointStateErrors_data();
    void checkpointStateErrors();

private:
    QTemporaryDir m_dir;
    fs::path tmp() const { return fs::path(m_dir.path().toStdString()); }
    // "@tmp/x" -> a path in the temporary directory, anything else -> under the corpus.
    fs::path resolve(const QString& in) const
    {
        const std::string s = in.toStdString();
        if (s.starts_with("@tmp/")) return tmp() / s.substr(5);
        if (s.starts_with("@abs:")) return s.substr(5);
        return corpusDir().string() + "/" + s;
    }
};

void TestLocator::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(fs::is_regular_file(corpusDir() / "MANIFEST.tsv"));
    QVERIFY(writeFile(tmp() / "model.h5", ""));
    QVERIFY(writeFile(tmp() / "model.keras", ""));
    fs::create_directories(tmp() / "keras_only");
    QVERIFY(writeFile(tmp() / "keras_only" / "weights.h5", ""));
    fs::create_directories(tmp() / "empty_dir");
    QVERIFY(writeFile(tmp() / "notes.txt", "hello\n"));
    fs::create_symlink("loop_b", tmp() / "loop_a");
    fs::create_symlink("loop_a", tmp() / "loop_b");
    fs::create_symlink("gone.index", tmp() / "dangling.index");
    // A TF Serving SessionBundle export: export.meta + a sharded V1 checkpoint (the corpus's V1 file).
    fs::create_directories(tmp() / "sessionbundle");
    fs::copy_file(
        corpusDir() / "odd-bad-half-plus-two" / "export", tmp() / "sessionbundle" / "export-00000-of-00001");
    fs::copy_file(
        corpusDir() / "odd-bad-half-plus-two" / "export.meta", tmp() / "sessionbundle" / "export.meta");
}

void TestLocator::pathForms_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("savedModel");
    QTest::addColumn<QString>("prefix"); // expected checkpoint prefix, corpus-relative ("" = none)
    QTest::addColumn<QString>("savedModelDir"); // corpus-relative ("" = none)
    QTest::addColumn<bool>("run"); // a checkpoint state was found

    QTest::addRow(".index file") << "tf1-saver-two-prefixes/model.ckpt.index" << false
                                 << "tf1-saver-two-prefixes/model.ckpt"
                                 << "" << true;
    QTest::addRow("second prefix's .index") << "tf1-saver-two-prefixes/train_model.ckpt.index" << false
                                            << "tf1-saver-two-prefixes/train_model.ckpt"
                                            << "" << true;
    QTest::addRow(".data shard") << "tf1-saver-two-prefixes/train_model.ckpt.data-00000-of-00001" << false
                                 << "tf1-saver-two-prefixes/train_model.ckpt"
                                 << "" << true;
    QTest::addRow("second of two data shards")
        << "tf115-savedmodel-2shards/variables/variables.data-00001-of-00002" << false
        << "tf115-savedmodel-2shards/variables/variables"
        << "" << false;
    QTest::addRow("prefix (no such file)")
        << "sessionbundle-v2-export-ckpt/export" << false << "sessionbundle-v2-export-ckpt/export"
        << "" << false;
    QTest::addRow("checkpoint state file")
        << "tf1-saver-two-prefixes/checkpoint" << false << "tf1-saver-two-prefixes/model.ckpt"
        << "" << true;
    QTest::addRow("training directory") << "ckpt-tf2-a2c-3ckpts" << false << "ckpt-tf2-a2c-3ckpts/ckpt-4"
                                        << "" << true;
    QTest::addRow("training directory, trailing slash")
        << "ckpt-tf2-a2c-3ckpts/" << false << "ckpt-tf2-a2c-3ckpts/ckpt-4"
        << "" << true;
    QTest::addRow("estimator directory, 5 checkpoints")
        << "tf1-estimator-widedeep-5ckpts" << false << "tf1-estimator-widedeep-5ckpts/model.ckpt-1128"
        << "" << true;
    QTest::addRow(".meta file") << "tf1-saver-two-prefixes/model.ckpt.meta" << false
                                << "tf1-saver-two-prefixes/model.ckpt"
                                << "" << true;
    QTest::addRow(".meta of a session bundle")
        << "sessionbundle-v2-export-ckpt/export.meta" << false << "sessionbundle-v2-export-ckpt/export"
        << "" << false;
    QTest::addRow("saved_model.pb") << "keras-tf211-tiny-fp/saved_model.pb" << true
                                    << "keras-tf211-tiny-fp/variables/variables"
                                    << "keras-tf211-tiny-fp" << false;
    QTest::addRow("saved_model.pbtxt (no variables)")
        << "tf12-savedmodel-pbtxt-novars/saved_model.pbtxt" << true << ""
        << "tf12-savedmodel-pbtxt-novars" << false;
    QTest::addRow("SavedModel directory")
        << "tfserving-counter-tf1" << true << "tfserving-counter-tf1/variables/variables"
        << "tfserving-counter-tf1" << false;
    QTest::addRow("SavedModel directory, trailing slash")
        << "tfserving-counter-tf1/" << true << "tfserving-counter-tf1/variables/variables"
        << "tfserving-counter-tf1" << false;
    QTest::addRow("SavedModel without variables/") << "tf1-tft-transform-fn-assets" << true << ""
                                                   << "tf1-tft-transform-fn-assets" << false;
    QTest::addRow("variables/ directory")
        << "tfserving-counter-tf1/variables" << false << "tfserving-counter-tf1/variables/variables"
        << "" << false;
    QTest::addRow("variables/ directory, trailing slash")
        << "tfserving-counter-tf1/variables/" << false << "tfserving-counter-tf1/variables/variables"
        << "" << false;
    QTest::addRow("variables/ with its own state file")
        << "tf20alpha-keras-export-3metagraphs-nodata/variables" << false
        << "tf20alpha-keras-export-3metagraphs-nodata/variables/variables"
        << "" << true;
    QTest::addRow("variables.index of a SavedModel")
        << "tf23-keras-linear-nometa/variables/variables.index" << false
        << "tf23-keras-linear-nometa/variables/variables"
        << "" << false;
}

void TestLocator::pathForms()
{
    QFETCH(QString, input);
    QFETCH(bool, savedModel);
    QFETCH(QString, prefix);
    QFETCH(QString, savedModelDir);
    QFETCH(bool, run);
    const fs::path path = resolve(input);
    auto loc = locateArtifact(path);
    QVERIFY2(loc.isOk(), qPrintable(loc.isOk() ? QString() : describe(loc.status())));
    QCOMPARE(loc->kind == ArtifactKind::SavedModel, savedModel);
    QCOMPARE(norm(loc->checkpointPrefix), prefix.isEmpty() ? std::string() : norm(resolve(prefix)));
    QCOMPARE(
        norm(loc->savedModelDir), savedModelDir.isEmpty() ? std::string() : norm(resolve(savedModelDir)));
    QCOMPARE(loc->run.has_value(), run);
    QCOMPARE(loc->input, path);

    auto artifact = openArtifact(path);
    QVERIFY2(artifact.isOk(), qPrintable(artifact.isOk() ? QString() : describe(artifact.status())));
    QCOMPARE((*artifact)->bundle != nullptr, !prefix.isEmpty());
    QCOMPARE((*artifact)->savedModel.has_value(), savedModel);
    QVERIFY(!(*artifact)->tree.nodes.empty());
}

void TestLocator::trainingRun()
{
    auto loc = locateArtifact(corpusDir() / "ckpt-tf2-a2c-3ckpts");
    QVERIFY(loc.isOk());
    QVERIFY(loc->run.has_value());
    const auto& run = *loc->run;
    QCOMPARE(run.file, corpusDir() / "ckpt-tf2-a2c-3ckpts" / "checkpoint");
    QCOMPARE(run.checkpoints.size(), size_t(3));
    const char* names[] = { "ckpt-2", "ckpt-3", "ckpt-4" };
    const double stamps[] = { 1749490773.481007, 1749493019.0083947, 1749494546.9476209 };
    for (size_t i = 0; i < 3; ++i) {
        const auto& c = run.checkpoints[i];
        QCOMPARE(c.recordedPath, std::string(names[i]));
        QCOMPARE(c.prefix, corpusDir() / "ckpt-tf2-a2c-3ckpts" / names[i]);
        QVERIFY(c.timestamp.has_value());
        QCOMPARE(*c.timestamp, stamps[i]);
        QCOMPARE(c.latest, i == 2);
        QVERIFY(c.exists);
    }
    QVERIFY(run.warnings.empty());
    QVERIFY(loc->notes.empty());
    // Any of the run's files leads to the same run.
    auto viaIndex = locateArtifact(corpusDir() / "ckpt-tf2-a2c-3ckpts" / "ckpt-2.index");
    QVERIFY(viaIndex.isOk());
    QCOMPARE(viaIndex->checkpointPrefix,
        corpusDir() / "ckpt-tf2-a2c-3ckpts" / "ckpt-2"); // what was asked for, not the newest
    QVERIFY(viaIndex->run.has_value());
    QCOMPARE(viaIndex->run->checkpoints.size(), size_t(3));
}

void TestLocator::unsupportedAndMissing_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");

    const int unsupported = int(ErrorCode::Unsupported), notFound = int(ErrorCode::NotFound);
    QTest::addRow("nonexistent path") << "does-not-exist/at/all" << notFound << "no such file";
    QTest::addRow("nonexistent prefix in a real dir")
        << "ckpt-tf2-a2c-3ckpts/ckpt-99" << notFound << "holds the checkpoints ckpt-2, ckpt-3, ckpt-4";
    QTest::addRow("nonexistent .index") << "ckpt-tf2-a2c-3ckpts/ckpt-99.index" << notFound << "ckpt-99";
    QTest::addRow("empty directory") << "@tmp/empty_dir" << notFound << "no TensorFlow checkpoint";
    QTest::addRow(".h5 file") << "@tmp/model.h5" << unsupported << "Keras";
    QTest::addRow(".keras file") << "@tmp/model.keras" << unsupported << "Keras";
    QTest::addRow("directory holding only a .h5") << "@tmp/keras_only" << unsupported << "Keras";
    QTest::addRow("unrelated file") << "@tmp/notes.txt" << unsupported << "not a TensorFlow";
    QTest::addRow("symbolic link loop") << "@tmp/loop_a" << notFound << "symbolic link that leads nowhere";
    QTest::addRow("dangling symbolic link") << "@tmp/dangling.index" << notFound << "leads nowhere";
    QTest::addRow("V1 checkpoint directory") << "tf1-legacy-v1-ckpt-vocal" << unsupported << "V1";
    QTest::addRow("V1 checkpoint file") << "tf1-legacy-v1-ckpt-vocal/model.ckpt" << unsupported << "V1";
    QTest::addRow("V1 .meta") << "tf1-legacy-v1-ckpt-vocal/model.ckpt.meta" << unsupported << "V1";
    QTest::addRow("V1 state file") << "tf1-legacy-v1-ckpt-vocal/checkpoint" << unsupported << "V1";
    QTest::addRow("bad_half_plus_two directory (absolute state paths)")
        << "odd-bad-half-plus-two" << unsupported << "V1";
    QTest::addRow("bad_half_plus_two export file") << "odd-bad-half-plus-two/export" << unsupported << "V1";
    QTest::addRow("bad_half_plus_two export.meta")
        << "odd-bad-half-plus-two/export.meta" << unsupported << "V1";
    QTest::addRow("bad_half_plus_two state file")
        << "odd-bad-half-plus-two/checkpoint" << unsupported << "V1";
    QTest::addRow("SessionBundle export directory") << "@tmp/sessionbundle" << unsupported << "V1";
    QTest::addRow("SessionBundle export shard")
        << "@tmp/sessionbundle/export-00000-of-00001" << unsupported << "V1";
    QTest::addRow("SessionBundle export.meta") << "@tmp/sessionbundle/export.meta" << unsupported << "V1";
    QTest::addRow("LFS module directory") << "odd-lfs-pointer-hub-module" << unsupported << "LFS";
    QTest::addRow("LFS saved_model.pb")
        << "odd-lfs-pointer-hub-module/saved_model.pb" << unsupported << "LFS";
    QTest::addRow("LFS variables.index")
        << "odd-lfs-pointer-hub-module/variables/variables.index" << unsupported << "LFS";
    QTest::addRow("LFS data shard") << "odd-lfs-pointer-hub-module/variables/variables.data-00000-of-00001"
                                    << unsupported << "LFS";
    QTest::addRow("LFS variables/ directory")
        << "odd-lfs-pointer-hub-module/variables" << unsupported << "LFS";
}

void TestLocator::unsupportedAndMissing()
{
    QFETCH(QString, input);
    QFETCH(int, code);
    QFETCH(QString, needle);
    auto artifact = openArtifact(resolve(input));
    QVERIFY(!artifact.isOk());
    IOTEST_COMPARE_CODE(artifact.status().code(), static_cast<ErrorCode>(code));
    QVERIFY2(contains(artifact.status().toString(), needle.toStdString()),
        qPrintable(describe(artifact.status())));
    QVERIFY(!artifact.status().path().empty());
}

// A SavedModel's variables/ (or variables.index, or a shard) opens as its checkpoint and says whose it is.
void TestLocator::savedModelVariablesOpenedAlone()
{
    const fs::path sm
        = fs::path(TSCOPE_FIXTURES_DIR) / "tf215" / "sm_keras_sequential_export" / "saved_model";
    if (!fs::exists(sm)) QSKIP("fixture missing");
    for (const fs::path& input : { sm / "variables", sm / "variables" / "variables.index",
             sm / "variables" / "variables.data-00000-of-00001" }) {
        auto a = openArtifact(input);
        if (!a) QFAIL(a.status().toString().c_str());
        QCOMPARE((*a)->location.kind, ArtifactKind::Checkpoint);
        QCOMPARE((*a)->location.enclosingSavedModel, sm);
        int notes = 0;
        for (const auto& w : (*a)->warnings)
            notes += w.code() == ErrorCode::Note && contains(w.message(), "variables of a SavedModel");
        QCOMPARE(notes, 1);
    }
    auto whole = openArtifact(sm);
    if (!whole) QFAIL(whole.status().toString().c_str());
    QVERIFY((*whole)->location.enclosingSavedModel.empty());
    for (const auto& w : (*whole)->warnings)
        QVERIFY(!contains(w.message(), "variables of a SavedModel"));
}

// The corpus's SessionBundle export written with V2 files keeps opening as a checkpoint.
void TestLocator::sessionBundleV2ExportStillOpens()
{
    auto a = openArtifact(corpusDir() / "sessionbundle-v2-export-ckpt");
    if (!a) QFAIL(a.status().toString().c_str());
    QCOMPARE((*a)->location.kind, ArtifactKind::Checkpoint);
    QCOMPARE((*a)->location.checkpointPrefix.filename().string(), std::string("export"));
}

void TestLocator::lfsPointerModuleLocatesButDoesNotOpen()
{
    // The directory looks like a SavedModel, so it is located as one; reading it finds the pointer.
    auto loc = locateArtifact(corpusDir() / "odd-lfs-pointer-hub-module");
    QVERIFY(loc.isOk());
    QVERIFY(loc->kind == ArtifactKind::SavedModel);
    QVERIFY(tscope::io::isGitLfsPointer(corpusDir() / "odd-lfs-pointer-hub-module" / "saved_model.pb"));
    QVERIFY(!tscope::io::isGitLfsPointer(corpusDir() / "tfserving-counter-tf1" / "saved_model.pb"));
    auto sm = tscope::io::readSavedModel(corpusDir() / "odd-lfs-pointer-hub-module");
    QVERIFY(!sm.isOk());
    IOTEST_COMPARE_CODE(sm.status().code(), ErrorCode::Unsupported);
    QVERIFY(contains(sm.status().message(), "git lfs pull"));
}

void TestLocator::versionedServingDirectory()
{
    const auto base = tmp() / "serving";
    fs::create_directories(base);
    fs::create_directory_symlink(corpusDir() / "tf23-keras-linear-nometa", base / "1");
    fs::create_directory_symlink(corpusDir() / "tfserving-counter-tf1", base / "9");
    fs::create_directory_symlink(corpusDir() / "keras-tf211-tiny-fp", base / "10");
    fs::create_directories(base / "tmp-not-a-model");
    for (const auto& input : { base, fs::path(base.string() + "/") }) {
        auto loc = locateArtifact(input);
        QVERIFY2(loc.isOk(), qPrintable(loc.isOk() ? QString() : describe(loc.status())));
        QVERIFY(loc->kind == ArtifactKind::SavedModel);
        QCOMPARE(loc->savedModelDir, base / "10"); // numbers compared as numbers
        QCOMPARE(loc->checkpointPrefix, base / "10" / "variables" / "variables");
        QCOMPARE(loc->notes.size(), size_t(1));
        QVERIFY(contains(loc->notes[0].message(), "10"));
        QCOMPARE(loc->notes[0].code(), ErrorCode::Note);
        auto artifact = openArtifact(input);
        QVERIFY(artifact.isOk());
        QVERIFY((*artifact)->bundle);
        QCOMPARE((*artifact)->tensorflowVersion, std::string("2.11.0"));
    }
    // A single version: no note.
    const auto one = tmp() / "serving_one";
    fs::create_directories(one);
    fs::create_directory_symlink(corpusDir() / "tf23-keras-linear-nometa", one / "1");
    auto loc = locateArtifact(one);
    QVERIFY(loc.isOk());
    QCOMPARE(loc->savedModelDir, one / "1");
    QVERIFY(loc->notes.empty());
}

void TestLocator::severalCheckpointsWithoutStateFile()
{
    const auto dir = tmp() / "no_state";
    fs::create_directories(dir);
    const auto src = corpusDir() / "ckpt-tf2-a2c-3ckpts";
    for (const char* ext : { ".index", ".data-00000-of-00001" }) {
        fs::create_symlink(src / (std::string("ckpt-3") + ext), dir / (std::string("model-9") + ext));
        fs::create_symlink(src / (std::string("ckpt-4") + ext), dir / (std::string("model-10") + ext));
    }
    auto loc = locateArtifact(dir);
    QVERIFY2(loc.isOk(), qPrintable(loc.isOk() ? QString() : describe(loc.status())));
    QCOMPARE(loc->checkpointPrefix, dir / "model-10");
    QVERIFY(!loc->run.has_value());
    QCOMPARE(loc->notes.size(), size_t(1));
    QVERIFY(contains(loc->notes[0].message(), "2 checkpoints"));
    QCOMPARE(loc->notes[0].code(), ErrorCode::Note);
}

void TestLocator::stateFileNamesMissingLatest()
{
    const auto dir = tmp() / "missing_latest";
    fs::create_directories(dir);
    const auto src = corpusDir() / "ckpt-tf2-a2c-3ckpts";
    for (const char* name : { "ckpt-2", "ckpt-3" })
        for (const char* ext : { ".index", ".data-00000-of-00001" })
            fs::create_symlink(src / (std::string(name) + ext), dir / (std::string(name) + ext));
    fs::copy_file(src / "checkpoint", dir / "checkpoint");
    auto loc = locateArtifact(dir);
    QVERIFY2(loc.isOk(), qPrintable(loc.isOk() ? QString() : describe(loc.status())));
    QCOMPARE(loc->checkpointPrefix, dir / "ckpt-3");
    QVERIFY(loc->run.has_value());
    QVERIFY(!loc->run->checkpoints.back().exists);
    bool noted = false;
    for (const auto& n : loc->notes)
        noted = noted
            || (contains(n.message(), "latest checkpoint is missing") && n.code() == ErrorCode::NotFound);
    QVERIFY(noted);

    // None exists: NotFound naming the latest.
    const auto none = tmp() / "none_exist";
    fs::create_directories(none);
    fs::copy_file(src / "checkpoint", none / "checkpoint");
    auto missing = locateArtifact(none / "checkpoint");
    QVERIFY(!missing.isOk());
    IOTEST_COMPARE_CODE(missing.status().code(), ErrorCode::NotFound);
    QVERIFY(contains(missing.status().message(), "ckpt-4"));
}

void TestLocator::stateFileWarningsAppearOnce_data()
{
    QTest::addColumn<QString>("opened"); // relative to the run directory; empty = the directory itself
    QTest::newRow("directory") << "";
    QTest::newRow("state file") << "checkpoint";
    QTest::newRow("prefix") << "ckpt-3";
    QTest::newRow("index") << "ckpt-3.index";
}

// The state file's warnings reach Artifact::warnings exactly once, whichever path form opened the run.
void TestLocator::stateFileWarningsAppearOnce()
{
    QFETCH(QString, opened);
    const auto dir = tmp() / "state_warning_once";
    const auto src = corpusDir() / "ckpt-tf2-a2c-3ckpts";
    if (!fs::exists(dir)) {
        fs::create_directories(dir);
        for (const char* ext : { ".index", ".data-00000-of-00001" })
            fs::create_symlink(src / (std::string("ckpt-3") + ext), dir / (std::string("ckpt-3") + ext));
        // Written on another machine: the absolute path falls back to the same name here, with a warning.
        QVERIFY(writeFile(dir / "checkpoint",
            "model_checkpoint_path: \"/elsewhere/run/ckpt-3\"\n"
            "all_model_checkpoint_paths: \"/elsewhere/run/ckpt-3\"\n"));
    }
    auto state = tscope::io::readCheckpointState(dir / "checkpoint");
    QVERIFY(state.isOk());
    QCOMPARE(state->warnings.size(), size_t(1));
    const std::string warning = state->warnings.front().message();

    auto artifact = openArtifact(opened.isEmpty() ? dir : dir / opened.toStdString());
    QVERIFY2(artifact.isOk(), qPrintable(artifact.isOk() ? QString() : describe(artifact.status())));
    QVERIFY((*artifact)->location.run.has_value());
    int seen = 0;
    for (const auto& w : (*artifact)->warnings)
        seen += w.message() == warning ? 1 : 0;
    QCOMPARE(seen, 1);
}

void TestLocator::naturalLess_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("less");
    QTest::addRow("ckpt-9 < ckpt-10") << "ckpt-9"
                                      << "ckpt-10" << true;
    QTest::addRow("not ckpt-10 < ckpt-9") << "ckpt-10"
                                          << "ckpt-9" << false;
    QTest::addRow("ckpt-2 < ckpt-10") << "ckpt-2"
                                      << "ckpt-10" << true;
    QTest::addRow("model.ckpt-752 < model.ckpt-1128") << "model.ckpt-752"
                                                      << "model.ckpt-1128" << true;
    QTest::addRow("leading zeros ignored") << "model.ckpt-0009"
                                           << "model.ckpt-10" << true;
    QTest::addRow("equal is not less") << "ckpt-4"
                                       << "ckpt-4" << false;
    QTest::addRow("x007 vs x7") << "x007"
                                << "x7" << false;
    QTest::addRow("x7 vs x007") << "x7"
                                << "x007" << false;
    QTest::addRow("several digit runs") << "a1b2"
                                        << "a1b10" << true;
    QTest::addRow("prefix is less") << "ckpt"
                                    << "ckpt-1" << true;
    QTest::addRow("longer is not less") << "ckpt-1"
                                        << "ckpt" << false;
    QTest::addRow("empty is less") << ""
                                   << "a" << true;
    QTest::addRow("letters compare as bytes") << "model"
                                              << "train_model" << true;
    QTest::addRow("huge numbers") << "ckpt-99999999999999999999"
                                  << "ckpt-100000000000000000000" << true;
}

void TestLocator::naturalLess()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, less);
    QCOMPARE(tscope::io::naturalLess(a.toStdString(), b.toStdString()), less);
}

void TestLocator::checkpointPrefixesIn()
{
    const auto prefixes = tscope::io::checkpointPrefixesIn(corpusDir() / "tf1-estimator-widedeep-5ckpts");
    QCOMPARE(prefixes.size(), size_t(5));
    const char* expected[]
        = { "model.ckpt-752", "model.ckpt-753", "model.ckpt-940", "model.ckpt-941", "model.ckpt-1128" };
    for (size_t i = 0; i < 5; ++i)
        QCOMPARE(prefixes[i].filename().string(), std::string(expected[i]));
    QVERIFY(tscope::io::checkpointPrefixesIn(tmp() / "empty_dir").empty());
    QVERIFY(tscope::io::checkpointPrefixesIn(tmp() / "no_such_dir").empty());
}

void TestLocator::checkpointStateRelativeAndTimestamps()
{
    const auto dir = tmp() / "state_rel";
    fs::create_directories(dir / "sub");
    QVERIFY(writeFile(dir / "a-1.index", "x"));
    QVERIFY(writeFile(dir / "sub" / "a-2.index", "x"));
    QVERIFY(writeFile(dir / "checkpoint",
        "model_checkpoint_path: \"sub/a-2\"\n"
        "all_model_checkpoint_paths: \"a-1\"\n"
        "all_model_checkpoint_paths: \"sub/a-2\"\n"
        "all_model_checkpoint_timestamps: 1700000000.5\n"
        "all_model_checkpoint_timestamps: 1700000100.25\n"
        "last_preserved_timestamp: 1699999000.0\n"));
    auto state = tscope::io::readCheckpointState(dir / "checkpoint");
    QVERIFY2(state.isOk(), qPrintable(state.isOk() ? QString() : describe(state.status())));
    QCOMPARE(state->checkpoints.size(), size_t(2));
    QCOMPARE(state->checkpoints[0].prefix, dir / "a-1");
    QCOMPARE(state->checkpoints[1].prefix, dir / "sub" / "a-2");
    QCOMPARE(state->checkpoints[0].recordedPath, std::string("a-1"));
    QCOMPARE(state->checkpoints[0].timestamp.value_or(0), 1700000000.5);
    QCOMPARE(state->checkpoints[1].timestamp.value_or(0), 1700000100.25);
    QVERIFY(!state->checkpoints[0].latest);
    QVERIFY(state->checkpoints[1].latest);
    QVERIFY(state->checkpoints[0].exists);
    QVERIFY(state->checkpoints[1].exists);

    // Only model_checkpoint_path, no timestamps; an unknown field is tolerated.
    QVERIFY(writeFile(dir / "checkpoint", "model_checkpoint_path: \"gone\"\nsome_future_field: 3\n"));
    auto single = tscope::io::readCheckpointState(dir / "checkpoint");
    QVERIFY2(single.isOk(), qPrintable(single.isOk() ? QString() : describe(single.status())));
    QCOMPARE(single->checkpoints.size(), size_t(1));
    QVERIFY(!single->checkpoints[0].timestamp.has_value());
    QVERIFY(single->checkpoints[0].latest);
    QVERIFY(!single->checkpoints[0].exists);

    // The latest missing from the list is appended as the newest.
    QVERIFY(writeFile(
        dir / "checkpoint", "model_checkpoint_path: \"sub/a-2\"\nall_model_checkpoint_paths: \"a-1\"\n"));
    auto appended = tscope::io::readCheckpointState(dir / "checkpoint");
    QVERIFY(appended.isOk());
    QCOMPARE(appended->checkpoints.size(), size_t(2));
    QVERIFY(appended->checkpoints.back().latest);
    QCOMPARE(appended->checkpoints.back().prefix, dir / "sub" / "a-2");
}

void TestLocator::checkpointStateAbsolutePaths()
{
    const auto dir = tmp() / "state_abs";
    fs::create_directories(dir);
    QVERIFY(writeFile(dir / "m-1.index", "x"));
    // An absolute path that exists is kept as is.
    const auto real = dir / "m-1";
    QVERIFY(writeFile(dir / "checkpoint", "model_checkpoint_path: \"" + real.string() + "\"\n"));
    auto kept = tscope::io::readCheckpointState(dir / "checkpoint");
    QVERIFY(kept.isOk());
    QCOMPARE(kept->checkpoints[0].prefix, real);
    QVERIFY(kept->warnings.empty());
    // An absolute path from another machine falls back to the same name next to the state file, with a
    // warning.
    QVERIFY(writeFile(dir / "checkpoint",
        "model_checkpoint_path: \"/somewhere/else/m-1\"\nall_model_checkpoint_paths: "
        "\"/somewhere/else/m-1\"\n"));
    auto moved = tscope::io::readCheckpointState(dir / "checkpoint");
    QVERIFY(moved.isOk());
    QCOMPARE(moved->checkpoints[0].prefix, real);
    QCOMPARE(moved->checkpoints[0].recordedPath, std::string("/somewhere/else/m-1"));
    QVERIFY(moved->checkpoints[0].exists);
    QCOMPARE(moved->warnings.size(), size_t(1));
    QVERIFY(contains(moved->warnings[0].message(), "/somewhere/else/m-1"));
    QCOMPARE(moved->warnings[0].code(), ErrorCode::NotFound);
    // The corpus example: absolute /tmp/... paths of a V1 export.
    auto bad = tscope::io::readCheckpointState(corpusDir() / "odd-bad-half-plus-two" / "checkpoint");
    QVERIFY(bad.isOk());
    QCOMPARE(bad->checkpoints[0].prefix, corpusDir() / "odd-bad-half-plus-two" / "export");
    QVERIFY(bad->checkpoints[0].exists);
}

void TestLocator::checkpointStateErrors_data()
{
    QTest::addColumn<QString>("content"); // "@missing" = no file
    QTest::addColumn<int>("code");
    QTest::addRow("missing file") << "@missing" << int(ErrorCode::NotFound);
    QTest::addRow("empty file") << "" << int(ErrorCode::Corrupt);
    QTest::addRow("syntax error") << "model_checkpoint_path: \"unterminated\nall_model"
                                  << int(ErrorCode::Corrupt);
    QTest::addRow("binary garbage") << QString::fromLatin1("\x01\x02\xff{{{") << int(ErrorCode::Corrupt);
    QTest::addRow("wrong type") << "all_model_checkpoint_timestamps: \"abc\"\n" << int(ErrorCode::Corrupt);
}

void TestLocator::checkpointStateErrors()
{
    QFETCH(QString, content);
    QFETCH(int, code);
    const auto dir = tmp() / ("state_err_" + std::string(QTest::currentDataTag()).substr(0, 6));
    fs::create_directories(dir);
    const auto file = dir / "checkpoint";
    fs::remove(file);
    if (content != "@missing") QVERIFY(writeFile(file, content.toStdString()));
    auto state = tscope::io::readCheckpointState(file);
    QVERIFY(!state.isOk());
    IOTEST_COMPARE_CODE(state.status().code(), static_cast<ErrorCode>(code));
    QCOMPARE(state.status().path(), file.string());
    QVERIFY(!state.status().message().empty());
}

QTEST_APPLESS_MAIN(TestLocator)
#include "tst_locator.moc"
