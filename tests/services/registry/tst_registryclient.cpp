// The Registry HTTP API client against Debian's docker-registry with TLS from a test CA and
// htpasswd sign-in: tags across pages, a tag's digest and creation time, and every refusal in
// the registry's words (unknown tag, wrong or missing password, unknown authority, a server
// that does not speak TLS, nothing listening) without the password anywhere in them.
#include "fakes/localhttpserver.h"
#include "fakes/registryserver.h"
#include "fakes/testfiles.h"
#include "registry/registryclient.h"
#include "registry/registrycredentials.h"

#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::registry;
using namespace launchdeck::test;

class TestRegistryClient final : public QObject
{
    Q_OBJECT

private:
    RegistryServer m_server;
    QStringList m_digests; // of shop/web 1.0 … 1.4

    RegistryEndpoint endpoint(bool signedIn = true) const
    {
        RegistryEndpoint endpoint;
        endpoint.host = m_server.host();
        endpoint.caFile = m_server.caFile();
        if (signedIn)
            endpoint.credentials =
                RegistryCredentials{RegistryServer::username(), RegistryServer::password()};
        endpoint.timeout = std::chrono::seconds(10);
        return endpoint;
    }

    static QDateTime createdOf(int minor)
    {
        return QDateTime(QDate(2026, 1 + minor, 15), QTime(9, 30), Qt::UTC);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        for (int minor = 0; minor < 5; ++minor) {
            const QString digest =
                m_server.push(u"shop/web"_qs, u"1.%1"_qs.arg(minor), createdOf(minor), &error);
            QVERIFY2(digest.startsWith(u"sha256:"), qPrintable(error));
            m_digests.append(digest);
        }
    }

    void pingSignsIn()
    {
        RegistryClient client(endpoint());
        const Result<bool> answered = client.ping();
        QVERIFY2(answered, qPrintable(answered ? QString() : answered.error().toString()));
    }

    void tagsAcrossPages()
    {
        RegistryClient client(endpoint());
        // Two a page: three pages, followed by the Link header.
        const Result<QStringList> tags = client.tags(u"shop/web"_qs, 2);
        QVERIFY2(tags, qPrintable(tags ? QString() : tags.error().toString()));
        // In the registry's order, each once (the distribution registry does not sort them).
        QStringList sorted = *tags;
        sorted.sort();
        QCOMPARE(sorted, (QStringList{u"1.0"_qs, u"1.1"_qs, u"1.2"_qs, u"1.3"_qs, u"1.4"_qs}));
    }

    void manifestDigestAndCreationTime()
    {
        RegistryClient client(endpoint());
        const Result<ManifestInfo> info = client.manifest(u"shop/web"_qs, u"1.3"_qs);
        QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
        QCOMPARE(info->digest, m_digests[3]);
        QCOMPARE(info->platformDigest, m_digests[3]);
        QCOMPARE(info->mediaType, u"application/vnd.docker.distribution.manifest.v2+json"_qs);
        QVERIFY(info->created);
        QCOMPARE(*info->created, createdOf(3));
        // By digest as well as by tag.
        const Result<ManifestInfo> byDigest = client.manifest(u"shop/web"_qs, m_digests[3]);
        QVERIFY(byDigest);
        QCOMPARE(byDigest->digest, m_digests[3]);
    }

    void unknownTagInTheRegistrysWords()
    {
        RegistryClient client(endpoint());
        const Result<ManifestInfo> info = client.manifest(u"shop/web"_qs, u"9.9"_qs);
        QVERIFY(!info);
        QCOMPARE(client.lastFailure(), RegistryFailure::NotFound);
        QCOMPARE(info.error().where, m_server.host());
        QVERIFY2(
            info.error().message.contains(u"shop/web:9.9: manifest unknown (MANIFEST_UNKNOWN)"),
            qPrintable(info.error().message));
        const Result<QStringList> tags = client.tags(u"shop/none"_qs);
        QVERIFY(!tags);
        QCOMPARE(client.lastFailure(), RegistryFailure::NotFound);
        QVERIFY2(tags.error().message.contains(u"NAME_UNKNOWN"), qPrintable(tags.error().message));
    }

    void passwordsRefusedOrMissing()
    {
        RegistryEndpoint wrong = endpoint();
        wrong.credentials->password = u"not-the-password"_qs;
        RegistryClient refused(wrong);
        const Result<QStringList> tags = refused.tags(u"shop/web"_qs);
        QVERIFY(!tags);
        QCOMPARE(refused.lastFailure(), RegistryFailure::Unauthorized);
        QVERIFY2(tags.error().message.contains(u"refused the password of tester"),
                 qPrintable(tags.error().message));
        QVERIFY(!tags.error().toString().contains(u"not-the-password"));

        RegistryClient anonymous(endpoint(false));
        const Result<bool> answered = anonymous.ping();
        QVERIFY(!answered);
        QCOMPARE(anonymous.lastFailure(), RegistryFailure::Unauthorized);
        QVERIFY2(answered.error().message.contains(
                     u"asks for a user name and password (realm \"launchdeck-test\")"),
                 qPrintable(answered.error().message));
    }

    void transportFailuresSaySo()
    {
        // A certificate this machine's authorities did not sign.
        RegistryEndpoint untrusted = endpoint();
        untrusted.caFile.clear();
        RegistryClient unknownCa(untrusted);
        const Result<bool> tls = unknownCa.ping();
        QVERIFY(!tls);
        QCOMPARE(unknownCa.lastFailure(), RegistryFailure::UnknownCA);
        QVERIFY2(tls.error().message.contains(u"/etc/docker/certs.d/" + m_server.host()),
                 qPrintable(tls.error().message));

        // A plain HTTP server asked over TLS.
        LocalHttpServer plain;
        QString error;
        QVERIFY2(plain.start(&error), qPrintable(error));
        RegistryEndpoint http;
        http.host = u"127.0.0.1:%1"_qs.arg(plain.port());
        RegistryClient notTls(http);
        const Result<bool> spoken = notTls.ping();
        QVERIFY(!spoken);
        QCOMPARE(notTls.lastFailure(), RegistryFailure::NotTls);
        QVERIFY2(spoken.error().message.contains(u"must be marked insecure"),
                 qPrintable(spoken.error().message));

        // Nothing listening.
        RegistryEndpoint closed;
        closed.host = u"127.0.0.1:%1"_qs.arg(pickFreeLoopbackPort());
        RegistryClient refused(closed);
        const Result<bool> nobody = refused.ping();
        QVERIFY(!nobody);
        QCOMPARE(refused.lastFailure(), RegistryFailure::Unreachable);
        QVERIFY2(nobody.error().message.contains(u"refused"), qPrintable(nobody.error().message));
    }

    void credentialsFromTheDockerConfiguration()
    {
        // What `docker login` writes, read back and used.
        QTemporaryDir home;
        const QByteArray auth =
            (RegistryServer::username() + u':' + RegistryServer::password()).toUtf8().toBase64();
        QVERIFY(writeFile(home.filePath(u".docker/config.json"_qs),
                          "{\"auths\": {\"" + m_server.host().toUtf8() + "\": {\"auth\": \"" +
                              auth + "\"}}}"));
        QProcessEnvironment environment;
        environment.insert(u"HOME"_qs, home.path());
        const Result<FoundCredentials> found = dockerCredentials(m_server.host(), environment);
        QVERIFY2(found && found->credentials,
                 qPrintable(found ? u"none found"_qs : found.error().toString()));
        RegistryEndpoint signedIn = endpoint(false);
        signedIn.credentials = found->credentials;
        RegistryClient client(signedIn);
        const Result<QStringList> tags = client.tags(u"shop/web"_qs);
        QVERIFY2(tags, qPrintable(tags ? QString() : tags.error().toString()));
        QCOMPARE(tags->size(), 5);
    }

    void dockerHubNamesOfficialImages()
    {
        QCOMPARE(repositoryPath(u"docker.io"_qs, u"nginx"_qs), u"library/nginx"_qs);
        QCOMPARE(repositoryPath(u"docker.io"_qs, u"shop/web"_qs), u"shop/web"_qs);
        QCOMPARE(repositoryPath(u"registry.example.com"_qs, u"nginx"_qs), u"nginx"_qs);
        RegistryEndpoint hub;
        hub.host = u"docker.io"_qs;
        QCOMPARE(RegistryClient(hub).baseUrl(), u"https://registry-1.docker.io"_qs);
    }
};

QTEST_GUILESS_MAIN(TestRegistryClient)
#include "tst_registryclient.moc"
