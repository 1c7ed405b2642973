// Tests of bad kubeconfigs: each kind of mistake gives a message naming the file, the line and
// the entry at fault, and none of them carries a token, password or key.
#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubeconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;

class TestKubeconfigFaults final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badKubeconfigsAreNamed_data();
    void badKubeconfigsAreNamed();

private:
    QString write(const QString& relative, const QByteArray& text);

    QTemporaryDir m_dir;
};

namespace {

const QByteArrayList kSecrets{"TOKEN-SECRET-A", "PASSWORD-SECRET", "KEY-SECRET-PEM",
                              "ENV-SECRET-VALUE"};

QByteArray pem(const QByteArray& body)
{
    return "-----BEGIN X-----\n" + body + "\n-----END X-----\n";
}

QByteArray b64(const QByteArray& bytes)
{
    return bytes.toBase64();
}

void checkNoSecret(const QString& message)
{
    for (const QByteArray& secret : kSecrets)
        QVERIFY2(!message.contains(QLatin1String(secret)), qPrintable(message));
}

} // namespace

QString TestKubeconfigFaults::write(const QString& relative, const QByteArray& text)
{
    const QString path = m_dir.filePath(relative);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestKubeconfigFaults::badKubeconfigsAreNamed_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("context");
    QTest::addColumn<bool>("failsToLoad");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("line");

    const QByteArray base = R"(clusters:
- name: c
  cluster: {server: "https://c:6443"}
users:
- name: u
  user: {token: TOKEN-SECRET-A}
contexts:
- name: good
  context: {cluster: c, user: u}
)";
    QTest::newRow("unknown context")
        << base << u"nope"_qs << false << u"context \"nope\" is not defined"_qs << 0;
    QTest::newRow("missing user")
        << base + "- name: lost\n  context: {cluster: c, user: ghost}\n"
        << u"lost"_qs << false << u"context \"lost\" names user \"ghost\", which is not defined"_qs
        << 10;
    QTest::newRow("missing cluster")
        << base + "- name: lost\n  context: {cluster: gone, user: u}\n"
        << u"lost"_qs << false
        << u"context \"lost\" names cluster \"gone\", which is not defined"_qs << 10;
    QTest::newRow("current-context undefined")
        << base + "current-context: elsewhere\n"
        << QString() << false
        << u"current-context names context \"elsewhere\", which is not defined"_qs << 10;
    QTest::newRow("bad base64")
        << QByteArray("users:\n- name: k\n  user:\n    client-key-data: KEY-SECRET-PEM!!\n")
        << QString() << true << u"user \"k\": client-key-data is not valid base64"_qs << 4;
    QTest::newRow("insecure with a CA")
        << "clusters:\n- name: c\n  cluster:\n    server: https://c\n"
           "    insecure-skip-tls-verify: true\n    certificate-authority-data: " +
               b64(pem("CA")) +
               "\nusers: [{name: u, user: {token: TOKEN-SECRET-A}}]\n"
               "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
        << u"x"_qs << false
        << u"cluster \"c\" sets insecure-skip-tls-verify together with a certificate authority"_qs
        << 2;
    QTest::newRow("unreadable CA file")
        << QByteArray("clusters:\n- name: c\n  cluster: {server: https://c, "
                      "certificate-authority: no.pem}\n"
                      "users: [{name: u, user: {token: TOKEN-SECRET-A}}]\n"
                      "contexts: [{name: x, context: {cluster: c, user: u}}]\n")
        << u"x"_qs << false << u"cluster \"c\": cannot read certificate-authority"_qs << 2;
    QTest::newRow("cert without key")
        << "clusters: [{name: c, cluster: {server: https://c}}]\nusers:\n- name: u\n  user:\n"
           "    client-certificate-data: " +
               b64(pem("CERT")) + "\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
        << u"x"_qs << false << u"user \"u\" has a client certificate but no client key"_qs << 3;
    QTest::newRow("token and password")
        << QByteArray("clusters: [{name: c, cluster: {server: https://c}}]\n"
                      "users: [{name: u, user: {token: TOKEN-SECRET-A, username: a, password: "
                      "PASSWORD-SECRET}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n")
        << u"x"_qs << false << u"user \"u\" has both a token and a username and password"_qs << 2;
    QTest::newRow("v1 exec without interactiveMode")
        << QByteArray(
               "clusters: [{name: c, cluster: {server: https://c}}]\n"
               "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, "
               "command: x, env: [{name: K, value: ENV-SECRET-VALUE}]}}}]\n"
               "contexts: [{name: x, context: {cluster: c, user: u}}]\n")
        << u"x"_qs << false << u"user \"u\": exec needs interactiveMode"_qs << 2;
    QTest::newRow("cluster without server")
        << QByteArray("clusters: [{name: c, cluster: {}}]\nusers: [{name: u, user: {}}]\n"
                      "contexts: [{name: x, context: {cluster: c, user: u}}]\n")
        << u"x"_qs << false << u"cluster \"c\" has no server"_qs << 1;
    QTest::newRow("name twice") << base + "- name: good\n  context: {cluster: c, user: u}\n"
                                << QString() << true
                                << u"context \"good\" is defined twice in this file"_qs << 10;
    QTest::newRow("bad YAML") << QByteArray("clusters: [\n  token: TOKEN-SECRET-A\n") << QString()
                              << true << u"cannot load kubeconfig"_qs << 0;
}

void TestKubeconfigFaults::badKubeconfigsAreNamed()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, context);
    QFETCH(bool, failsToLoad);
    QFETCH(QString, expected);
    QFETCH(int, line);
    const QString path =
        write(u"bad/"_qs + QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-'), text);
    const auto config = loadKubeconfigFile(path);
    Error error;
    if (failsToLoad) {
        QVERIFY2(!config.ok(), "the file should not load");
        error = config.error();
    } else {
        QVERIFY2(config.ok(), config ? "" : qPrintable(config.error().toString()));
        const auto connection = resolveContext(*config, context);
        QVERIFY2(!connection.ok(), "the context should not resolve");
        error = connection.error();
    }
    QVERIFY2(error.message.contains(expected), qPrintable(error.toString()));
    QVERIFY2(error.where.startsWith(path), qPrintable(error.toString()));
    if (line > 0)
        QVERIFY2(error.where.startsWith(path + u':' + QString::number(line)),
                 qPrintable(error.toString()));
    checkNoSecret(error.toString());
}

QTEST_GUILESS_MAIN(TestKubeconfigFaults)
#include "tst_kubeconfigfaults.moc"
