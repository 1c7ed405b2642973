// Token sign-in, as Docker Hub and most hosted registries have it, against Debian's
// docker-registry configured for token authentication and a token service of the tests: the
// registry's Bearer challenge answered with a token from its realm for the client's tags and
// manifests and for the daemon's pull; a wrong password and a missing one refused in the token
// service's words; a rate-limited account told how long to wait.
#include "docker/dockerimagetransfer.h"
#include "fakes/dockerdaemon.h"
#include "fakes/registryserver.h"
#include "registry/registryclient.h"

#include <QTest>

using namespace launchdeck;
using namespace launchdeck::registry;
using namespace launchdeck::test;

class TestRegistryToken final : public QObject
{
    Q_OBJECT

private:
    RegistryServer m_registry{RegistryServer::SignIn::Token};
    QString m_newest;

    RegistryEndpoint endpoint(std::optional<RegistryCredentials> credentials) const
    {
        RegistryEndpoint result;
        result.host = m_registry.host();
        result.caFile = m_registry.caFile();
        result.credentials = std::move(credentials);
        return result;
    }

    static RegistryCredentials tester(const QString& password = RegistryServer::password())
    {
        return {RegistryServer::username(), password};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_registry.start(&error), qPrintable(error));
        QVERIFY(m_registry.tokenRealm().startsWith(u"http://127.0.0.1:"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY2(!m_registry.push(u"shop/web"_qs, u"1.0"_qs, now.addDays(-2), &error).isEmpty(),
                 qPrintable(error));
        m_newest = m_registry.push(u"shop/web"_qs, u"1.1"_qs, now.addDays(-1), &error);
        QVERIFY2(!m_newest.isEmpty(), qPrintable(error));
    }

    void bearerTokenForTagsAndManifests()
    {
        RegistryClient client(endpoint(tester()));
        const Result<bool> ping = client.ping();
        QVERIFY2(ping, qPrintable(ping ? QString() : ping.error().toString()));
        const Result<QStringList> tags = client.tags(u"shop/web"_qs, 1);
        QVERIFY2(tags, qPrintable(tags ? QString() : tags.error().toString()));
        // Two pages of one tag each, each page's request signed in again for its scope.
        QStringList sorted = *tags;
        sorted.sort();
        QCOMPARE(sorted, QStringList({u"1.0"_qs, u"1.1"_qs}));
        const Result<ManifestInfo> manifest = client.manifest(u"shop/web"_qs, u"1.1"_qs);
        QVERIFY2(manifest, qPrintable(manifest ? QString() : manifest.error().toString()));
        QCOMPARE(manifest->digest, m_newest);
        QVERIFY(manifest->created.has_value());
    }

    void wrongOrMissingPasswordInTheServicesWords()
    {
        RegistryClient wrong(endpoint(tester(u"not-the-password"_qs)));
        const Result<QStringList> refused = wrong.tags(u"shop/web"_qs);
        QVERIFY(!refused);
        QCOMPARE(wrong.lastFailure(), RegistryFailure::Unauthorized);
        QVERIFY2(refused.error().message.contains(u"refused the password of tester") &&
                     refused.error().message.contains(u"incorrect username or password"),
                 qPrintable(refused.error().message));
        QVERIFY(!refused.error().toString().contains(u"not-the-password"));

        RegistryClient anonymous(endpoint(std::nullopt));
        const Result<QStringList> asked = anonymous.tags(u"shop/web"_qs);
        QVERIFY(!asked);
        QCOMPARE(anonymous.lastFailure(), RegistryFailure::Unauthorized);
        QVERIFY2(asked.error().message.contains(u"wants a user name and password"),
                 qPrintable(asked.error().message));
    }

    void rateLimitSaysHowLongToWait()
    {
        RegistryClient busy(endpoint(
            RegistryCredentials{RegistryServer::rateLimitedUser(), RegistryServer::password()}));
        const Result<QStringList> limited = busy.tags(u"shop/web"_qs);
        QVERIFY(!limited);
        QCOMPARE(busy.lastFailure(), RegistryFailure::RateLimited);
        QCOMPARE(busy.lastRetryAfterSeconds(), std::optional<int>(7));
        QVERIFY2(limited.error().message.contains(u"pull rate limit") &&
                     limited.error().message.contains(u"retry in 7 s"),
                 qPrintable(limited.error().message));
    }

    void theDaemonPullsWithAToken()
    {
        DockerDaemon daemon;
        daemon.setExtraArguments({u"--insecure-registry"_qs, m_registry.host()});
        QString error;
        QVERIFY2(daemon.start(&error), qPrintable(error));
        const Result<DockerEndpoint> docker = DockerEndpoint::parse(daemon.host());
        QVERIFY(docker);
        const QString image = m_registry.host() + u"/shop/web:1.1"_qs;
        const DockerRegistryAuth auth{RegistryServer::username(), RegistryServer::password(),
                                      m_registry.host()};
        const Result<TransferredImage> pulled = pullImage(*docker, {}, image, auth, {}, nullptr);
        QVERIFY2(pulled, qPrintable(pulled ? QString() : pulled.error().toString()));
        QCOMPARE(pulled->digest, m_newest);

        const Result<TransferredImage> refused = pullImage(
            *docker, {}, image,
            DockerRegistryAuth{RegistryServer::username(), u"wrong-pw"_qs, m_registry.host()}, {},
            nullptr);
        QVERIFY(!refused);
        QVERIFY(!refused.error().toString().contains(u"wrong-pw"));
    }
};

QTEST_MAIN(TestRegistryToken)
#include "tst_registrytoken.moc"
