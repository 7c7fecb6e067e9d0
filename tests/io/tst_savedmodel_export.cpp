// Checkpoint -> SavedModel with a template, on the bundled demo: every template variable gets the
// checkpoint's value under the template's key, the template's object graph and saved_model.pb are kept
// byte for byte, nothing is written when the mapping refuses (another shape) or the export is cancelled,
// and an existing output is replaced only when asked.
#include "io/artifact.h"
#include "io/artifact_verify.h"
#include "io/atomic_file.h"
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/export/export_request.h"
#include "io/export/savedmodel_export.h"
#include "io/saved_model_fingerprint.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace tscope;
namespace fs = std::filesystem;

namespace {

const fs::path kDemo = fs::path(TSCOPE_FIXTURES_DIR) / ".." / ".." / "resources" / "demo";

std::string fileBytes(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::shared_ptr<io::BundleReader> openBundle(const fs::path& prefix)
{
    auto r = io::BundleReader::open(prefix);
    if (!r) qFatal("cannot open %s: %s", prefix.c_str(), r.status().message().c_str());
    return *r;
}

std::vector<std::byte> bytesOf(const io::BundleReader& b, const std::string& key)
{
    const auto* e = b.find(key);
    if (!e) return {};
    auto t = b.read(*e);
    if (!t || t->isString()) return {};
    return { t->bytes().begin(), t->bytes().end() };
}

} // namespace

class TestSavedModelExport : public QObject {
    Q_OBJECT

private slots:
    void demoCheckpointBecomesTheTemplatesVariables()
    {
        QTemporaryDir tmp;
        const auto ckpt = openBundle(kDemo / "training_run" / "ckpt-2");
        const auto templ = openBundle(kDemo / "saved_model" / "variables" / "variables");
        const auto plan = io::planSavedModelExport(*ckpt, *templ, {}, false);
        QVERIFY2(!plan.refused(), plan.refusalText().c_str());
        QVERIFY(plan.missing.empty());
        QVERIFY(plan.fallback.empty());
        QCOMPARE(plan.checkpointRoot, std::string("model"));
        size_t variables = 0;
        for (const auto& e : templ->entries())
            variables += io::takesPartInMapping(e) ? 1 : 0;
        QCOMPARE(plan.matched.size() + plan.kept.size(), variables);
        QVERIFY(!plan.unused.empty()); // optimizer slots, step, save_counter

        const fs::path out = fs::path(tmp.path().toStdString()) / "exported";
        io::SavedModelExportReport report;
        io::ExportOptions options;
        QVERIFY(io::writeSavedModelExport(*ckpt, *templ, kDemo / "saved_model", plan, out, options, report)
                    .isOk());
        QCOMPARE(report.tensors, static_cast<uint64_t>(variables + 1));
        QCOMPARE(fileBytes(out / "saved_model.pb"), fileBytes(kDemo / "saved_model" / "saved_model.pb"));
        QVERIFY(report.leftOut.empty());
        auto fingerprint = io::checkFingerprint(out); // written, and every field recomputes from the files
        QVERIFY(fingerprint);
        for (const auto& f : fingerprint->fields)
            QCOMPARE(int(f.verdict), int(io::FingerprintVerdict::Match));
        const auto written = openBundle(out / "variables" / "variables");
        QCOMPARE(written->entries().size(), templ->entries().size());
        for (const auto& v : plan.matched) {
            QVERIFY(written->find(v.templateKey));
            QVERIFY(bytesOf(*written, v.templateKey) == bytesOf(*ckpt, v.checkpointKey));
        }
        auto graphOut = written->read(*written->find(io::kObjectGraphKey));
        auto graphIn = templ->read(*templ->find(io::kObjectGraphKey));
        QVERIFY(graphOut && graphIn);
        QVERIFY(graphOut->stringValues() == graphIn->stringValues());
        QVERIFY(written->verify().ok);
        // No temporary directory left beside the output.
        for (const auto& e : fs::directory_iterator(tmp.path().toStdString()))
            QVERIFY(e.path().filename().string().find(io::kTempMarker) == std::string::npos);

        // The whole artifact verifies (saved_model.pb and the rest included).
        auto artifact = io::openArtifact(out);
        QVERIFY(artifact);
        io::VerifyReport vr = (*artifact)->bundle->verify();
        std::vector<io::Status> warnings;
        io::verifyArtifactParts(**artifact, vr, warnings);
        QVERIFY(vr.ok);
    }

    void anotherShapeIsRefusedAndNothingIsWritten()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const auto ckpt = openBundle(kDemo / "training_run" / "ckpt-2");
        const auto templ = openBundle(kDemo / "saved_model" / "variables" / "variables");
        const auto good = io::planSavedModelExport(*ckpt, *templ, {}, false);
        QVERIFY(!good.matched.empty());
        const std::string changed = good.matched.front().checkpointKey;
        // The same checkpoint with one matched variable one element longer (a layer of another size).
        {
            io::BundleWriter w(dir / "other");
            for (const auto& e : ckpt->entries()) {
                auto t = ckpt->read(e);
                QVERIFY(t);
                if (e.key != changed) {
                    QVERIFY(w.addTensor(e.key, *t).isOk());
                    continue;
                }
                std::vector<std::byte> bytes(t->bytes().begin(), t->bytes().end());
                bytes.resize(bytes.size() + io::dtypeInfo(e.dtype).elementSize);
                const io::Shape shape { static_cast<int64_t>(e.elementCount() + 1) };
                QVERIFY(w.add(e.key, e.dtype, shape, bytes).isOk());
            }
            QVERIFY(w.finish().isOk());
        }
        const auto other = openBundle(dir / "other");
        const auto plan = io::planSavedModelExport(*other, *templ, {}, false);
        QVERIFY(plan.refused());
        QCOMPARE(plan.mismatched.size(), size_t(1));
        QCOMPARE(plan.mismatched.front().checkpointKey, changed);
        QVERIFY(plan.refusalText().find(changed) != std::string::npos);
        io::SavedModelExportReport report;
        const fs::path out = dir / "exported";
        QVERIFY(
            !io::writeSavedModelExport(*other, *templ, kDemo / "saved_model", plan, out, {}, report).isOk());
        QVERIFY(!fs::exists(out));
    }

    void cancelLeavesNothingAndExistingOutputNeedsPermission()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const auto ckpt = openBundle(kDemo / "training_run" / "ckpt-1");
        const auto templ = openBundle(kDemo / "saved_model" / "variables" / "variables");
        const auto plan = io::planSavedModelExport(*ckpt, *templ, {}, false);
        const fs::path out = dir / "exported";
        io::CancelToken cancel;
        cancel.cancel();
        io::ExportOptions options;
        options.cancel = &cancel;
        io::SavedModelExportReport report;
        QCOMPARE(io::writeSavedModelExport(*ckpt, *templ, kDemo / "saved_model", plan, out, options, report)
                     .code(),
            io::ErrorCode::Cancelled);
        QVERIFY(!fs::exists(out));
        QVERIFY(fs::is_empty(dir));

        fs::create_directory(out);
        std::ofstream(out / "old.txt") << "old";
        io::ExportOptions plain;
        QVERIFY(!io::writeSavedModelExport(*ckpt, *templ, kDemo / "saved_model", plan, out, plain, report)
                     .isOk());
        QVERIFY(fs::exists(out / "old.txt"));
        plain.replaceExisting = true;
        QVERIFY(
            io::writeSavedModelExport(*ckpt, *templ, kDemo / "saved_model", plan, out, plain, report).isOk());
        QVERIFY(!fs::exists(out / "old.txt"));
        QVERIFY(fs::exists(out / "variables" / "variables.index"));
        QCOMPARE(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1L);
    }
};

QTEST_GUILESS_MAIN(TestSavedModelExport)
#include "tst_savedmodel_export.moc"
