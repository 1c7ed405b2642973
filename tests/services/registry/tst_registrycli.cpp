// `launchdeck registry login|logout|tags` run as a user runs them, against the real registry
// (docker-registry with TLS from a test CA and htpasswd sign-in, its CA in a certs.d folder) and
// a real Secret Service (gnome-keyring-daemon on a private bus, in a temporary home with no
// docker configuration): a refused password stores nothing, the accepted one is found by `tags`,
// which lists the tags across pages newest first by the image's creation time.
#include "fakes/cliprocess.h"
#include "fakes/privatebus.h"
#include "fakes/registryserver.h"
#include "fakes/secretservice.h"
#include "registry/registrykeyring.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::test;
using namespace std::chrono_literals;

namespace {

// The built binary with this process's environment (its private bus, its home), `input` on its
// standard input.
CliRun runLaunchdeck(const QStringList& arguments, const QByteArray& input = {})
{
    return runCli(QStringLiteral(LAUNCHDECK_BINARY), arguments, {}, {}, 60s, input);
}

// Pushed in this order; newest first they are 2.0, 1.1, rc, 1.0, 1.2.
struct Pushed
{
    QString tag;
    QDateTime created;
    QString digest;
};

} // namespace

class TestRegistryCli final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    PrivateBus m_bus;
    SecretService m_keyring;
    RegistryServer m_registry;
    QList<Pushed> m_pushed{
        {u"1.0"_qs, QDateTime(QDate(2026, 2, 10), QTime(8, 0), Qt::UTC), {}},
        {u"1.1"_qs, QDateTime(QDate(2026, 4, 1), QTime(12, 30), Qt::UTC), {}},
        {u"1.2"_qs, QDateTime(QDate(2026, 1, 5), QTime(6, 15), Qt::UTC), {}},
        {u"2.0"_qs, QDateTime(QDate(2026, 6, 20), QTime(17, 45), Qt::UTC), {}},
        {u"rc"_qs, QDateTime(QDate(2026, 3, 3), QTime(9, 0), Qt::UTC), {}},
    };

    QString certificatesFolder() const { return m_dir.filePath(QStringLiteral("certs.d")); }
    QString repository() const { return m_registry.host() + u"/shop/web"; }

    CliRun login(const QByteArray& password)
    {
        return runLaunchdeck({u"registry"_qs, u"login"_qs, m_registry.host(), u"--username"_qs,
                              RegistryServer::username(), u"--password-stdin"_qs, u"--certs-dir"_qs,
                              certificatesFolder()},
                             password);
    }

    CliRun tags(const QStringList& extra = {})
    {
        return runLaunchdeck(QStringList{u"registry"_qs, u"tags"_qs, repository(),
                                         u"--page-size"_qs, u"2"_qs, u"--certs-dir"_qs,
                                         certificatesFolder()} +
                             extra);
    }

    const Pushed& pushed(const QString& tag) const
    {
        for (const Pushed& p : m_pushed) {
            if (p.tag == tag)
                return p;
        }
        return m_pushed.constFirst();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Nothing may reach the user's keyring, desktop or docker configuration.
        QString error;
        QVERIFY2(startOwnKeyring(m_dir.path(), m_bus, m_keyring, &error), qPrintable(error));
        QVERIFY2(m_registry.start(&error), qPrintable(error));
        QVERIFY(m_registry.installCa(certificatesFolder()));
        for (Pushed& image : m_pushed) {
            image.digest = m_registry.push(u"shop/web"_qs, image.tag, image.created, &error);
            QVERIFY2(image.digest.startsWith(u"sha256:"), qPrintable(error));
        }
    }

    void cleanupTestCase()
    {
        m_registry.stop();
        m_keyring.kill();
        m_bus.stop();
    }

    void passwordOnlyFromStandardInput()
    {
        const CliRun argument = runLaunchdeck({u"registry"_qs, u"login"_qs, m_registry.host(),
                                               u"--username"_qs, RegistryServer::username(),
                                               u"--password"_qs, RegistryServer::password()});
        QCOMPARE(argument.exitCode, 2);
        QVERIFY2(argument.err.contains(u"from standard input"), qPrintable(argument.err));
        QVERIFY(!registry::readKeyringCredentials(m_registry.host(), 10s).credentials);
        QCOMPARE(runLaunchdeck({u"registry"_qs, u"frobnicate"_qs}).exitCode, 2);
        QCOMPARE(runLaunchdeck({u"registry"_qs, u"tags"_qs, repository() + u":1.0"}).exitCode, 2);
    }

    void refusedPasswordStoresNothing()
    {
        const QByteArray wrong = "not-the-pw-5e0d";
        const CliRun refused = login(wrong + '\n');
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(u"registry " + m_registry.host() +
                                      u" refused the password of tester"),
                 qPrintable(refused.err));
        QVERIFY2(refused.err.contains(u"UNAUTHORIZED"), qPrintable(refused.err));
        QVERIFY(!refused.err.contains(QString::fromLatin1(wrong)));
        QVERIFY(!refused.out.contains(QString::fromLatin1(wrong)));
        QVERIFY(!registry::readKeyringCredentials(m_registry.host(), 10s).credentials);
    }

    void withoutCredentialsTagsSaysHowToLogIn()
    {
        const CliRun anonymous = tags();
        QCOMPARE(anonymous.exitCode, 1);
        QVERIFY2(anonymous.err.contains(u"registry " + m_registry.host()),
                 qPrintable(anonymous.err));
        QVERIFY2(anonymous.err.contains(u"launchdeck registry login " + m_registry.host()),
                 qPrintable(anonymous.err));
    }

    void acceptedPasswordIsStored()
    {
        const CliRun accepted = login(RegistryServer::password().toUtf8() + '\n');
        QVERIFY2(accepted.exitCode == 0, qPrintable(accepted.err));
        QVERIFY2(accepted.out.contains(u"logged in to " + m_registry.host() + u" as tester"),
                 qPrintable(accepted.out));
        QVERIFY(!accepted.out.contains(RegistryServer::password()));
        const registry::KeyringCredentials stored =
            registry::readKeyringCredentials(m_registry.host(), 10s);
        QVERIFY2(stored.credentials, qPrintable(stored.note));
        QCOMPARE(stored.credentials->username, RegistryServer::username());
        QCOMPARE(stored.credentials->password, RegistryServer::password());
    }

    void tagsNewestFirstAcrossPages()
    {
        const CliRun listed = tags();
        QVERIFY2(listed.exitCode == 0, qPrintable(listed.err));
        QStringList lines = listed.out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.size() == 6, qPrintable(listed.out));
        const QStringList header =
            lines.takeFirst().split(QRegularExpression(u"\\s+"_qs), Qt::SkipEmptyParts);
        QCOMPARE(header, (QStringList{u"TAG"_qs, u"CREATED"_qs, u"DIGEST"_qs}));
        QStringList order;
        for (const QString& line : std::as_const(lines)) {
            const QStringList cells = line.split(QRegularExpression(u"\\s+"_qs));
            QCOMPARE(cells.size(), 3);
            const Pushed& image = pushed(cells[0]);
            QCOMPARE(cells[0], image.tag);
            QCOMPARE(cells[1], image.created.toString(Qt::ISODate));
            QCOMPARE(cells[2], image.digest);
            order.append(cells[0]);
        }
        QCOMPARE(order, (QStringList{u"2.0"_qs, u"1.1"_qs, u"rc"_qs, u"1.0"_qs, u"1.2"_qs}));

        const CliRun json = tags({u"--json"_qs});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonObject document = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(document.value(u"registry").toString(), m_registry.host());
        QCOMPARE(document.value(u"repository").toString(), u"shop/web"_qs);
        const QJsonArray rows = document.value(u"tags").toArray();
        QCOMPARE(rows.size(), 5);
        QCOMPARE(rows.at(0)[u"tag"].toString(), u"2.0"_qs);
        QCOMPARE(rows.at(0)[u"digest"].toString(), pushed(u"2.0"_qs).digest);
        QCOMPARE(QDateTime::fromString(rows.at(0)[u"created"].toString(), Qt::ISODate),
                 pushed(u"2.0"_qs).created);
        QCOMPARE(rows.at(4)[u"tag"].toString(), u"1.2"_qs);
    }

    void logoutRemovesTheCredentials()
    {
        const CliRun out = runLaunchdeck({u"registry"_qs, u"logout"_qs, m_registry.host()});
        QVERIFY2(out.exitCode == 0, qPrintable(out.err));
        QVERIFY2(out.out.contains(u"logged out of " + m_registry.host()), qPrintable(out.out));
        QVERIFY(!registry::readKeyringCredentials(m_registry.host(), 10s).credentials);
        const CliRun again = runLaunchdeck({u"registry"_qs, u"logout"_qs, m_registry.host()});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains(u"held no credentials for " + m_registry.host()),
                 qPrintable(again.out));
        QCOMPARE(tags().exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(TestRegistryCli)
#include "tst_registrycli.moc"
