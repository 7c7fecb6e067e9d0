// model::judgeFit on a mapping made in either direction gives `check`'s verdict (model::checkFit): the
// compare window judges the diff plan's A->B mapping, also when A is the target (a SavedModel), and must
// say what `tensorscope-cli check CKPT TARGET` says. Generated cases cmp_variants (tf215, tfcur).
#include "io/artifact.h"
#include "model/compare/checkpoint_fit.h"

#include <QtTest>
#include <algorithm>
#include <filesystem>
#include <tuple>

using namespace tscope;

namespace {

std::shared_ptr<io::Artifact> open(const std::filesystem::path& path)
{
    auto a = io::openArtifact(path);
    return a ? *a : nullptr;
}

// Index-level equality: the same entries missing, unexpected and mismatched (checkpoint, target, what).
bool sameVerdict(const model::FitVerdict& l, const model::FitVerdict& r)
{
    if (l.missing != r.missing || l.optionalMissing != r.optionalMissing || l.unexpected != r.unexpected
        || l.targetVariables != r.targetVariables || l.mismatched.size() != r.mismatched.size())
        return false;
    auto key
        = [](const model::FitMismatch& m) { return std::tuple(m.match.a, m.match.b, std::string(m.what)); };
    std::vector<std::tuple<int, int, std::string>> a, b;
    for (const auto& m : l.mismatched)
        a.push_back(key(m));
    for (const auto& m : r.mismatched)
        b.push_back(key(m));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

} // namespace

class TestCheckpointFit : public QObject {
    Q_OBJECT
private slots:
    void judgingEitherDirectionGivesChecksVerdict_data();
    void judgingEitherDirectionGivesChecksVerdict();
};

void TestCheckpointFit::judgingEitherDirectionGivesChecksVerdict_data()
{
    QTest::addColumn<QString>("ckpt");
    QTest::addColumn<QString>("target");
    for (const char* tag : { "tf215", "tfcur" })
        for (const char* variant : { "lost_layer", "reshaped", "with_optimizer", "renamed", "copy" }) {
            const std::string dir = std::string(TSCOPE_FIXTURES_DIR) + "/" + tag + "/cmp_variants/";
            QTest::addRow("%s/%s-vs-saved_model", tag, variant) << QString::fromStdString(
                dir + variant + "/ckpt") << QString::fromStdString(dir + "saved_model");
            QTest::addRow("%s/%s-vs-base", tag, variant) << QString::fromStdString(dir + variant + "/ckpt")
                                                         << QString::fromStdString(dir + "base/ckpt");
        }
}

void TestCheckpointFit::judgingEitherDirectionGivesChecksVerdict()
{
    QFETCH(QString, ckpt);
    QFETCH(QString, target);
    auto present = [](const QString& p) {
        return std::filesystem::exists(p.toStdString())
            || std::filesystem::exists(p.toStdString() + ".index");
    };
    if (!present(ckpt) || !present(target)) QSKIP("fixture cmp_variants not generated");
    auto c = open(ckpt.toStdString());
    auto t = open(target.toStdString());
    QVERIFY(c && t && c->bundle && t->bundle);
    const model::FitReport check = model::checkFit(*c, *t);
    // The compare window's two layouts: checkpoint as A (mapped A->B), and target as A (mapped target->ckpt).
    const auto forward
        = model::judgeFit(*c, *t, io::mapVariables(*c->bundle, *t->bundle), model::CheckpointSide::A);
    const auto reversed
        = model::judgeFit(*c, *t, io::mapVariables(*t->bundle, *c->bundle), model::CheckpointSide::B);
    QVERIFY(sameVerdict(check, forward));
    QVERIFY(sameVerdict(check, reversed));
    QCOMPARE(reversed.fits(), check.fits());
}

QTEST_MAIN(TestCheckpointFit)
#include "tst_checkpoint_fit.moc"
