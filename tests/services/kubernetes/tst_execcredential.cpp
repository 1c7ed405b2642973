// Tests of exec credential plugins, run for real: a shell script written here answers as a
// plugin would (v1 and v1beta1) and counts its runs, so caching until expiry, the run after a
// 401, the request in KUBERNETES_EXEC_INFO and every failure's message can be checked.
#include "kubernetes/clusterconnection.h"
#include "kubernetes/execcredential.h"
#include "kubernetes/kubeconfig.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace std::chrono_literals;

class TestExecCredential final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cachedUntilExpiryAndRunAgainAfter401_data();
    void cachedUntilExpiryAndRunAgainAfter401();
    void passesArgsEnvAndExecInfo_data();
    void passesArgsEnvAndExecInfo();
    void acceptsClientCertificates();
    void failuresAreExplained_data();
    void failuresAreExplained();

private:
    ClusterConnection connection(const QString& apiVersion, const QString& mode,
                                 const QString& expiry = QStringLiteral("2030-01-01T00:00:00Z"),
                                 bool provideClusterInfo = false);
    int runs() const;
    QByteArray read(const QString& name) const;

    QTemporaryDir m_dir;
};

namespace {

const QString kV1 = QStringLiteral("client.authentication.k8s.io/v1");
const QString kV1beta1 = QStringLiteral("client.authentication.k8s.io/v1beta1");

// The plugin: its behaviour comes from the env the kubeconfig declares, as a real plugin's
// profile or region would.
const QByteArray kPlugin = R"(#!/bin/sh
dir=$(dirname "$0")
n=$(cat "$dir/runs" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$dir/runs"
printf '%s\n' "$@" > "$dir/args"
printf '%s' "$PLUGIN_KEY" > "$dir/key"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/info"
expiry=""
[ -n "$PLUGIN_EXPIRY" ] && expiry=",\"expirationTimestamp\":\"$PLUGIN_EXPIRY\""
case "$PLUGIN_MODE" in
token)
    echo "{\"apiVersion\":\"$PLUGIN_API\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"token-$n\"$expiry}}" ;;
cert)
    echo "{\"apiVersion\":\"$PLUGIN_API\",\"kind\":\"ExecCredential\",\"status\":{\"clientCertificateData\":\"CERT-$n\",\"clientKeyData\":\"KEY-SECRET-$n\"$expiry}}" ;;
fail)
    echo "{\"apiVersion\":\"$PLUGIN_API\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"TOKEN-SECRET-OUT\"}}"
    echo "profile prod has no credentials for $PLUGIN_KEY" >&2
    exit 3 ;;
badjson)
    echo "{\"apiVersion\":\"$PLUGIN_API\",\"status\":{\"token\":\"TOKEN-SECRET-OUT\"" ;;
noauth)
    echo "{\"apiVersion\":\"$PLUGIN_API\",\"kind\":\"ExecCredential\",\"status\":{}}" ;;
slow)
    exec sleep 30 ;;
esac
)";

} // namespace

void TestExecCredential::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile plugin(m_dir.filePath(QStringLiteral("plugin.sh")));
    QVERIFY(plugin.open(QIODevice::WriteOnly));
    plugin.write(kPlugin);
    plugin.close();
    QVERIFY(plugin.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
}

void TestExecCredential::init()
{
    QFile::remove(m_dir.filePath(QStringLiteral("runs")));
}

int TestExecCredential::runs() const
{
    return read(QStringLiteral("runs")).trimmed().toInt();
}

QByteArray TestExecCredential::read(const QString& name) const
{
    QFile file(m_dir.filePath(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Through a kubeconfig, so the relative command is resolved as kubectl resolves it.
ClusterConnection TestExecCredential::connection(const QString& apiVersion, const QString& mode,
                                                 const QString& expiry, bool provideClusterInfo)
{
    const QByteArray text = "clusters:\n- name: c\n  cluster:\n    server: https://c.example:6443\n"
                            "    certificate-authority-data: " +
                            QByteArray("PEM-CA").toBase64() +
                            "\nusers:\n- name: u\n  user:\n    exec:\n"
                            "      command: ./plugin.sh\n"
                            "      apiVersion: " +
                            apiVersion.toUtf8() + "\n      interactiveMode: IfAvailable\n" +
                            "      provideClusterInfo: " + (provideClusterInfo ? "true" : "false") +
                            "\n      args: [get-token, --region, eu west]\n"
                            "      installHint: install it with the package manager\n"
                            "      env:\n"
                            "      - {name: PLUGIN_MODE, value: " +
                            mode.toUtf8() + "}\n      - {name: PLUGIN_API, value: \"" +
                            apiVersion.toUtf8() + "\"}\n      - {name: PLUGIN_EXPIRY, value: \"" +
                            expiry.toUtf8() +
                            "\"}\n      - {name: PLUGIN_KEY, value: ENV-SECRET-VALUE}\n"
                            "contexts: [{name: x, context: {cluster: c, user: u}}]\n";
    const QString path = m_dir.filePath(QStringLiteral("kubeconfig"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write the kubeconfig");
    file.close();
    const auto config = loadKubeconfigFile(path);
    if (!config)
        qFatal("%s", qPrintable(config.error().toString()));
    auto resolved = resolveContext(*config, QStringLiteral("x"));
    if (!resolved)
        qFatal("%s", qPrintable(resolved.error().toString()));
    return *resolved;
}

void TestExecCredential::cachedUntilExpiryAndRunAgainAfter401_data()
{
    QTest::addColumn<QString>("apiVersion");
    QTest::newRow("v1") << kV1;
    QTest::newRow("v1beta1") << kV1beta1;
}

void TestExecCredential::cachedUntilExpiryAndRunAgainAfter401()
{
    QFETCH(QString, apiVersion);
    ExecCredentialProvider provider(connection(apiVersion, QStringLiteral("token")));
    QDateTime now = QDateTime::fromString(u"2029-12-31T23:00:00Z"_qs, Qt::ISODate);
    provider.setClock([&now] { return now; });

    const auto first = provider.credential();
    QVERIFY2(first.ok(), first ? "" : qPrintable(first.error().toString()));
    QCOMPARE(first->token, u"token-1"_qs);
    QCOMPARE(first->expiry, QDateTime::fromString(u"2030-01-01T00:00:00Z"_qs, Qt::ISODate));
    QCOMPARE(runs(), 1);

    const auto cached = provider.credential();
    QVERIFY(cached.ok());
    QCOMPARE(cached->token, u"token-1"_qs);
    QCOMPARE(runs(), 1);

    now = now.addSecs(2 * 3600); // past the expiry
    const auto renewed = provider.credential();
    QVERIFY(renewed.ok());
    QCOMPARE(renewed->token, u"token-2"_qs);
    QCOMPARE(runs(), 2);
    QCOMPARE(provider.runs(), 2);

    // Still within its own expiry (the plugin says 2030 each time, and the clock went back to
    // before it): only the 401 makes it run.
    now = now.addSecs(-2 * 3600);
    const auto after401 = provider.refreshAfterUnauthorized(*renewed);
    QVERIFY(after401.ok());
    QCOMPARE(after401->token, u"token-3"_qs);
    QCOMPARE(runs(), 3);

    // A 401 to a request made with a credential already replaced does not run it again.
    const auto stale = provider.refreshAfterUnauthorized(*first);
    QVERIFY(stale.ok());
    QCOMPARE(stale->token, u"token-3"_qs);
    QCOMPARE(runs(), 3);
}

void TestExecCredential::passesArgsEnvAndExecInfo_data()
{
    QTest::addColumn<QString>("apiVersion");
    QTest::addColumn<bool>("provideClusterInfo");
    QTest::newRow("v1") << kV1 << false;
    QTest::newRow("v1 with cluster info") << kV1 << true;
    QTest::newRow("v1beta1 with cluster info") << kV1beta1 << true;
}

void TestExecCredential::passesArgsEnvAndExecInfo()
{
    QFETCH(QString, apiVersion);
    QFETCH(bool, provideClusterInfo);
    // No expiry: valid until the server refuses it, so a second call does not run the plugin.
    ExecCredentialProvider provider(
        connection(apiVersion, QStringLiteral("token"), QString(), provideClusterInfo));
    const auto credential = provider.credential();
    QVERIFY2(credential.ok(), credential ? "" : qPrintable(credential.error().toString()));
    QVERIFY(!credential->expiry);
    QVERIFY(provider.credential().ok());
    QCOMPARE(runs(), 1);

    QCOMPARE(read(QStringLiteral("args")), QByteArray("get-token\n--region\neu west\n"));
    QCOMPARE(read(QStringLiteral("key")), QByteArray("ENV-SECRET-VALUE"));
    const QJsonObject info = QJsonDocument::fromJson(read(QStringLiteral("info"))).object();
    QCOMPARE(info[u"kind"].toString(), u"ExecCredential"_qs);
    QCOMPARE(info[u"apiVersion"].toString(), apiVersion);
    QCOMPARE(info[u"spec"][u"interactive"], QJsonValue(false));
    const QJsonValue cluster = info[u"spec"][u"cluster"];
    if (provideClusterInfo) {
        QCOMPARE(cluster[u"server"].toString(), u"https://c.example:6443"_qs);
        QCOMPARE(cluster[u"certificate-authority-data"].toString(),
                 QString::fromLatin1(QByteArray("PEM-CA").toBase64()));
    } else {
        QVERIFY(cluster.isUndefined());
    }
}

void TestExecCredential::acceptsClientCertificates()
{
    ExecCredentialProvider provider(connection(kV1, QStringLiteral("cert")));
    const auto credential = provider.credential();
    QVERIFY2(credential.ok(), credential ? "" : qPrintable(credential.error().toString()));
    QVERIFY(credential->token.isEmpty());
    QCOMPARE(credential->clientCertificateData, QByteArray("CERT-1"));
    QCOMPARE(credential->clientKeyData, QByteArray("KEY-SECRET-1"));
}

void TestExecCredential::failuresAreExplained_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("expiry");
    QTest::addColumn<QString>("answeredVersion"); // what the plugin says; empty: as asked
    QTest::addColumn<QString>("command");         // empty: the plugin
    QTest::addColumn<QString>("interactiveMode");
    QTest::addColumn<QStringList>("expected");

    const QString z = QStringLiteral("2030-01-01T00:00:00Z");
    QTest::newRow("non-zero exit")
        << u"fail"_qs << z << QString() << QString() << QString()
        << QStringList{u"exited with code 3"_qs, u"profile prod has no credentials for ****"_qs};
    QTest::newRow("not found") << u"token"_qs << z << QString() << u"no-such-kube-plugin"_qs
                               << QString()
                               << QStringList{
                                      u"\"no-such-kube-plugin\" of user \"u\" was not found"_qs,
                                      u"install it with the package manager"_qs};
    QTest::newRow("bad JSON") << u"badjson"_qs << z << QString() << QString() << QString()
                              << QStringList{u"the plugin's answer is not JSON"_qs};
    QTest::newRow("wrong apiVersion")
        << u"token"_qs << z << u"client.authentication.k8s.io/v1alpha1"_qs << QString() << QString()
        << QStringList{u"answered with apiVersion \"client.authentication.k8s.io/v1alpha1\""_qs,
                       u"asks for \"client.authentication.k8s.io/v1\""_qs};
    QTest::newRow("no token nor certificate")
        << u"noauth"_qs << z << QString() << QString() << QString()
        << QStringList{u"neither a token nor a client certificate and key"_qs};
    QTest::newRow("bad expirationTimestamp")
        << u"token"_qs << u"tomorrow"_qs << QString() << QString() << QString()
        << QStringList{u"expirationTimestamp \"tomorrow\" is not an RFC 3339 time"_qs};
    QTest::newRow("timeout") << u"slow"_qs << z << QString() << QString() << QString()
                             << QStringList{u"gave no answer within 0.5 s and was stopped"_qs};
    QTest::newRow("interactive only") << u"token"_qs << z << QString() << QString() << u"Always"_qs
                                      << QStringList{u"interactiveMode: Always"_qs};
}

void TestExecCredential::failuresAreExplained()
{
    QFETCH(QString, mode);
    QFETCH(QString, expiry);
    QFETCH(QString, answeredVersion);
    QFETCH(QString, command);
    QFETCH(QString, interactiveMode);
    QFETCH(QStringList, expected);
    ClusterConnection c = connection(kV1, mode, expiry);
    if (!answeredVersion.isEmpty())
        for (KubeExecEnvVar& var : c.exec.env)
            if (var.name == u"PLUGIN_API")
                var.value = answeredVersion;
    if (!command.isEmpty())
        c.exec.command = command;
    if (!interactiveMode.isEmpty())
        c.exec.interactiveMode = interactiveMode;
    ExecCredentialProvider provider(c);
    provider.setTimeout(500ms);
    const auto credential = provider.credential();
    QVERIFY2(!credential.ok(), "the plugin should have failed");
    const QString message = credential.error().toString();
    for (const QString& part : std::as_const(expected))
        QVERIFY2(message.contains(part), qPrintable(message));
    QVERIFY2(credential.error().where.startsWith(m_dir.filePath(QStringLiteral("kubeconfig"))),
             qPrintable(message));
    for (const char* secret : {"TOKEN-SECRET", "ENV-SECRET-VALUE", "KEY-SECRET"})
        QVERIFY2(!message.contains(QLatin1String(secret)), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestExecCredential)
#include "tst_execcredential.moc"
