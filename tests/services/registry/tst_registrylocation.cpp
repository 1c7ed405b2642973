// Reaching a registry as the Docker daemon does: the insecure registries of a daemon's /info
// (names and CIDRs), the endpoints in the daemon's order with the CA of its certs.d folder, and
// against the test registry (docker-registry with TLS and htpasswd) the endpoint that answers,
// or its refusal in its words.
#include "fakes/registryserver.h"
#include "registry/registrylocation.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::registry;
using namespace launchdeck::test;

class TestRegistryLocation final : public QObject
{
    Q_OBJECT

private:
    RegistryServer m_registry;
    QTemporaryDir m_certs;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_registry.start(&error), qPrintable(error));
        QVERIFY(QDir(m_certs.path()).mkpath(m_registry.host()));
        QVERIFY(
            QFile::copy(m_registry.caFile(), m_certs.filePath(m_registry.host() + u"/ca.crt"_qs)));
    }

    void readsTheDaemonsInsecureRegistries()
    {
        // As dockerd 20.10 answers GET /info with --insecure-registry registry.local:5000.
        const QJsonObject info = QJsonDocument::fromJson(R"({"RegistryConfig": {
            "InsecureRegistryCIDRs": ["::1/128", "127.0.0.0/8"],
            "IndexConfigs": {
                "docker.io": {"Name": "docker.io", "Secure": true, "Official": true},
                "registry.local:5000": {"Name": "registry.local:5000", "Secure": false}
            }}})")
                                     .object();
        const QStringList insecure = insecureRegistriesOf(info);
        QCOMPARE(insecure,
                 (QStringList{u"::1/128"_qs, u"127.0.0.0/8"_qs, u"registry.local:5000"_qs}));
        QVERIFY(isInsecureRegistry(u"registry.local:5000"_qs, insecure));
        QVERIFY(isInsecureRegistry(u"127.0.0.1:5000"_qs, insecure));
        QVERIFY(isInsecureRegistry(u"localhost:5000"_qs, insecure));
        QVERIFY(isInsecureRegistry(u"[::1]:5000"_qs, insecure));
        QVERIFY(!isInsecureRegistry(u"registry.local:5001"_qs, insecure));
        QVERIFY(!isInsecureRegistry(u"10.1.2.3:5000"_qs, insecure));
        QVERIFY(isInsecureRegistry(u"10.1.2.3:5000"_qs, {u"10.0.0.0/8"_qs}));
        QVERIFY(insecureRegistriesOf(QJsonObject()).isEmpty());
    }

    void namesTheRegistryOfAnImage()
    {
        QCOMPARE(registryHostOf(u"127.0.0.1:5000/shop/web:1.0"_qs), u"127.0.0.1:5000"_qs);
        QCOMPARE(registryHostOf(u"localhost/shop/web"_qs), u"localhost"_qs);
        QCOMPARE(registryHostOf(u"shop/web:1.0"_qs), u"docker.io"_qs);
        QCOMPARE(registryHostOf(u"nginx"_qs), u"docker.io"_qs);
        QVERIFY(namesRegistryHost(u"registry.example.com/shop/web"_qs));
        QVERIFY(namesRegistryHost(u"docker.io/shop/web"_qs));
        QVERIFY(!namesRegistryHost(u"shop/web:1.0"_qs));
        QVERIFY(!namesRegistryHost(u"nginx:1.25"_qs));
    }

    void endpointsInTheDaemonsOrder()
    {
        DaemonRegistryConfig config;
        config.certsDir = m_certs.path();
        config.insecureRegistries = {u"127.0.0.0/8"_qs};
        const QList<RegistryEndpoint> local = registryEndpoints(m_registry.host(), config);
        QCOMPARE(local.size(), 2);
        QVERIFY(!local.at(0).insecure);
        QVERIFY(!local.at(0).verifyPeer);
        QCOMPARE(local.at(0).caFile, m_certs.filePath(m_registry.host() + u"/ca.crt"_qs));
        QVERIFY(local.at(1).insecure);

        const QList<RegistryEndpoint> secure =
            registryEndpoints(u"registry.example.com"_qs, config);
        QCOMPARE(secure.size(), 1);
        QVERIFY(!secure.at(0).insecure);
        QVERIFY(secure.at(0).verifyPeer);
        QVERIFY(secure.at(0).caFile.isEmpty());
        config.insecureRegistries = {u"0.0.0.0/0"_qs, u"docker.io"_qs};
        QCOMPARE(registryEndpoints(u"docker.io"_qs, config).size(), 1);
    }

    void reachesTheRegistryOverTls()
    {
        DaemonRegistryConfig config;
        config.certsDir = m_certs.path();
        config.insecureRegistries = {u"127.0.0.0/8"_qs};
        const Result<RegistryEndpoint> reached = reachRegistry(
            m_registry.host(), config,
            RegistryCredentials{RegistryServer::username(), RegistryServer::password()});
        QVERIFY2(reached, qPrintable(reached ? QString() : reached.error().toString()));
        QVERIFY(!reached->insecure);
        QVERIFY(reached->credentials);
        RegistryClient client(*reached);
        QVERIFY(client.ping());
    }

    void refusalsInTheRegistrysWords()
    {
        DaemonRegistryConfig config;
        config.certsDir = m_certs.path();
        RegistryFailure failure = RegistryFailure::Protocol;
        const Result<RegistryEndpoint> refused = reachRegistry(
            m_registry.host(), config,
            RegistryCredentials{RegistryServer::username(), u"bad-pass-58"_qs}, &failure);
        QVERIFY(!refused);
        QCOMPARE(failure, RegistryFailure::Unauthorized);
        QVERIFY(!refused.error().toString().contains(u"bad-pass-58"));

        // Without its CA the daemon's certs.d would need, the certificate is unknown: the
        // message says where the CA goes.
        config.certsDir = m_certs.filePath(u"elsewhere"_qs);
        const Result<RegistryEndpoint> unknown =
            reachRegistry(m_registry.host(), config, std::nullopt, &failure);
        QVERIFY(!unknown);
        QCOMPARE(failure, RegistryFailure::UnknownCA);
        QVERIFY2(unknown.error().message.contains(u"certs.d"),
                 qPrintable(unknown.error().toString()));
        // An insecure registry is spoken to over TLS whoever signed its certificate, as the
        // daemon does.
        config.insecureRegistries = {m_registry.host()};
        const Result<RegistryEndpoint> insecure = reachRegistry(
            m_registry.host(), config,
            RegistryCredentials{RegistryServer::username(), RegistryServer::password()});
        QVERIFY2(insecure, qPrintable(insecure ? QString() : insecure.error().toString()));
        QVERIFY(!insecure->insecure);
        QVERIFY(!insecure->verifyPeer);
    }
};

QTEST_MAIN(TestRegistryLocation)
#include "tst_registrylocation.moc"
