// `launchdeck image push|pull` as a release engineer runs them: an image pushed from the Docker
// host of an environment to the test registry (TLS, htpasswd) with the docker configuration's
// credentials, then pulled back after the host forgot it, each layer's progress on standard
// error and the digest on standard output; a wrong password refused in the daemon's words
// without the password; usage errors.
#include "docker/dockerclient.h"
#include "docker/dockerimagetransfer.h"
#include "fakes/cliprocess.h"
#include "fakes/dockerdaemon.h"
#include "fakes/registryserver.h"
#include "fakes/testfiles.h"
#include "registry/registryclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::test;
using namespace std::chrono_literals;

class TestImageCli final : public QObject
{
    Q_OBJECT

private:
    RegistryServer m_registry;
    DockerDaemon m_daemon;
    QTemporaryDir m_workspace;
    QTemporaryDir m_dockerConfig;
    QTemporaryDir m_home;

    QString image() const { return m_registry.host() + u"/shop/cli:1.0"_qs; }

    bool writeDockerConfig(const QString& password)
    {
        return writeFile(m_dockerConfig.filePath(u"config.json"_qs),
                         m_registry.dockerConfig(password));
    }

    CliRun image(const QStringList& arguments)
    {
        return runCli(QStringLiteral(LAUNCHDECK_BINARY),
                      QStringList{u"--workspace"_qs, m_workspace.path(), u"image"_qs} + arguments,
                      {}, m_home.path(), 120s);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_registry.start(&error), qPrintable(error));
        m_daemon.setExtraArguments({u"--insecure-registry"_qs, m_registry.host()});
        QVERIFY2(m_daemon.start(&error), qPrintable(error));
        QVERIFY(writeFile(m_workspace.filePath(u"launchdeck.yaml"_qs),
                          "version: 1\nname: images\ntargets:\n  host:\n    type: docker\n"
                          "    host: " +
                              m_daemon.host().toUtf8() +
                              "\nenvironments:\n  staging:\n    target: host\n"
                              "  production:\n    target: host\napplications: {}\n"));
        QVERIFY(writeDockerConfig(RegistryServer::password()));
        qputenv("DOCKER_CONFIG", m_dockerConfig.path().toUtf8());
        const Result<DockerEndpoint> endpoint = DockerEndpoint::parse(m_daemon.host());
        QVERIFY(endpoint);
        QVERIFY(tagImage(*endpoint, {}, u"busybox:local"_qs, image()));
    }

    void cleanupTestCase() { qunsetenv("DOCKER_CONFIG"); }

    void pushThenPullBack()
    {
        // Both environments are on one host: --env may be left out.
        const CliRun pushed = image({u"push"_qs, image()});
        QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        QVERIFY2(pushed.err.contains(u"pushing " + image() + u" with the credentials of tester"),
                 qPrintable(pushed.err));
        QVERIFY2(pushed.err.contains(u": Pushed"), qPrintable(pushed.err));
        QVERIFY2(pushed.out.startsWith(u"pushed " + image() + u" (sha256:"),
                 qPrintable(pushed.out));

        const registry::RegistryEndpoint endpoint = m_registry.endpoint();
        registry::RegistryClient client(endpoint);
        const Result<registry::ManifestInfo> manifest = client.manifest(u"shop/cli"_qs, u"1.0"_qs);
        QVERIFY2(manifest, qPrintable(manifest ? QString() : manifest.error().toString()));
        QVERIFY(pushed.out.contains(manifest->digest));

        DockerClient docker(*DockerEndpoint::parse(m_daemon.host()));
        QVERIFY(docker.removeImage(image()));
        const CliRun pulled =
            image({u"pull"_qs, image(), u"--env"_qs, u"staging"_qs, u"--json"_qs});
        QVERIFY2(pulled.exitCode == 0, qPrintable(pulled.err));
        QVERIFY2(pulled.err.contains(u"1.0: Pulling from shop/cli"), qPrintable(pulled.err));
        const QJsonObject json = QJsonDocument::fromJson(pulled.out.toUtf8()).object();
        QCOMPARE(json[u"digest"].toString(), manifest->digest);
        QCOMPARE(json[u"environment"].toString(), u"staging"_qs);
        QVERIFY(docker.inspectImage(image())->has_value());
    }

    void aWrongPasswordIsRefused()
    {
        QVERIFY(writeDockerConfig(u"not-the-pw"_qs));
        const CliRun refused = image({u"pull"_qs, image()});
        QVERIFY(writeDockerConfig(RegistryServer::password()));
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(u"cannot pull " + image()), qPrintable(refused.err));
        QVERIFY2(refused.err.contains(u"unauthorized", Qt::CaseInsensitive) ||
                     refused.err.contains(u"authentication required"),
                 qPrintable(refused.err));
        QVERIFY(!refused.err.contains(u"not-the-pw"));
    }

    void usageErrors()
    {
        QCOMPARE(image({u"frobnicate"_qs}).exitCode, 2);
        QCOMPARE(image({u"pull"_qs}).exitCode, 2);
        QCOMPARE(image({u"pull"_qs, image(), u"--force"_qs}).exitCode, 2);
        const CliRun unknown = image({u"pull"_qs, image(), u"--env"_qs, u"nowhere"_qs});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains(u"no environment 'nowhere'"), qPrintable(unknown.err));
    }
};

QTEST_MAIN(TestImageCli)
#include "tst_imagecli.moc"
