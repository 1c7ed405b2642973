// Registry credentials in a real Secret Service (gnome-keyring-daemon on a private D-Bus bus, in a
// temporary home): stored, read back from the main thread and from a worker, removed; the
// lookup that prefers the docker CLI's config.json and falls back to the keyring; and a keyring
// that answers nothing giving no credentials, with a note, once the timeout has passed.
#include "fakes/privatebus.h"
#include "fakes/secretservice.h"
#include "fakes/testfiles.h"
#include "registry/registrycredentials.h"
#include "registry/registrykeyring.h"

#include <QDBusArgument>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace launchdeck;
using namespace launchdeck::registry;
using namespace launchdeck::test;
using namespace std::chrono_literals;

namespace {

const QString kHost = QStringLiteral("127.0.0.1:5000");
const RegistryCredentials kStored{QStringLiteral("robot"), QStringLiteral("kr-pw-71c2e9")};

// The items the Secret Service holds under QtKeychain's attributes for `key`.
int secretServiceItems(const QString& key)
{
    QDBusArgument attributes;
    attributes.beginMap(QMetaType::fromType<QString>(), QMetaType::fromType<QString>());
    for (const auto& [name, value] : {std::pair{QStringLiteral("user"), key},
                                      std::pair{QStringLiteral("server"), kKeyringService}}) {
        attributes.beginMapEntry();
        attributes << name << value;
        attributes.endMapEntry();
    }
    attributes.endMap();
    const QDBusMessage reply =
        SecretService::call(QStringLiteral("/org/freedesktop/secrets"),
                            QStringLiteral("org.freedesktop.Secret.Service"),
                            QStringLiteral("SearchItems"), {QVariant::fromValue(attributes)});
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().size() != 2)
        return -1;
    return int(qdbus_cast<QList<QDBusObjectPath>>(reply.arguments().at(0)).size() +
               qdbus_cast<QList<QDBusObjectPath>>(reply.arguments().at(1)).size());
}

// `read` run on a thread of its own while this one turns its event loop, as the console's
// workers call it.
KeyringCredentials readOnWorker(const QString& host, std::chrono::milliseconds timeout)
{
    KeyringCredentials found;
    std::unique_ptr<QThread> worker(
        QThread::create([&] { found = readKeyringCredentials(host, timeout); }));
    QSignalSpy finished(worker.get(), &QThread::finished);
    worker->start();
    if (!finished.wait(int(timeout.count()) + 10'000))
        qWarning() << "the worker did not finish";
    worker->wait();
    return found;
}

} // namespace

class TestRegistryKeyring final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    PrivateBus m_bus;
    SecretService m_keyring;

    QProcessEnvironment environment(const QByteArray& config) const
    {
        QProcessEnvironment environment;
        const QString home = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()));
        if (!config.isEmpty())
            writeFile(home + u"/.docker/config.json", config);
        environment.insert(QStringLiteral("HOME"), home);
        environment.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
        return environment;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Nothing may reach the user's keyring, desktop or docker configuration.
        QString error;
        QVERIFY2(startOwnKeyring(m_dir.path(), m_bus, m_keyring, &error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_keyring.kill();
        m_bus.stop();
    }

    void storedReadAndRemoved()
    {
        QCOMPARE(secretServiceItems(kHost), 0);
        const KeyringCredentials before = readKeyringCredentials(kHost);
        QVERIFY(!before.credentials);
        QCOMPARE(before.note, u"no credentials for 127.0.0.1:5000 in the keyring"_qs);

        const Result<bool> stored = storeKeyringCredentials(kHost, kStored);
        QVERIFY2(stored, qPrintable(stored ? QString() : stored.error().toString()));
        // In the Secret Service itself, under the registry's host.
        QCOMPARE(secretServiceItems(kHost), 1);

        const KeyringCredentials read = readKeyringCredentials(kHost);
        QVERIFY2(read.credentials, qPrintable(read.note));
        QCOMPARE(read.credentials->username, kStored.username);
        QCOMPARE(read.credentials->password, kStored.password);

        // Stored again: replaced, not added.
        const RegistryCredentials other{u"deployer"_qs, u"kr-pw-other"_qs};
        QVERIFY(storeKeyringCredentials(kHost, other));
        QCOMPARE(secretServiceItems(kHost), 1);
        QCOMPARE(readKeyringCredentials(kHost).credentials->username, other.username);

        const Result<bool> removed = deleteKeyringCredentials(kHost);
        QVERIFY2(removed, qPrintable(removed ? QString() : removed.error().toString()));
        QVERIFY(*removed);
        QCOMPARE(secretServiceItems(kHost), 0);
        QVERIFY(!readKeyringCredentials(kHost).credentials);
        const Result<bool> again = deleteKeyringCredentials(kHost);
        QVERIFY(again);
        QVERIFY(!*again);
    }

    void readFromAWorkerThread()
    {
        QVERIFY(storeKeyringCredentials(kHost, kStored));
        const KeyringCredentials read = readOnWorker(kHost, 10s);
        QVERIFY2(read.credentials, qPrintable(read.note));
        QCOMPARE(read.credentials->password, kStored.password);
        QVERIFY(deleteKeyringCredentials(kHost));
    }

    void dockerHubHasOneKey()
    {
        QCOMPARE(keyringKey(u"index.docker.io"_qs), u"docker.io"_qs);
        QCOMPARE(keyringKey(u"registry-1.docker.io"_qs), u"docker.io"_qs);
        QCOMPARE(keyringKey(u"registry.example.com:5000"_qs), u"registry.example.com:5000"_qs);
        QVERIFY(storeKeyringCredentials(u"index.docker.io"_qs, kStored));
        const KeyringCredentials read = readKeyringCredentials(u"docker.io"_qs);
        QVERIFY2(read.credentials, qPrintable(read.note));
        QCOMPARE(read.credentials->username, kStored.username);
        QVERIFY(deleteKeyringCredentials(u"docker.io"_qs));
    }

    void keyringWhenConfigJsonHasNothing()
    {
        QVERIFY(storeKeyringCredentials(kHost, kStored));
        // No config.json at all, and one with credentials for another registry only.
        for (const QByteArray& config :
             {QByteArray(), QByteArray("{\"auths\": {\"other.example.com\": "
                                       "{\"auth\": \"YWxpY2U6cGFzcy13b3Jk\"}}}")}) {
            const Result<FoundCredentials> found = registryCredentials(kHost, environment(config));
            QVERIFY2(found, qPrintable(found ? QString() : found.error().toString()));
            QVERIFY2(found->credentials, qPrintable(found->note));
            QCOMPARE(found->source, u"keyring"_qs);
            QCOMPARE(found->credentials->username, kStored.username);
            QCOMPARE(found->credentials->password, kStored.password);
        }
        QVERIFY(deleteKeyringCredentials(kHost));
        // Neither has any: anonymous, saying the keyring was asked.
        const Result<FoundCredentials> none = registryCredentials(kHost, environment({}));
        QVERIFY(none && !none->credentials);
        QCOMPARE(none->note, u"no credentials for 127.0.0.1:5000 in the keyring"_qs);
    }

    void configJsonBeforeKeyring()
    {
        QVERIFY(storeKeyringCredentials(kHost, kStored));
        // alice:pass-word, as `docker login` writes it.
        const QByteArray config =
            "{\"auths\": {\"" + kHost.toUtf8() + "\": {\"auth\": \"YWxpY2U6cGFzcy13b3Jk\"}}}";
        const Result<FoundCredentials> found = registryCredentials(kHost, environment(config));
        QVERIFY2(found && found->credentials,
                 qPrintable(found ? found->note : found.error().toString()));
        QCOMPARE(found->source, u"config.json auths"_qs);
        QCOMPARE(found->credentials->username, u"alice"_qs);
        QCOMPARE(found->credentials->password, u"pass-word"_qs);
        QVERIFY(deleteKeyringCredentials(kHost));
    }

    // Last: the keyring stays frozen.
    void keyringThatAnswersNothing()
    {
        QVERIFY(storeKeyringCredentials(kHost, kStored));
        m_keyring.freeze();

        const KeyringCredentials read = readKeyringCredentials(kHost, 1500ms);
        QVERIFY(!read.credentials);
        QCOMPARE(read.note, u"no credentials for 127.0.0.1:5000 from the keyring: no keyring "
                            u"answered within 1500 ms"_qs);

        const KeyringCredentials onWorker = readOnWorker(kHost, 1500ms);
        QVERIFY(!onWorker.credentials);
        QVERIFY2(onWorker.note.contains(u"no keyring answered within 1500 ms"),
                 qPrintable(onWorker.note));

        const Result<FoundCredentials> found = registryCredentials(kHost, environment({}), 1500ms);
        QVERIFY2(found, qPrintable(found ? QString() : found.error().toString()));
        QVERIFY(!found->credentials);
        QVERIFY2(found->note.contains(u"no keyring answered within 1500 ms"),
                 qPrintable(found->note));

        const Result<bool> stored = storeKeyringCredentials(kHost, kStored, 1500ms);
        QVERIFY(!stored);
        QCOMPARE(stored.error().where, kHost);
        QVERIFY2(stored.error().message.contains(u"no keyring answered within 1500 ms"),
                 qPrintable(stored.error().message));
        QVERIFY(!stored.error().message.contains(kStored.password));
        QVERIFY(!deleteKeyringCredentials(kHost, 1500ms));
    }
};

QTEST_GUILESS_MAIN(TestRegistryKeyring)
#include "tst_registrykeyring.moc"
