// File > Export…: "Flush to disk before finishing" is off by default (exports end when the bytes are in the
// page cache, as the CLI without --sync), gives io::Durability::Durable when checked, and is remembered in
// the settings once an export is confirmed (not when the dialog is cancelled).
#include "app/gui/export_dialog.h"
#include "app/gui/settings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QtTest>
#include <filesystem>

using namespace tscope;

namespace {

QCheckBox* syncBox(const QDialog& dialog)
{
    for (auto* box : dialog.findChildren<QCheckBox*>())
        if (box->text().startsWith(QLatin1String("Flush to disk"))) return box;
    return nullptr;
}

} // namespace

class TestExportDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // the user's settings stay untouched
    void flushToDiskIsOffByDefaultAndRemembered();
};

void TestExportDialog::flushToDiskIsOffByDefaultAndRemembered()
{
    const std::string prefix = TSCOPE_FIXTURES_DIR "/tfcur/ckpt_dtypes_object/ckpt/dtypes";
    if (!std::filesystem::exists(prefix + ".index")) QSKIP("fixture ckpt_dtypes_object not generated");
    auto opened = io::openArtifact(prefix);
    QVERIFY(opened);
    std::shared_ptr<const io::Artifact> artifact = *opened;
    app::Settings().setExportSyncToDisk(false);
    {
        app::ExportDialog dialog(artifact, QString());
        QCheckBox* sync = syncBox(dialog);
        QVERIFY(sync);
        QVERIFY(!sync->isChecked());
        QVERIFY(dialog.durability() == io::Durability::Renamed);
        sync->setChecked(true);
        QVERIFY(dialog.durability() == io::Durability::Durable);
        dialog.reject(); // cancelled: nothing remembered
    }
    QVERIFY(!app::Settings().exportSyncToDisk());
    {
        app::ExportDialog dialog(artifact, QString());
        syncBox(dialog)->setChecked(true);
        QPushButton* exportButton = nullptr;
        for (auto* b : dialog.findChildren<QPushButton*>())
            if (b->text() == QLatin1String("Export")) exportButton = b;
        QVERIFY(exportButton && exportButton->isEnabled());
        exportButton->click();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }
    QVERIFY(app::Settings().exportSyncToDisk());
    {
        app::ExportDialog dialog(artifact, QString());
        QVERIFY(syncBox(dialog)->isChecked());
        QVERIFY(dialog.durability() == io::Durability::Durable);
    }
    app::Settings().setExportSyncToDisk(false);
}

QTEST_MAIN(TestExportDialog)
#include "tst_export_dialog.moc"
