// Pulling and pushing through a private dockerd with the test registry (docker-registry with TLS
// and htpasswd, which the daemon is told to accept): every layer's progress and the digest the
// registry served, the image then on the host with that digest; a tagged image pushed and found
// in the registry under the digest the push reported; a wrong or missing password and an
// unknown tag refused in the daemon's words without the password; the answer's lines read as
// `docker pull` shows them.
#include "docker/dockerclient.h"
#include "docker/dockerimagetransfer.h"
#include "fakes/dockerdaemon.h"
#include "fakes/registryserver.h"
#include "registry/registryclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::test;

class TestImageTransfer final : public QObject
{
    Q_OBJECT

private:
    RegistryServer m_registry;
    DockerDaemon m_daemon;
    DockerEndpoint m_endpoint;
    QString m_digest;

    DockerRegistryAuth auth(const QString& password = RegistryServer::password()) const
    {
        return DockerRegistryAuth{RegistryServer::username(), password, m_registry.host()};
    }

private Q_SLOTS:
    void outputReadsLikeDockerPull()
    {
        DockerPullOutput output;
        QVERIFY(!output.feed(R"({"status":"Pulling from shop/web","id":"1.0"})")
                     .value()
                     .status.isEmpty());
        const auto downloading = output.feed(
            R"({"status":"Downloading","progressDetail":{"current":1234567,"total":3400000},)"
            R"("progress":"[===>   ]","id":"a1b2c3d4e5f6"})");
        QVERIFY(downloading);
        QCOMPARE(downloading->text(), u"a1b2c3d4e5f6: Downloading 1.2 MB / 3.4 MB"_qs);
        output.feed(R"({"status":"Pull complete","progressDetail":{},"id":"a1b2c3d4e5f6"})");
        output.feed(R"({"status":"Digest: sha256:0123abcd"})");
        QCOMPARE(output.digest(), u"sha256:0123abcd"_qs);
        QCOMPARE(output.layers(), QStringList{u"a1b2c3d4e5f6"_qs});
        QCOMPARE(output.completedLayers(), 1);
        output.feed(R"({"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"})");
        QCOMPARE(output.error(), u"manifest unknown"_qs);
        QVERIFY(!output.feed("not json"));
    }

    void initTestCase()
    {
        QString error;
        QVERIFY2(m_registry.start(&error), qPrintable(error));
        m_digest =
            m_registry.push(u"shop/web"_qs, u"1.0"_qs, QDateTime::currentDateTimeUtc(), &error);
        QVERIFY2(!m_digest.isEmpty(), qPrintable(error));
        // The daemon accepts the registry's certificate without the system's trust store (a
        // test may not write /etc/docker/certs.d).
        m_daemon.setExtraArguments({u"--insecure-registry"_qs, m_registry.host()});
        QVERIFY2(m_daemon.start(&error), qPrintable(error));
        const Result<DockerEndpoint> endpoint = DockerEndpoint::parse(m_daemon.host());
        QVERIFY(endpoint);
        m_endpoint = *endpoint;
    }

    void pullsWithProgressAndDigest()
    {
        const QString image = m_registry.host() + u"/shop/web:1.0"_qs;
        QStringList lines;
        const Result<TransferredImage> pulled =
            pullImage(m_endpoint, {}, image, auth(),
                      [&lines](const PullProgress& progress) { lines.append(progress.text()); });
        QVERIFY2(pulled, qPrintable(pulled ? QString() : pulled.error().toString()));
        QCOMPARE(pulled->digest, m_digest);
        QCOMPARE(pulled->layers, 1);
        QVERIFY2(lines.join(u'\n').contains(u": Pull complete"), qPrintable(lines.join(u'\n')));
        QVERIFY2(lines.contains(u"Digest: "_qs + m_digest), qPrintable(lines.join(u'\n')));

        DockerClient client(m_endpoint);
        const Result<std::optional<QJsonObject>> inspected = client.inspectImage(image);
        QVERIFY(inspected && inspected->has_value());
        const QJsonArray digests = (**inspected)[u"RepoDigests"].toArray();
        QVERIFY2(digests.contains(QString(m_registry.host() + u"/shop/web@"_qs + m_digest)),
                 QJsonDocument(digests).toJson().constData());
    }

    void pushesWhatItTagged()
    {
        const QString image = m_registry.host() + u"/tools/busybox:1"_qs;
        QVERIFY(tagImage(m_endpoint, {}, u"busybox:local"_qs, image));
        QStringList lines;
        const Result<TransferredImage> pushed =
            pushImage(m_endpoint, {}, image, auth(),
                      [&lines](const PullProgress& progress) { lines.append(progress.text()); });
        QVERIFY2(pushed, qPrintable(pushed ? QString() : pushed.error().toString()));
        QVERIFY2(pushed->digest.startsWith(u"sha256:"), qPrintable(lines.join(u'\n')));
        QVERIFY2(lines.join(u'\n').contains(u": Pushed"), qPrintable(lines.join(u'\n')));
        // The registry has it under that digest.
        const registry::RegistryEndpoint where = m_registry.endpoint();
        registry::RegistryClient client(where);
        const Result<registry::ManifestInfo> manifest =
            client.manifest(u"tools/busybox"_qs, u"1"_qs);
        QVERIFY2(manifest, qPrintable(manifest ? QString() : manifest.error().toString()));
        QCOMPARE(manifest->digest, pushed->digest);

        // Without the password the registry refuses it.
        const Result<TransferredImage> anonymous = pushImage(m_endpoint, {}, image, std::nullopt);
        QVERIFY(!anonymous);
        QVERIFY2(anonymous.error().message.contains(u"no basic auth credentials") ||
                     anonymous.error().message.contains(u"unauthorized"),
                 qPrintable(anonymous.error().toString()));
        QCOMPARE(splitImageTag(u"127.0.0.1:5000/shop/web"_qs),
                 (std::pair{u"127.0.0.1:5000/shop/web"_qs, u"latest"_qs}));
    }

    void refusalsInTheDaemonsWords()
    {
        const Result<TransferredImage> wrong = pullImage(
            m_endpoint, {}, m_registry.host() + u"/shop/web:1.0"_qs, auth(u"bad-pass-91"_qs));
        QVERIFY(!wrong);
        QVERIFY2(wrong.error().message.contains(u"unauthorized"),
                 qPrintable(wrong.error().toString()));
        QVERIFY(!wrong.error().toString().contains(u"bad-pass-91"));

        const Result<TransferredImage> unknown =
            pullImage(m_endpoint, {}, m_registry.host() + u"/shop/web:9.9"_qs, auth());
        QVERIFY(!unknown);
        QVERIFY2(unknown.error().message.contains(u"manifest unknown") ||
                     unknown.error().message.contains(u"not found"),
                 qPrintable(unknown.error().toString()));
        QVERIFY2(unknown.error().message.contains(u"shop/web:9.9"),
                 qPrintable(unknown.error().toString()));
    }
};

QTEST_GUILESS_MAIN(TestImageTransfer)
#include "tst_imagetransfer.moc"
