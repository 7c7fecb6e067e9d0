// One running Tensorscope per user and display: a second start hands its files to the first over the
// local socket (a real QLocalServer in a temporary runtime directory, never the user's).
#include "app/gui/hand_over_client.h"
#include "app/gui/single_instance.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <future>
#include <thread>

using namespace tscope;

class TestSingleInstance : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_runtime.isValid());
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtime.path()));
        QVERIFY(
            app::SingleInstance::serverName().startsWith(m_runtime.path() + QStringLiteral("/tensorscope-")));
    }

    void messageRoundTrips()
    {
        const QStringList files { QStringLiteral("/tmp/a b/ckpt-1.index"),
            QStringLiteral("/tmp/ü/ß\"q\\.pb") };
        auto decoded = app::decodeHandOver(app::encodeHandOver(files));
        QVERIFY(decoded);
        QCOMPARE(decoded.value(), files);
        QVERIFY(app::encodeHandOver(files).endsWith('\n'));
    }

    void garbageIsRefused()
    {
        for (const char* bad :
            { "", "not json\n", "[1,2]\n", "{\"files\": \"x\"}\n", "{\"files\": [3]}\n" }) {
            auto decoded = app::decodeHandOver(QByteArray(bad));
            QVERIFY2(!decoded, bad);
            QCOMPARE(decoded.status().code(), io::ErrorCode::Corrupt);
        }
    }

    void secondStartHandsItsFilesToTheFirst()
    {
        app::SingleInstance first;
        auto outcome = first.start({});
        QVERIFY(outcome);
        QCOMPARE(outcome.value(), app::SingleInstance::Outcome::Primary);
        QSignalSpy received(&first, &app::SingleInstance::filesReceived);

        // The second start blocks on its socket, so it runs on another thread while this one serves.
        auto second = std::async(std::launch::async, [] {
            app::SingleInstance other;
            auto r = other.start(
                { QStringLiteral("relative/ckpt-2.index"), QStringLiteral("/abs/saved_model.pb") });
            return r ? int(r.value()) : -1;
        });
        QTRY_COMPARE(received.count(), 1);
        QCOMPARE(second.get(), int(app::SingleInstance::Outcome::HandedOver));
        // Relative paths were made absolute by the sender: the running instance has another directory.
        QCOMPARE(received[0][0].toStringList(),
            (QStringList { QDir::current().absoluteFilePath(QStringLiteral("relative/ckpt-2.index")),
                QStringLiteral("/abs/saved_model.pb") }));
    }

    void nobodyListeningIsNotFound()
    {
        // The plain-socket sender (used before any application exists) tells "nobody runs" from failures.
        const auto status = app::handOverOverLocalSocket(m_runtime.filePath(QStringLiteral("nobody")),
            app::encodeHandOver({}), QByteArrayLiteral("ok\n"), 1000);
        QCOMPARE(status.code(), io::ErrorCode::NotFound);
    }

    void theStartLockIsHeldFromTheCheckUntilServing()
    {
        // A primary start holds the lock between finding nobody and listening, so a simultaneous start
        // waits and then hands over instead of becoming a second running instance.
        app::SingleInstance first;
        auto outcome = first.handOverOrLock({});
        QVERIFY(outcome);
        QCOMPARE(outcome.value(), app::SingleInstance::Outcome::Primary);
        auto blocked = std::async(std::launch::async, [] {
            app::SingleInstance other;
            auto r = other.handOverOrLock({}, 100);
            return r ? QString() : QString::fromStdString(r.status().message());
        });
        QVERIFY(blocked.get().contains(QStringLiteral("holds the lock")));

        QVERIFY(first.serve().isOk());
        QSignalSpy received(&first, &app::SingleInstance::filesReceived);
        auto second = std::async(std::launch::async, [] {
            app::SingleInstance other;
            auto r = other.handOverOrLock({ QStringLiteral("/abs/ckpt-3.index") });
            return r ? int(r.value()) : -1;
        });
        QTRY_COMPARE(received.count(), 1);
        QCOMPARE(second.get(), int(app::SingleInstance::Outcome::HandedOver));
        QCOMPARE(received[0][0].toStringList(), QStringList { QStringLiteral("/abs/ckpt-3.index") });
    }

    void aSocketLeftByADeadInstanceIsReplaced()
    {
        // A file where the socket should be, as after a crash: nobody accepts, so this start is primary.
        {
            QFile stale(app::SingleInstance::serverName());
            QVERIFY(stale.open(QIODevice::WriteOnly));
        }
        app::SingleInstance instance;
        auto outcome = instance.start({});
        QVERIFY2(outcome, outcome ? "" : outcome.status().toString().c_str());
        QCOMPARE(outcome.value(), app::SingleInstance::Outcome::Primary);
    }

    void eachDisplayHasItsOwnInstance()
    {
        const QByteArray saved = qgetenv("DISPLAY");
        qputenv("DISPLAY", ":7");
        const QString seven = app::SingleInstance::serverName();
        qputenv("DISPLAY", ":8");
        const QString eight = app::SingleInstance::serverName();
        if (saved.isNull())
            qunsetenv("DISPLAY");
        else
            qputenv("DISPLAY", saved);
        QVERIFY(seven != eight);
    }

private:
    QTemporaryDir m_runtime;
};

QTEST_MAIN(TestSingleInstance)
#include "tst_single_instance.moc"
