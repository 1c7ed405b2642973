// Tests of the Kubernetes REST client against the fake API server over TLS: each way of signing
// in (client certificate, token, token file, exec plugin run again after a 401), the messages of
// refused, forbidden and missing requests, certificate trouble, unreachable and hung servers,
// cancelled streams, and discovery.
#include "fakes/kubeapiserver.h"
#include "fakes/misbehavingserver.h"
#include "fakes/testfiles.h"
#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubeclient.h"
#include "kubernetes/kubeconfig.h"
#include "kubernetes/kubediscovery.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace launchdeck;
using namespace launchdeck::kube;

class TestKubeClient final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void requestWithClientCertificate();
    void requestWithToken();
    void refusedTokenIsExplainedWithoutIt();
    void viewerMayNotCreate();
    void missingObjectNamesIt();
    void unknownCertificateAuthorityIsNamed();
    void systemStoreDoesNotTrustTheTestCa();
    void insecureSkipsVerification();
    void tlsServerNameIsVerified();
    void execPluginRunsAgainAfter401();
    void expiredExecCredentialRunsThePluginAgain();
    void tokenFileIsReadAgainWhenItChanges();
    void headersCarryImpersonationAndBasicSignIn();
    void proxyUrlCarriesTheRequests();
    void refusedPortIsUnreachable();
    void cancelEndsAStreamQuickly();
    void hungServerEndsTheStreamAsUnreachable();
    void statusMessageOfOtherAnswers();
    void discoveryFindsKinds();

private:
    ClusterConnection connection(const QString& context) const;

    test::KubeApiServer m_server;
    QTemporaryDir m_dir;
};

namespace {

const QString kCluster = QStringLiteral("fake");

// The plugin: a wrong token on its first run, the server's token on every later one; counts its
// runs in a file beside it.
const QByteArray kPlugin = R"(#!/bin/sh
dir=$(dirname "$0")
n=$(cat "$dir/runs" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$dir/runs"
token="$GOOD_TOKEN"
[ "$n" = 1 ] && [ "$FIRST_BAD" = yes ] && token="not-the-token-$n"
echo "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$token\"$EXPIRY}}"
)";

int readRuns(const QString& folder)
{
    return test::readFile(folder + u"/runs").trimmed().toInt();
}

} // namespace

void TestKubeClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
}

ClusterConnection TestKubeClient::connection(const QString& context) const
{
    Result<Kubeconfig> config = loadKubeconfigFile(m_server.kubeconfigPath());
    if (!config)
        qFatal("%s", qPrintable(config.error().toString()));
    Result<ClusterConnection> resolved = resolveContext(*config, context);
    if (!resolved)
        qFatal("%s", qPrintable(resolved.error().toString()));
    return *resolved;
}

void TestKubeClient::requestWithClientCertificate()
{
    KubeClient client(connection(QStringLiteral("cert")), kCluster);
    const KubeAnswer answer = client.get(QStringLiteral("/api/v1/namespaces/default"));
    QVERIFY2(answer.ok(), qPrintable(answer.error));
    QCOMPARE(answer.status, 200);
    QCOMPARE(QJsonDocument::fromJson(answer.body)[QLatin1String("metadata")][QLatin1String("name")]
                 .toString(),
             u"default");
    QVERIFY(client.insecureWarning().isEmpty());
}

void TestKubeClient::requestWithToken()
{
    KubeClient client(connection(QStringLiteral("token")), kCluster);
    const QByteArray body = R"({"metadata":{"name":"made-with-token"},"data":{"a":"1"}})";
    const KubeAnswer created =
        client.request("POST", QStringLiteral("/api/v1/namespaces/default/configmaps"), body);
    QVERIFY2(created.ok(), qPrintable(created.error));
    QCOMPARE(created.status, 201);
    const KubeAnswer read =
        client.get(QStringLiteral("/api/v1/namespaces/default/configmaps/made-with-token"));
    QVERIFY2(read.ok(), qPrintable(read.error));
    QCOMPARE(
        QJsonDocument::fromJson(read.body)[QLatin1String("data")][QLatin1String("a")].toString(),
        u"1");
}

void TestKubeClient::refusedTokenIsExplainedWithoutIt()
{
    ClusterConnection refused = connection(QStringLiteral("token"));
    refused.token = QStringLiteral("refused-secret-token");
    KubeClient client(refused, kCluster);
    const KubeAnswer answer = client.get(QStringLiteral("/api/v1/namespaces"));
    QCOMPARE(answer.status, 401);
    QVERIFY(!answer.unreachable);
    QCOMPARE(answer.reason, u"Unauthorized");
    QVERIFY2(answer.error.startsWith(u"Unauthorized (HTTP 401)"), qPrintable(answer.error));
    QVERIFY2(answer.error.contains(u"refused the credentials of user \"token\""),
             qPrintable(answer.error));
    QVERIFY(!answer.error.contains(refused.token));
}

void TestKubeClient::viewerMayNotCreate()
{
    KubeClient client(connection(QStringLiteral("viewer")), kCluster);
    QVERIFY2(client.get(QStringLiteral("/api/v1/namespaces/default/configmaps")).ok(),
             "the viewer may list");
    const KubeAnswer answer =
        client.request("POST", QStringLiteral("/api/v1/namespaces/default/configmaps"),
                       R"({"metadata":{"name":"not-allowed"}})");
    QCOMPARE(answer.status, 403);
    QCOMPARE(answer.reason, u"Forbidden");
    QVERIFY(!answer.unreachable);
    QVERIFY2(answer.error.startsWith(u"Forbidden (HTTP 403): configmaps is forbidden: User"),
             qPrintable(answer.error));
    QVERIFY2(answer.error.contains(u"cannot create resource \"configmaps\""),
             qPrintable(answer.error));
}

void TestKubeClient::missingObjectNamesIt()
{
    KubeClient client(connection(QStringLiteral("cert")), kCluster);
    const KubeAnswer answer =
        client.get(QStringLiteral("/apis/apps/v1/namespaces/default/deployments/web"));
    QCOMPARE(answer.status, 404);
    QCOMPARE(answer.reason, u"NotFound");
    QCOMPARE(answer.error, u"NotFound (HTTP 404): deployments.apps \"web\" not found");
}

void TestKubeClient::unknownCertificateAuthorityIsNamed()
{
    const QString other = m_dir.filePath(QStringLiteral("other-ca"));
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
                  {u"req"_qs, u"-x509"_qs, u"-newkey"_qs, u"rsa:2048"_qs, u"-nodes"_qs,
                   u"-keyout"_qs, other + u".key", u"-out"_qs, other + u".crt", u"-days"_qs,
                   u"1"_qs, u"-subj"_qs, u"/CN=another-ca"_qs});
    QVERIFY2(openssl.waitForFinished(60'000) && openssl.exitCode() == 0,
             qPrintable(QString::fromUtf8(openssl.readAll())));
    ClusterConnection wrong = connection(QStringLiteral("token"));
    wrong.caData = test::readFile(other + u".crt");
    KubeClient client(wrong, kCluster);
    const KubeAnswer answer = client.get(QStringLiteral("/api/v1/namespaces"));
    QCOMPARE(answer.status, 0);
    QVERIFY(answer.unreachable);
    QVERIFY2(answer.error.startsWith(u"cluster fake (" + m_server.url() +
                                     u"): the API server's certificate is not signed by the "
                                     u"cluster's certificate authority ("),
             qPrintable(answer.error));
    QVERIFY(!answer.error.contains(wrong.token));
}

void TestKubeClient::systemStoreDoesNotTrustTheTestCa()
{
    ClusterConnection noCa = connection(QStringLiteral("token"));
    noCa.caData.clear();
    KubeClient client(noCa, kCluster);
    const KubeAnswer answer = client.get(QStringLiteral("/api/v1/namespaces"));
    QVERIFY(answer.unreachable);
    QVERIFY2(answer.error.contains(u"not signed by a certificate authority this system trusts"),
             qPrintable(answer.error));
}

void TestKubeClient::insecureSkipsVerification()
{
    ClusterConnection insecure = connection(QStringLiteral("token"));
    insecure.caData.clear();
    insecure.insecureSkipTlsVerify = true;
    insecure.insecureWarning = QStringLiteral("TLS verification is off for cluster \"fake\"");
    KubeClient client(insecure, kCluster);
    const KubeAnswer answer = client.get(QStringLiteral("/api/v1/namespaces"));
    QVERIFY2(answer.ok(), qPrintable(answer.error));
    QCOMPARE(client.insecureWarning(), insecure.insecureWarning);
}

void TestKubeClient::tlsServerNameIsVerified()
{
    // The server's certificate names 127.0.0.1 and localhost; the URL names 127.0.0.1.
    ClusterConnection named = connection(QStringLiteral("token"));
    named.tlsServerName = QStringLiteral("localhost");
    KubeClient good(named, kCluster);
    const KubeAnswer answer = good.get(QStringLiteral("/api/v1/namespaces"));
    QVERIFY2(answer.ok(), qPrintable(answer.error));

    named.tlsServerName = QStringLiteral("api.elsewhere.example");
    KubeClient bad(named, kCluster);
    const KubeAnswer refused = bad.get(QStringLiteral("/api/v1/namespaces"));
    QVERIFY(refused.unreachable);
    QVERIFY2(refused.error.contains(u"not issued for the name api.elsewhere.example"),
             qPrintable(refused.error));
}

void TestKubeClient::execPluginRunsAgainAfter401()
{
    QTemporaryDir folder;
    const QString plugin = folder.filePath(QStringLiteral("plugin.sh"));
    QVERIFY(test::writeFile(plugin, kPlugin));
    QFile::setPermissions(plugin, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    ClusterConnection c = connection(QStringLiteral("token"));
    c.token.clear();
    c.hasExec = true;
    c.exec.command = plugin;
    c.exec.apiVersion = QStringLiteral("client.authentication.k8s.io/v1");
    c.exec.interactiveMode = QStringLiteral("Never");
    c.exec.env = {{QStringLiteral("GOOD_TOKEN"), m_server.token()},
                  {QStringLiteral("FIRST_BAD"), QStringLiteral("yes")}};
    KubeClient client(c, kCluster);

    // The first credential is refused: the plugin runs again and the request is retried.
    const KubeAnswer first = client.get(QStringLiteral("/api/v1/namespaces"));
    QVERIFY2(first.ok(), qPrintable(first.error));
    QCOMPARE(readRuns(folder.path()), 2);
    // The second one is kept while the server takes it.
    const KubeAnswer second = client.get(QStringLiteral("/api/v1/namespaces"));
    QVERIFY2(second.ok(), qPrintable(second.error));
    QCOMPARE(readRuns(folder.path()), 2);
}

void TestKubeClient::expiredExecCredentialRunsThePluginAgain()
{
    QTemporaryDir folder;
    const QString plugin = folder.filePath(QStringLiteral("plugin.sh"));
    QVERIFY(test::writeFile(plugin, kPlugin));
    QFile::setPermissions(plugin, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    ClusterConnection c = connection(QStringLiteral("token"));
    c.token.clear();
    c.hasExec = true;
    c.exec.command = plugin;
    c.exec.apiVersion = QStringLiteral("client.authentication.k8s.io/v1");
    c.exec.interactiveMode = QStringLiteral("Never");
    c.exec.env = {{QStringLiteral("GOOD_TOKEN"), m_server.token()},
                  {QStringLiteral("EXPIRY"),
                   QStringLiteral(R"(,"expirationTimestamp":"2001-01-01T00:00:00Z")")}};
    KubeClient client(c, kCluster);
    for (int i = 1; i <= 3; ++i) {
        const KubeAnswer answer = client.get(QStringLiteral("/api/v1/namespaces"));
        QVERIFY2(answer.ok(), qPrintable(answer.error));
        QCOMPARE(readRuns(folder.path()), i);
    }
}

void TestKubeClient::tokenFileIsReadAgainWhenItChanges()
{
    const QString file = m_dir.filePath(QStringLiteral("token-file"));
    QVERIFY(test::writeFile(file, "stale\n"));
    ClusterConnection c = connection(QStringLiteral("token"));
    c.token.clear();
    c.tokenFile = BearerTokenFile(file);
    KubeClient client(c, kCluster);
    QCOMPARE(client.get(QStringLiteral("/api/v1/namespaces")).status, 401);
    QVERIFY(test::writeFile(file, m_server.token().toUtf8() + '\n'));
    const KubeAnswer answer = client.get(QStringLiteral("/api/v1/namespaces"));
    QVERIFY2(answer.ok(), qPrintable(answer.error));
}

void TestKubeClient::headersCarryImpersonationAndBasicSignIn()
{
    test::MisbehavingServer server(test::MisbehavingServer::Behaviour::AnswerGiven);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    server.setAnswer(200, "application/json", R"({"kind":"Status"})");
    ClusterConnection c;
    c.server = server.url(QString());
    c.userName = QStringLiteral("admin");
    c.username = QStringLiteral("admin");
    c.password = QStringLiteral("p4ssw0rd");
    c.impersonate = QStringLiteral("jane");
    c.impersonateGroups = {QStringLiteral("developers"), QStringLiteral("ops")};
    KubeClient client(c, QStringLiteral("plain"));
    const KubeAnswer answer = client.request("PATCH", QStringLiteral("/apis/apps/v1/x"), "{}",
                                             "application/merge-patch+json");
    QVERIFY2(answer.ok(), qPrintable(answer.error));
    const QByteArray request = server.lastRequest();
    QVERIFY2(request.startsWith("PATCH /apis/apps/v1/x HTTP/1.1\r\n"), request.constData());
    QVERIFY2(request.contains("\r\nImpersonate-User: jane\r\n"), request.constData());
    QVERIFY2(request.contains("\r\nImpersonate-Group: developers\r\n"), request.constData());
    QVERIFY2(request.contains("\r\nImpersonate-Group: ops\r\n"), request.constData());
    QVERIFY2(request.contains("\r\nContent-Type: application/merge-patch+json\r\n"),
             request.constData());
    QVERIFY2(request.contains(QByteArray("\r\nAuthorization: Basic " +
                                         QByteArray("admin:p4ssw0rd").toBase64() + "\r\n")),
             request.constData());
}

void TestKubeClient::proxyUrlCarriesTheRequests()
{
    test::MisbehavingServer proxy(test::MisbehavingServer::Behaviour::AnswerGiven);
    QString error;
    QVERIFY2(proxy.start(&error), qPrintable(error));
    proxy.setAnswer(200, "application/json", R"({"major":"1","minor":"31"})");
    ClusterConnection c;
    c.server = QStringLiteral("http://cluster.invalid:8080");
    c.proxyUrl = proxy.url(QString());
    c.token = QStringLiteral("proxied-token");
    KubeClient client(c, QStringLiteral("proxied"));
    const KubeAnswer answer = client.get(QStringLiteral("/version"));
    QVERIFY2(answer.ok(), qPrintable(answer.error));
    const QByteArray request = proxy.lastRequest();
    QVERIFY2(request.startsWith("GET http://cluster.invalid:8080/version HTTP/1.1\r\n"),
             request.constData());
}

void TestKubeClient::refusedPortIsUnreachable()
{
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost));
    const quint16 port = listener.serverPort();
    listener.close();
    ClusterConnection c = connection(QStringLiteral("token"));
    c.server = u"https://127.0.0.1:" + QString::number(port);
    KubeClient client(c, kCluster);
    const KubeAnswer answer = client.get(QStringLiteral("/api/v1/namespaces"));
    QCOMPARE(answer.status, 0);
    QVERIFY(answer.unreachable);
    QVERIFY2(answer.error.startsWith(u"cluster fake (" + c.server + u"): connection refused"),
             qPrintable(answer.error));
}

void TestKubeClient::cancelEndsAStreamQuickly()
{
    KubeClient client(connection(QStringLiteral("cert")), kCluster);
    std::atomic_bool cancel{false};
    std::atomic<qint64> cancelledAt{0};
    QElapsedTimer clock;
    clock.start();
    int chunks = 0;
    // The first chunk (the namespaces as ADDED) shows the watch is open; cancel from elsewhere.
    std::thread canceller;
    const KubeAnswer answer = client.stream(
        QStringLiteral("/api/v1/namespaces?watch=1"),
        [&](QByteArrayView) {
            if (++chunks == 1)
                canceller = std::thread([&] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(200));
                    cancelledAt = clock.elapsed();
                    cancel = true;
                });
            return true;
        },
        StreamControl{&cancel, 0});
    const qint64 ended = clock.elapsed();
    canceller.join();
    QCOMPARE(answer.error, u"cancelled");
    QVERIFY(!answer.unreachable);
    QVERIFY(chunks >= 1);
    const qint64 after = ended - cancelledAt;
    QVERIFY2(after < 1000, qPrintable(u"ended " + QString::number(after) + u" ms after cancel"));
}

void TestKubeClient::hungServerEndsTheStreamAsUnreachable()
{
    test::MisbehavingServer hung(test::MisbehavingServer::Behaviour::NeverAnswer);
    QString error;
    QVERIFY2(hung.start(&error), qPrintable(error));
    ClusterConnection c = connection(QStringLiteral("token"));
    c.server = u"https://127.0.0.1:" + QString::number(hung.port());
    KubeClient client(c, kCluster);
    bool called = false;
    // Should the idle limit not work, the test ends by this cancel instead of hanging.
    std::atomic_bool giveUp{false};
    std::thread watchdog([&giveUp] {
        for (int i = 0; i < 200 && !giveUp; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        giveUp = true;
    });
    const KubeAnswer streamed = client.stream(
        QStringLiteral("/api/v1/pods?watch=1"),
        [&](QByteArrayView) {
            called = true;
            return true;
        },
        StreamControl{&giveUp, 400});
    giveUp = true;
    watchdog.join();
    QVERIFY(!called);
    QVERIFY(streamed.unreachable);
    QVERIFY2(streamed.error.contains(u"the API server stopped answering"),
             qPrintable(streamed.error));
    QVERIFY2(streamed.error.startsWith(u"cluster fake (" + c.server + u')'),
             qPrintable(streamed.error));

    const KubeAnswer requested = client.get(QStringLiteral("/api/v1/pods"), 400);
    QVERIFY(requested.unreachable);
    QVERIFY2(requested.error.contains(u"timed out after 400 ms"), qPrintable(requested.error));
}

void TestKubeClient::statusMessageOfOtherAnswers()
{
    QCOMPARE(statusMessage(503, {}), u"HTTP 503 with an empty answer");
    QCOMPARE(statusMessage(502, "<html>\n  <b>Bad gateway</b>\n</html>"),
             u"HTTP 502: <html> <b>Bad gateway</b> </html>");
    QString reason = QStringLiteral("unchanged");
    const QString message = statusMessage(
        422, R"({"kind":"Status","reason":"Invalid","message":")" + QByteArray(400, 'x') + "\"}",
        &reason);
    QCOMPARE(reason, u"Invalid");
    QVERIFY2(message.startsWith(u"Invalid (HTTP 422): xxx"), qPrintable(message));
    QCOMPARE(message.size(), QStringLiteral("Invalid (HTTP 422): ").size() + 300);
    QCOMPARE(queryValue(QStringLiteral("app in (web, api),tier!=db")),
             u"app%20in%20%28web%2C%20api%29%2Ctier%21%3Ddb");
}

void TestKubeClient::discoveryFindsKinds()
{
    KubeClient client(connection(QStringLiteral("viewer")), kCluster);
    const Result<Discovery> discovery = Discovery::load(client);
    QVERIFY2(discovery.ok(), qPrintable(discovery.ok() ? QString() : discovery.error().toString()));
    QCOMPARE(discovery->version().gitVersion, u"v1.31.0");
    QCOMPARE(discovery->version().major, 1);
    QCOMPARE(discovery->version().minor, 31);
    for (const QString& name : {u"Deployment"_qs, u"deploy"_qs, u"deployments"_qs,
                                u"deployments.apps"_qs, u"deployment"_qs}) {
        const ResourceInfo* deployment = discovery->find(name);
        QVERIFY2(deployment, qPrintable(name));
        QCOMPARE(deployment->kind, u"Deployment");
        QCOMPARE(deployment->apiVersion(), u"apps/v1");
        QVERIFY(deployment->namespaced);
        QVERIFY(deployment->supports(u"watch"_qs));
        QCOMPARE(deployment->collectionPath(u"prod"_qs),
                 u"/apis/apps/v1/namespaces/prod/deployments");
        QCOMPARE(deployment->objectPath(u"prod"_qs, u"web"_qs),
                 u"/apis/apps/v1/namespaces/prod/deployments/web");
    }
    const ResourceInfo* pods = discovery->find(u"pods"_qs);
    QVERIFY(pods);
    QCOMPARE(pods->collectionPath(), u"/api/v1/pods");
    QCOMPARE(discovery->find(u"po"_qs), pods);
    const ResourceInfo* nodes = discovery->find(u"Node"_qs);
    QVERIFY(nodes);
    QVERIFY(!nodes->namespaced);
    QCOMPARE(nodes->objectPath(u"ignored"_qs, u"n1"_qs), u"/api/v1/nodes/n1");
    QVERIFY(discovery->hasGroup(u"apps"_qs));
    QVERIFY(!discovery->hasGroup(u"metrics.k8s.io"_qs) || discovery->find(u"PodMetrics"_qs));
    QVERIFY(!discovery->find(u"nothing-like-this"_qs));
    for (const ResourceInfo& info : discovery->resources())
        QVERIFY2(!info.plural.contains(u'/'), qPrintable(info.plural));
}

QTEST_GUILESS_MAIN(TestKubeClient)
#include "tst_kubeclient.moc"
