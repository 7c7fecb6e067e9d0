// The inspector's links offscreen: a slot says which variable it belongs to, how sure that is and why
// (inferred links look different from recorded ones, undecided ones link nowhere); a variable lists its
// slots (a click selects them), its real SavedModel name, where a Keras 3 weight was found and its twins.
// The main window offers to open the SavedModel of an opened variables/ directory, and names a damaged
// tensor by its object path. Every expectation is computed from the artifact's own annotations.
#include "app/gui/main_window.h"
#include "io/optimizer_slots.h"
#include "io/variable_tree.h"
#include "model/damaged_checkpoint.h"
#include "model/items/variable_links.h"
#include "model/items/variable_title.h"
#include "model/session/artifact_session.h"
#include "widgets/message_bar.h"
#include "widgets/tensor_inspector.h"
#include "widgets/variable_tree_view.h"

#include <QDir>
#include <QFileInfo>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>
#include <functional>

using namespace tscope;

namespace {
QString fixture(const char* rel)
{
    return QStringLiteral(TSCOPE_FIXTURES_DIR "/") + QLatin1String(rel);
}

bool openIn(app::MainWindow& w, const QString& path)
{
    w.openPath(path);
    if (!QTest::qWaitFor(
            [&] { return w.session()->state() != model::ArtifactSession::State::Opening; }, 30000))
        return false;
    return w.session()->state() == model::ArtifactSession::State::Open;
}

// The first entry whose annotation satisfies `pred`, -1 if none.
int findEntry(const io::Artifact& a, const std::function<bool(const io::EntryAnnotation&)>& pred)
{
    for (size_t i = 0; i < a.tree.annotations.size(); ++i)
        if (pred(a.tree.annotations[i])) return static_cast<int>(i);
    return -1;
}

const std::string& keyOf(const io::Artifact& a, int entry)
{
    return a.bundle->entries()[static_cast<size_t>(entry)].key;
}

// Selects `entry` in the tree and waits until the inspector shows it.
bool select(app::MainWindow& w, int entry)
{
    const auto ref = w.session()->ref(keyOf(*w.session()->artifact(), entry));
    w.treeView()->selectTensor(ref);
    return QTest::qWaitFor([&] { return w.inspector()->tensor() == ref; }, 5000);
}
} // namespace

class TestInspectorLinks : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TensorscopeTest"));
    }

    void inferredSlotLinksToItsVariableAndBack()
    {
        app::MainWindow w;
        w.show();
        QVERIFY(openIn(w, fixture("tf215/ckpt_optimizers_defaults/adam/ckpt")));
        const auto a = w.session()->artifact();
        const int slot = findEntry(*a, [](const io::EntryAnnotation& an) {
            return an.details().slotLink.confidence == io::SlotLinkConfidence::Inferred;
        });
        QVERIFY(slot >= 0);
        const auto& link = a->tree.annotations[size_t(slot)].details().slotLink;
        QVERIFY(select(w, slot));
        const QString text = w.inspector()->linksText();
        QVERIFY2(text.contains(model::confidenceInWords(io::SlotLinkConfidence::Inferred)), qPrintable(text));
        QVERIFY2(text.contains(QString::fromStdString(link.reason)), qPrintable(text));
        QVERIFY2(text.contains(QString::fromStdString(link.variablePath)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("≈")), qPrintable(text)); // inferred looks different
        QVERIFY2(w.inspector()->detailsText().startsWith(QStringLiteral("optimizer slot")),
            qPrintable(w.inspector()->detailsText()));
        QCOMPARE(w.inspector()->linkedKeys().value(0), QString::fromStdString(link.variableKey));

        // The link selects the variable, which lists this slot among its own.
        w.inspector()->activateLink(0);
        QTRY_COMPARE(w.inspector()->tensor(), w.session()->ref(link.variableKey));
        QVERIFY(w.treeView()->tree()->currentIndex().isValid());
        const QString back = w.inspector()->linksText();
        QVERIFY2(back.contains(QStringLiteral("Optimizer slots")), qPrintable(back));
        const QStringList keys = w.inspector()->linkedKeys();
        const int at = int(keys.indexOf(QString::fromStdString(keyOf(*a, slot))));
        QVERIFY2(at >= 0, qPrintable(keys.join(QLatin1Char('\n'))));
        // As many slot links as slots the annotations tie to this variable.
        int expected = 0;
        for (const auto& an : a->tree.annotations)
            expected += an.details().slotLink.variableKey == link.variableKey
                && (an.details().slotLink.confidence == io::SlotLinkConfidence::Inferred
                    || an.details().slotLink.confidence == io::SlotLinkConfidence::LinkedByGraph);
        QCOMPARE(keys.size(), expected);
        w.inspector()->activateLink(at);
        QTRY_COMPARE(w.inspector()->tensor(), w.session()->ref(keyOf(*a, slot)));
    }

    void graphLinkedSlotReadsAsFact()
    {
        app::MainWindow w;
        w.show();
        QVERIFY(openIn(w, QStringLiteral(TSCOPE_CORPUS_DIR "/ckpt-tf2-a2c-3ckpts")));
        const auto a = w.session()->artifact();
        const int slot = findEntry(*a, [](const io::EntryAnnotation& an) {
            return an.details().slotLink.confidence == io::SlotLinkConfidence::LinkedByGraph;
        });
        QVERIFY(slot >= 0);
        QVERIFY(select(w, slot));
        const QString text = w.inspector()->linksText();
        QVERIFY2(
            text.contains(model::confidenceInWords(io::SlotLinkConfidence::LinkedByGraph)), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("≈")), qPrintable(text));
        QCOMPARE(w.inspector()->linkedKeys().value(0),
            QString::fromStdString(a->tree.annotations[size_t(slot)].details().slotLink.variableKey));
    }

    void undecidedSlotLinksNowhere()
    {
        // The adversarial cases hold slots we cannot link (identical layers, two optimizers, frozen layers).
        bool seen = false;
        for (const char* c : { "identical_layers", "two_optimizers", "frozen_layer" }) {
            app::MainWindow w;
            w.show();
            QVERIFY(openIn(w,
                fixture("tf215/ckpt_optimizers_adversarial/") + QLatin1String(c) + QStringLiteral("/ckpt")));
            const auto a = w.session()->artifact();
            const int slot = findEntry(*a, [](const io::EntryAnnotation& an) {
                return an.details().slotLink.confidence == io::SlotLinkConfidence::Ambiguous
                    || an.details().slotLink.confidence == io::SlotLinkConfidence::Unlinked;
            });
            if (slot < 0) continue;
            seen = true;
            const auto& link = a->tree.annotations[size_t(slot)].details().slotLink;
            QVERIFY(select(w, slot));
            const QString text = w.inspector()->linksText();
            QVERIFY2(text.contains(model::confidenceInWords(link.confidence)), qPrintable(text));
            QVERIFY2(text.contains(QString::fromStdString(link.reason)), qPrintable(text));
            QVERIFY(w.inspector()->linkedKeys().isEmpty()); // nothing to click: no variable is claimed
        }
        QVERIFY(seen);
    }

    void keras3WeightSaysWhereItWasFound()
    {
        app::MainWindow w;
        w.show();
        QVERIFY(openIn(w, fixture("tfcur/ckpt_optimizers_defaults/adam/ckpt")));
        const auto a = w.session()->artifact();
        const int weight
            = findEntry(*a, [](const io::EntryAnnotation& an) { return !an.details().foundAt.empty(); });
        QVERIFY(weight >= 0);
        QVERIFY(select(w, weight));
        const QString text = w.inspector()->linksText();
        QVERIFY2(text.contains(QString::fromStdString(a->tree.annotations[size_t(weight)].details().foundAt)),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Optimizer slots")), qPrintable(text));
    }

    void savedModelVariableShowsRealNameAndTwins()
    {
        app::MainWindow w;
        w.show();
        QVERIFY(openIn(w, fixture("tfcur/sm_keras_sequential_export/saved_model")));
        const auto a = w.session()->artifact();
        const int primary = findEntry(*a, [](const io::EntryAnnotation& an) {
            return !an.details().aliases.empty() && !an.details().variableName.empty()
                && an.details().variableName != an.objectPath;
        });
        QVERIFY(primary >= 0);
        const auto& an = a->tree.annotations[size_t(primary)];
        QVERIFY(select(w, primary));
        const QString text = w.inspector()->linksText();
        // Titled by its real name; the object path it is stored at is said under it.
        QCOMPARE(w.inspector()->titleText(), QString::fromStdString(an.details().variableName));
        QVERIFY2(text.contains(QString::fromStdString(an.details().variableName)), qPrintable(text));
        QVERIFY2(text.contains(QString::fromStdString(an.objectPath)), qPrintable(text));
        for (const auto& alias : an.details().aliases)
            QVERIFY2(text.contains(QString::fromStdString(alias)), qPrintable(text));
    }

    void variablesDirectoryOffersItsSavedModel()
    {
        const QString savedModel = fixture("tfcur/sm_keras_sequential_export/saved_model");
        for (const QString& part :
            { QStringLiteral("variables"), QStringLiteral("variables/variables.index") }) {
            app::MainWindow w;
            w.show();
            QVERIFY(openIn(w, savedModel + QLatin1Char('/') + part));
            const QString enclosing
                = QString::fromStdString(w.session()->artifact()->location.enclosingSavedModel.string());
            QVERIFY(!enclosing.isEmpty());
            QVERIFY(w.artifactMessage()->isVisible());
            QVERIFY2(
                w.artifactMessage()->text().contains(QStringLiteral("variables directory of the SavedModel")),
                qPrintable(w.artifactMessage()->text()));
            QVERIFY(w.artifactMessage()->text().contains(QDir::toNativeSeparators(enclosing)));
            QVERIFY2(w.windowTitle().contains(QFileInfo(enclosing).fileName()), qPrintable(w.windowTitle()));
            auto* button = w.artifactMessage()->findChild<QPushButton*>();
            QVERIFY(button);
            emit w.artifactMessage()->actionTriggered();
            QTRY_VERIFY_WITH_TIMEOUT(w.session()->state() == model::ArtifactSession::State::Open
                    && w.session()->artifact()->savedModel.has_value(),
                30000);
            QVERIFY(w.session()->artifact()->location.enclosingSavedModel.empty());
        }
    }

    void damagedMessageNamesTheObjectPath()
    {
        app::MainWindow w;
        w.show();
        QTemporaryDir dir;
        const auto copy = test::copyCheckpoint(dir);
        QVERIFY(!copy.damagedKey.empty());
        QVERIFY(openIn(w, copy.prefix));
        const auto a = w.session()->artifact();
        const int entry = a->bundle->indexOf(copy.damagedKey);
        QVERIFY(select(w, entry));
        QTRY_VERIFY_WITH_TIMEOUT(w.artifactMessage()->text().contains(QStringLiteral("damaged")), 30000);
        const QString text = w.artifactMessage()->text();
        QVERIFY2(text.contains(model::variableTitle(*a, entry).title), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral(".ATTRIBUTES")), qPrintable(text));
    }
};

QTEST_MAIN(TestInspectorLinks)
#include "tst_inspector_links.moc"
