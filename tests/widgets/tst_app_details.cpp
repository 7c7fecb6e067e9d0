// Small window details from the GUI review: the About text names every version it should (defect 19),
// recent artifacts are told apart by their folder (defect 18).
#include "app/gui/about_text.h"
#include "tscope_version.h"
#include "widgets/start_page.h"

#include <QListWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <google/protobuf/stubs/common.h>
#include <leveldb/db.h>

using namespace tscope;

class TestAppDetails : public QObject {
    Q_OBJECT
private slots:
    void aboutNamesVersionsLicenceAndDocs()
    {
        const QString text = app::aboutHtml();
        QVERIFY(text.contains(QStringLiteral("Tensorscope ") + QLatin1String(kTensorscopeVersion)));
        QVERIFY(text.contains(QString::fromLatin1(qVersion())));
        const int pb = GOOGLE_PROTOBUF_VERSION; // e.g. 3021012 = 3.21.12
        QVERIFY2(
            text.contains(QStringLiteral("%1.%2.%3").arg(pb / 1000000).arg(pb / 1000 % 1000).arg(pb % 1000)),
            qPrintable(text));
        QVERIFY(
            text.contains(QStringLiteral("%1.%2").arg(leveldb::kMajorVersion).arg(leveldb::kMinorVersion)));
        QVERIFY(text.contains(QStringLiteral("MIT")));
        QVERIFY(text.contains(QStringLiteral("href=\"") + QLatin1String(app::kDocsUrl)));
    }

    void recentEntriesShowTheirFolder()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("heart_model")));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("pets")));
        const QString a = dir.filePath(QStringLiteral("heart_model/saved_model.pb"));
        const QString b = dir.filePath(QStringLiteral("pets/saved_model.pb"));
        for (const auto& p : { a, b }) {
            QFile f(p);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        QCOMPARE(ui::StartPage::recentTitle(a), QStringLiteral("heart_model/saved_model.pb"));
        QCOMPARE(ui::StartPage::recentTitle(dir.filePath(QStringLiteral("pets"))), QStringLiteral("pets"));
        ui::StartPage page;
        page.setRecent({ a, b });
        QCOMPARE(page.recentList()->count(), 2);
        QVERIFY(page.recentList()->item(0)->text() != page.recentList()->item(1)->text());
        QVERIFY(page.recentList()->item(0)->text().startsWith(
            QStringLiteral("heart_model/saved_model.pb   —   ")));
    }
};

QTEST_MAIN(TestAppDetails)
#include "tst_app_details.moc"
