// The file managers' thumbnail: the parameter count in a locale-free short form, and a dtype bar whose
// segments can be read back from the pixels as each dtype's share of the parameters.
#include "app/thumbnailer/thumbnail.h"
#include "io/artifact.h"

#include <QtTest>
#include <map>

using namespace tscope;

class TestThumbnail : public QObject {
    Q_OBJECT
private slots:
    void compactCounts()
    {
        QCOMPARE(app::compactCount(0), QStringLiteral("0"));
        QCOMPARE(app::compactCount(487), QStringLiteral("487"));
        QCOMPARE(app::compactCount(999), QStringLiteral("999"));
        QCOMPARE(app::compactCount(1000), QStringLiteral("1.0K"));
        QCOMPARE(app::compactCount(55879), QStringLiteral("55.9K"));
        QCOMPARE(app::compactCount(99949), QStringLiteral("99.9K"));
        QCOMPARE(app::compactCount(99950), QStringLiteral("100K"));
        QCOMPARE(app::compactCount(999499), QStringLiteral("999K"));
        QCOMPARE(app::compactCount(999500), QStringLiteral("1.0M"));
        QCOMPARE(app::compactCount(123456789), QStringLiteral("123M"));
        QCOMPARE(app::compactCount(7'000'000'000ULL), QStringLiteral("7.0B"));
    }

    void barSegmentsAreTheDtypeShares_data()
    {
        QTest::addColumn<QString>("artifact");
        QTest::addColumn<int>("size");
        // Floats, 64-bit integers and strings (lookup tables); a TF2 checkpoint; a TF1 run.
        QTest::newRow("mixed-256") << QStringLiteral("keras-tf25dev-pet-string-tables") << 256;
        QTest::newRow("mixed-128") << QStringLiteral("keras-tf25dev-pet-string-tables") << 128;
        QTest::newRow("tf2-ckpt") << QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-4.index") << 256;
        QTest::newRow("tf1-run") << QStringLiteral("tf1-estimator-widedeep-5ckpts/checkpoint") << 128;
    }

    void barSegmentsAreTheDtypeShares()
    {
        QFETCH(QString, artifact);
        QFETCH(int, size);
        auto opened = io::openArtifact((QStringLiteral(TSCOPE_CORPUS_DIR "/") + artifact).toStdString());
        QVERIFY(opened);
        const auto facts = app::thumbnailFacts(**opened);
        QVERIFY(facts.parameters > 0);
        const QImage image = app::paintThumbnail(facts, size);
        QCOMPARE(image.size(), QSize(size, size));
        QCOMPARE(qAlpha(image.pixel(0, 0)), 0); // transparent around the card
        QCOMPARE(qAlpha(image.pixel(size / 2, size / 2)), 255);

        // Pixels of each family's colour along the bar's middle row, against the parameters it should show.
        std::map<QRgb, quint64> expectedParams;
        for (const auto& d : facts.byDtype)
            expectedParams[app::dtypeColor(d.dtype).rgb()] += d.parameters;
        std::map<QRgb, int> pixels;
        const int y = app::thumbnailBarTop(size) + app::thumbnailBarHeight(size) / 2;
        const int left = app::thumbnailBarLeft(size), width = app::thumbnailBarWidth(size);
        for (int x = left; x < left + width; ++x)
            ++pixels[image.pixel(x, y) | 0xff000000u];
        for (const auto& [colour, params] : expectedParams) {
            const double wanted = double(width) * double(params) / double(facts.parameters);
            // Segment edges are whole pixels: each segment may lose or gain one at either end.
            QVERIFY2(std::abs(pixels[colour] - wanted) <= 2.0,
                qPrintable(QStringLiteral("colour %1: %2 px for %3 px")
                               .arg(colour, 0, 16)
                               .arg(pixels[colour])
                               .arg(wanted)));
        }
    }
};

QTEST_MAIN(TestThumbnail)
#include "tst_thumbnail.moc"
