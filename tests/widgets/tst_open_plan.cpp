// Files opened together become artifacts the way a person means them: an .index and its own data shard,
// or a training run's `checkpoint` file and its latest checkpoint, are one artifact; windows follow.
#include "app/gui/main_window.h"
#include "app/gui/open_plan.h"
#include "app/gui/window_opener.h"
#include "model/session/artifact_session.h"
#include "widgets/start_page.h"

#include <QApplication>
#include <QStackedWidget>
#include <QtTest>

using namespace tscope;

namespace {
QString corpus(const QString& rel)
{
    return QStringLiteral(TSCOPE_CORPUS_DIR "/") + rel;
}

QList<app::MainWindow*> mainWindows()
{
    QList<app::MainWindow*> out;
    for (QWidget* w : QApplication::topLevelWidgets())
        if (auto* m = qobject_cast<app::MainWindow*>(w); m && m->isVisible()) out.append(m);
    return out;
}
} // namespace

class TestOpenPlan : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // keep the user's recent files and layout untouched
        QCoreApplication::setOrganizationName(QStringLiteral("TensorscopeTest"));
    }

    void cleanup()
    {
        for (auto* w : mainWindows())
            w->close(); // WindowOpener's windows delete themselves on close
        QTRY_VERIFY(mainWindows().isEmpty());
    }

    void indexAndItsShardAreOneArtifact()
    {
        const QString index = corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-3.index"));
        const QString shard = corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-3.data-00000-of-00001"));
        const auto plan = app::planOpening({ shard, index });
        QCOMPARE(plan.size(), size_t(1));
        QCOMPARE(plan[0].path, shard); // the first file given is what opens
        QCOMPARE(plan[0].files, (QStringList { shard, index }));
    }

    void stateFileIsTheRunsLatestCheckpoint()
    {
        // `checkpoint` names ckpt-4 as the latest: both name the same artifact; ckpt-2 is another.
        const QString state = corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/checkpoint"));
        const QString latest = corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-4.index"));
        const QString older = corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-2.index"));
        QCOMPARE(app::artifactIdentity(state), app::artifactIdentity(latest));
        QCOMPARE(app::planOpening({ state, latest, older }).size(), size_t(2));
    }

    void savedModelFileAndDirectoryAreOneArtifact()
    {
        const QString dir = corpus(QStringLiteral("keras-tf27-heart-savedmodel"));
        QCOMPARE(app::planOpening({ dir + QStringLiteral("/saved_model.pb"), dir }).size(), size_t(1));
    }

    void unknownFilesStayTheirOwnEntry()
    {
        const QString missing = corpus(QStringLiteral("no-such-artifact/x.index"));
        const auto plan = app::planOpening({ missing, missing + QStringLiteral("2") });
        QCOMPARE(plan.size(), size_t(2));
        QCOMPARE(plan[0].path, missing);
    }

    void oneArtifactOpensOneWindow()
    {
        app::WindowOpener opener;
        const auto windows = opener.openFiles({ corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-3.index")),
            corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-3.data-00000-of-00001")) });
        QCOMPARE(windows.size(), 1);
        QTRY_COMPARE(windows[0]->session()->state(), model::ArtifactSession::State::Open);
        QVERIFY(windows[0]->windowTitle().startsWith(QStringLiteral("ckpt-3")));
        QCOMPARE(mainWindows().size(), 1);
    }

    void aDataShardOpensItsCheckpoint()
    {
        app::WindowOpener opener;
        const auto windows = opener.openFiles(
            { corpus(QStringLiteral("tf1-estimator-widedeep-5ckpts/model.ckpt-940.data-00000-of-00001")) });
        QTRY_COMPARE(windows[0]->session()->state(), model::ArtifactSession::State::Open);
        QVERIFY(windows[0]->windowTitle().startsWith(QStringLiteral("model.ckpt-940")));
    }

    void twoArtifactsOpenTwoWindowsUntilCompareExists()
    {
        app::WindowOpener opener;
        const auto windows = opener.openFiles({ corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-2.index")),
            corpus(QStringLiteral("keras-tf27-heart-savedmodel/saved_model.pb")) });
        QCOMPARE(windows.size(), 2);
        QVERIFY(windows[0] != windows[1]);
        QTRY_COMPARE(windows[1]->session()->state(), model::ArtifactSession::State::Open);
        QVERIFY(windows[1]->windowTitle().startsWith(QStringLiteral("keras-tf27-heart-savedmodel")));
    }

    void threeArtifactsOpenAWindowEach()
    {
        app::WindowOpener opener;
        const auto windows = opener.openFiles({ corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-2.index")),
            corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-3.index")),
            corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-4.index")) });
        QCOMPARE(windows.size(), 3);
        QCOMPARE(mainWindows().size(), 3);
        for (int i = 0; i < 3; ++i) {
            QTRY_COMPARE(windows[i]->session()->state(), model::ArtifactSession::State::Open);
            QVERIFY(windows[i]->windowTitle().startsWith(QStringLiteral("ckpt-%1").arg(i + 2)));
        }
    }

    void anEmptyWindowIsReusedBeforeANewOneIsMade()
    {
        app::WindowOpener opener;
        const auto empty = opener.openFiles({});
        QCOMPARE(empty.size(), 1);
        QCOMPARE(empty[0]->stack()->currentWidget(), empty[0]->startPage());
        const auto used = opener.openFiles({ corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-2.index")) });
        QCOMPARE(used, empty);
        QTRY_COMPARE(used[0]->session()->state(), model::ArtifactSession::State::Open);
        // Now busy: the next file gets a window of its own.
        const auto next = opener.openFiles({ corpus(QStringLiteral("ckpt-tf2-a2c-3ckpts/ckpt-3.index")) });
        QVERIFY(next[0] != used[0]);
        QCOMPARE(mainWindows().size(), 2);
    }
};

QTEST_MAIN(TestOpenPlan)
#include "tst_open_plan.moc"
