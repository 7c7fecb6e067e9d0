// fingerprint.pb recomputed from the files: every hash TensorFlow wrote in the generated fixtures (TF 2.15
// and the current TF) and in the corpus (TF 2.11 to 2.17) is reproduced exactly; a changed saved_model.pb or
// variables.index is a mismatch that verify reports as damage naming the file and field; a damaged
// fingerprint.pb is a clear Corrupt problem; unknown fields are accepted; fields we cannot re-serialize are
// reported as not recomputable with the reason.
#include "io/artifact.h"
#include "io/artifact_verify.h"
#include "io/saved_model_fingerprint.h"
#include "io_test_util.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

using namespace tscope;
namespace fs = std::filesystem;
using iotest::readFile;
using iotest::writeFile;

namespace {

const fs::path kFixtures = fs::path(TSCOPE_FIXTURES_DIR);

// Every SavedModel directory of the generated fixtures that holds a fingerprint.pb.
std::vector<fs::path> fixtureSavedModels()
{
    std::vector<fs::path> dirs;
    for (const char* tf : { "tf215", "tfcur" }) {
        std::error_code ec;
        for (const auto& c : fs::directory_iterator(kFixtures / tf, ec))
            for (const auto& e : fs::recursive_directory_iterator(c.path(), ec))
                if (e.path().filename() == "fingerprint.pb") dirs.push_back(e.path().parent_path());
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

std::vector<fs::path> corpusSavedModels()
{
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(iotest::corpusDir(), ec))
        if (e.path().filename() == "fingerprint.pb") dirs.push_back(e.path().parent_path());
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

// A copy of the smallest fixture SavedModel to damage.
fs::path copySavedModel(const QTemporaryDir& tmp)
{
    const fs::path src = kFixtures / "tf215" / "sm_keras_sequential_export" / "saved_model";
    const fs::path dst = fs::path(tmp.path().toStdString()) / "sm";
    fs::copy(src, dst, fs::copy_options::recursive);
    return dst;
}

void verifyAllMatch(const fs::path& dir)
{
    auto check = io::checkFingerprint(dir);
    if (!check) QFAIL((dir.string() + ": " + check.status().toString()).c_str());
    QCOMPARE(check->fields.size(), io::kFingerprintFieldCount);
    for (const auto& f : check->fields)
        QVERIFY2(f.verdict == io::FingerprintVerdict::Match,
            (dir.string() + ": " + io::fingerprintFieldText(f)).c_str());
}

io::VerifyReport verifyParts(const fs::path& dir, std::vector<io::Status>& warnings)
{
    io::VerifyReport report;
    auto artifact = io::openArtifact(dir);
    if (!artifact) {
        report.ok = false;
        report.problems.push_back(artifact.status());
        return report;
    }
    io::verifyArtifactParts(**artifact, report, warnings);
    return report;
}

bool anyProblemNames(const io::VerifyReport& report, const std::string& file, const std::string& field)
{
    for (const auto& p : report.problems)
        if (p.path().ends_with(file) && p.message().find(field) != std::string::npos) return true;
    return false;
}

} // namespace

class TestSavedModelFingerprint : public QObject {
    Q_OBJECT

private slots:
    void everyFixtureFingerprintIsReproduced_data()
    {
        QTest::addColumn<QString>("dir");
        const auto dirs = fixtureSavedModels();
        QVERIFY(dirs.size() >= 10); // both TensorFlow versions write several
        for (const auto& d : dirs)
            QTest::newRow(fs::relative(d, kFixtures).c_str()) << QString::fromStdString(d.string());
    }
    void everyFixtureFingerprintIsReproduced()
    {
        QFETCH(QString, dir);
        verifyAllMatch(dir.toStdString());
    }

    void everyCorpusFingerprintIsReproduced()
    {
        const auto dirs = corpusSavedModels();
        if (dirs.empty()) QSKIP("no corpus SavedModel with fingerprint.pb");
        for (const auto& d : dirs)
            verifyAllMatch(d);
    }

    // TensorFlow 2.11 (producer 0) stored graph_def_checksum in field 1 and hashed signatures without keys.
    void olderFormulasAreRecognised()
    {
        const fs::path dir = iotest::corpusDir() / "keras-tf211-tiny-fp";
        if (!fs::exists(dir / "fingerprint.pb")) QSKIP("corpus artifact keras-tf211-tiny-fp absent");
        auto check = io::checkFingerprint(dir);
        QVERIFY(check);
        QCOMPARE(check->record.producer, int64_t(0));
        QVERIFY((*check)[io::FingerprintField::SavedModelChecksum].note.find("2.11") != std::string::npos);
        QVERIFY((*check)[io::FingerprintField::SignatureDefHash].note.find("keys not hashed")
            != std::string::npos);
    }

    // What TensorFlow 2.15 wrote (producer 1, no uuid) is what an exporter gets, byte for byte.
    void fileContentEqualsTensorFlowsFile()
    {
        int compared = 0;
        for (const auto& d : fixtureSavedModels()) {
            auto record = io::readFingerprintFile(d / "fingerprint.pb");
            QVERIFY(record);
            auto content = io::fingerprintFileContent(d);
            if (!content) QFAIL(content.status().toString().c_str());
            if (record->producer == 1 && record->uuid.empty()) {
                QCOMPARE(*content, readFile(d / "fingerprint.pb"));
                ++compared;
            }
        }
        QVERIFY(compared >= 5);
    }

    void aChangedSavedModelIsDamage()
    {
        QTemporaryDir tmp;
        const fs::path dir = copySavedModel(tmp);
        std::string bytes = readFile(dir / "saved_model.pb");
        // One bit of a signature name: the proto still parses, only the hashes can tell.
        const size_t at = bytes.find("serving_default");
        QVERIFY(at != std::string::npos);
        bytes[at + 3] ^= 0x01;
        QVERIFY(writeFile(dir / "saved_model.pb", bytes));

        auto check = io::checkFingerprint(dir);
        QVERIFY(check);
        QCOMPARE(int((*check)[io::FingerprintField::SavedModelChecksum].verdict),
            int(io::FingerprintVerdict::Mismatch));
        QCOMPARE(
            int((*check)[io::FingerprintField::CheckpointHash].verdict), int(io::FingerprintVerdict::Match));

        std::vector<io::Status> warnings;
        const auto report = verifyParts(dir, warnings);
        QVERIFY(!report.ok);
        QVERIFY(anyProblemNames(report, "saved_model.pb", "saved_model_checksum"));
        for (const auto& p : report.problems)
            QCOMPARE(int(p.code()), int(io::ErrorCode::ChecksumMismatch));
    }

    void aChangedIndexIsACheckpointHashMismatch()
    {
        QTemporaryDir tmp;
        const fs::path dir = copySavedModel(tmp);
        std::string index = readFile(dir / "variables" / "variables.index");
        index.push_back('\0'); // after the footer: the table reader never looks there
        QVERIFY(writeFile(dir / "variables" / "variables.index", index));
        auto check = io::checkFingerprint(dir);
        QVERIFY(check);
        QCOMPARE(int((*check)[io::FingerprintField::CheckpointHash].verdict),
            int(io::FingerprintVerdict::Mismatch));
        QCOMPARE(int((*check)[io::FingerprintField::SavedModelChecksum].verdict),
            int(io::FingerprintVerdict::Match));
    }

    void aDamagedFingerprintFileIsAClearProblem()
    {
        QTemporaryDir tmp;
        const fs::path dir = copySavedModel(tmp);
        QVERIFY(writeFile(dir / "fingerprint.pb", std::string("\x08\xff\xff", 3))); // varint cut short
        auto record = io::readFingerprintFile(dir / "fingerprint.pb");
        QVERIFY(!record);
        QCOMPARE(int(record.status().code()), int(io::ErrorCode::Corrupt));
        QVERIFY(record.status().message().find("fingerprint.pb") != std::string::npos);

        std::vector<io::Status> warnings;
        const auto report = verifyParts(dir, warnings);
        QVERIFY(!report.ok);
        QVERIFY(anyProblemNames(report, "fingerprint.pb", "not a valid FingerprintDef"));
    }

    void aFingerprintThatIsADirectoryIsAProblem()
    {
        QTemporaryDir tmp;
        const fs::path dir = copySavedModel(tmp);
        fs::remove(dir / "fingerprint.pb");
        fs::create_directory(dir / "fingerprint.pb");
        std::vector<io::Status> warnings;
        const auto report = verifyParts(dir, warnings);
        QVERIFY(!report.ok);
        QVERIFY(anyProblemNames(report, "fingerprint.pb", ""));
    }

    void unknownFingerprintFieldsAreAccepted()
    {
        QTemporaryDir tmp;
        const fs::path dir = copySavedModel(tmp);
        // Field 100, varint 1: what a newer TensorFlow might add.
        QVERIFY(writeFile(
            dir / "fingerprint.pb", readFile(dir / "fingerprint.pb") + std::string("\xa0\x06\x01", 3)));
        auto check = io::checkFingerprint(dir);
        QVERIFY(check);
        QVERIFY(check->record.hasUnknownFields);
        for (const auto& f : check->fields)
            QCOMPARE(int(f.verdict), int(io::FingerprintVerdict::Match));
        std::vector<io::Status> warnings;
        QVERIFY(verifyParts(dir, warnings).ok);
    }

    // A fingerprint written by a newer TensorFlow (a version producer we have not seen) may use other
    // formulas: a difference is reported as not checked, with the reason, never as damage.
    void aNewerFingerprintVersionIsNotDamage()
    {
        QTemporaryDir tmp;
        const fs::path dir = copySavedModel(tmp);
        // Field 6 (version) again with producer 99: protobuf merges it into the recorded version.
        QVERIFY(writeFile(
            dir / "fingerprint.pb", readFile(dir / "fingerprint.pb") + std::string("\x32\x02\x08\x63", 4)));
        std::string bytes = readFile(dir / "saved_model.pb");
        const size_t at = bytes.find("serving_default");
        QVERIFY(at != std::string::npos);
        bytes[at + 3] ^= 0x01;
        QVERIFY(writeFile(dir / "saved_model.pb", bytes));

        auto check = io::checkFingerprint(dir);
        QVERIFY(check);
        QCOMPARE(check->record.producer, int64_t(99));
        const auto& checksum = (*check)[io::FingerprintField::SavedModelChecksum];
        QCOMPARE(int(checksum.verdict), int(io::FingerprintVerdict::NotRecomputable));
        QVERIFY(checksum.note.find("newer") != std::string::npos);
        std::vector<io::Status> warnings;
        QVERIFY(verifyParts(dir, warnings).ok);
    }

    // Fields our schema does not know would be re-serialized in another order than TensorFlow's: the
    // checksum over the whole file is then not recomputable (and says so), the other hashes still are.
    void unknownSavedModelFieldsMakeTheChecksumNotRecomputable()
    {
        QTemporaryDir tmp;
        const fs::path dir = copySavedModel(tmp);
        QVERIFY(writeFile(
            dir / "saved_model.pb", readFile(dir / "saved_model.pb") + std::string("\xa0\x06\x01", 3)));
        auto check = io::checkFingerprint(dir);
        QVERIFY(check);
        const auto& checksum = (*check)[io::FingerprintField::SavedModelChecksum];
        QCOMPARE(int(checksum.verdict), int(io::FingerprintVerdict::NotRecomputable));
        QVERIFY(checksum.note.find("does not know") != std::string::npos);
        QCOMPARE(int((*check)[io::FingerprintField::GraphDefProgramHash].verdict),
            int(io::FingerprintVerdict::Match));

        std::vector<io::Status> warnings;
        const auto report = verifyParts(dir, warnings);
        QVERIFY(report.ok);
        bool said = false;
        for (const auto& w : warnings)
            said = said || w.message().find("saved_model_checksum not checked") != std::string::npos;
        QVERIFY(said);
        auto content = io::fingerprintFileContent(dir);
        QVERIFY(!content); // an exporter must not write a fingerprint it cannot compute exactly
    }

    // TensorFlow writes 0 when it cannot read variables.index.
    void noIndexHashesToZero()
    {
        QTemporaryDir tmp;
        const fs::path dir = copySavedModel(tmp);
        fs::remove_all(dir / "variables");
        auto computed = io::computeFingerprint(dir);
        QVERIFY(computed);
        QCOMPARE(*(*computed)[io::FingerprintField::CheckpointHash], uint64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestSavedModelFingerprint)
#include "tst_saved_model_fingerprint.moc"
