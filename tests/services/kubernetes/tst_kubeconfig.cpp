// Tests of kubeconfig loading: the merge of several files compared with kubectl's own view of
// the same files, and context resolution (-data and files, relative paths, token files).
#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubeconfig.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;

class TestKubeconfig final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void mergeEqualsKubectl_data();
    void mergeEqualsKubectl();
    void resolvedContextEqualsKubectl();
    void homeConfigWithoutKubeconfigVariable();
    void targetFileIsRelativeToWorkspace();
    void dataWinsOverFile();
    void tokenFileIsReadAgainWhenItChanges();
    void insecureWithoutCaWarns();

private:
    QString write(const QString& relative, const QByteArray& text);
    QJsonObject kubectlJson(const QStringList& args, const QString& kubeconfigVariable);

    QTemporaryDir m_dir;
    QString m_kubectl;
};

namespace {

// Every secret the fixtures hold; no message may contain one.
const QByteArrayList kSecrets{"TOKEN-SECRET-A", "TOKEN-SECRET-B",    "PASSWORD-SECRET",
                              "KEY-SECRET-PEM", "FILE-TOKEN-SECRET", "ENV-SECRET-VALUE"};

QByteArray pem(const QByteArray& body)
{
    return "-----BEGIN X-----\n" + body + "\n-----END X-----\n";
}

QByteArray b64(const QByteArray& bytes)
{
    return bytes.toBase64();
}

QJsonObject byName(const QJsonArray& list, const char* body)
{
    QJsonObject out;
    for (const QJsonValue& entry : list)
        out.insert(entry[u"name"].toString(), entry[QLatin1String(body)]);
    return out;
}

// kubectl prints nulls for unset lists and false for unset flags it does not omit; drop them on
// both sides so only values set in a file are compared.
QJsonValue normalised(const QJsonValue& value)
{
    if (value.isObject()) {
        QJsonObject out;
        const QJsonObject in = value.toObject();
        for (auto it = in.begin(); it != in.end(); ++it) {
            const QJsonValue v = normalised(it.value());
            if (!v.isNull() && !(v.isBool() && !v.toBool()) &&
                !(v.isString() && v.toString().isEmpty()))
                out.insert(it.key(), v);
        }
        return out;
    }
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue& v : value.toArray())
            out.append(normalised(v));
        return out.isEmpty() ? QJsonValue() : QJsonValue(out);
    }
    return value;
}

void put(QJsonObject& o, const char* key, const QString& value)
{
    o.insert(QLatin1String(key), value);
}

void putData(QJsonObject& o, const char* key, const QByteArray& value)
{
    o.insert(QLatin1String(key), QString::fromLatin1(value.toBase64()));
}

// Launchdeck's merged view in kubectl's shape.
QJsonObject asKubectlView(const Kubeconfig& config)
{
    QJsonObject clusters, users, contexts;
    for (const KubeconfigCluster& c : config.clusters) {
        QJsonObject o;
        put(o, "server", c.server);
        put(o, "certificate-authority", c.certificateAuthority);
        putData(o, "certificate-authority-data", c.certificateAuthorityData);
        o.insert(QStringLiteral("insecure-skip-tls-verify"), c.insecureSkipTlsVerify);
        put(o, "tls-server-name", c.tlsServerName);
        put(o, "proxy-url", c.proxyUrl);
        o.insert(QStringLiteral("disable-compression"), c.disableCompression);
        clusters.insert(c.name, o);
    }
    for (const KubeconfigUser& u : config.users) {
        QJsonObject o;
        put(o, "client-certificate", u.clientCertificate);
        putData(o, "client-certificate-data", u.clientCertificateData);
        put(o, "client-key", u.clientKey);
        putData(o, "client-key-data", u.clientKeyData);
        put(o, "token", u.token);
        put(o, "tokenFile", u.tokenFile);
        put(o, "username", u.username);
        put(o, "password", u.password);
        put(o, "as", u.impersonate);
        o.insert(QStringLiteral("as-groups"), QJsonArray::fromStringList(u.impersonateGroups));
        if (u.hasExec) {
            QJsonObject e;
            put(e, "command", u.exec.command);
            e.insert(QStringLiteral("args"), QJsonArray::fromStringList(u.exec.args));
            QJsonArray env;
            for (const KubeExecEnvVar& var : u.exec.env)
                env.append(QJsonObject{{QStringLiteral("name"), var.name},
                                       {QStringLiteral("value"), var.value}});
            e.insert(QStringLiteral("env"), env);
            put(e, "apiVersion", u.exec.apiVersion);
            put(e, "installHint", u.exec.installHint);
            e.insert(QStringLiteral("provideClusterInfo"), u.exec.provideClusterInfo);
            put(e, "interactiveMode", u.exec.interactiveMode);
            o.insert(QStringLiteral("exec"), e);
        }
        users.insert(u.name, o);
    }
    for (const KubeconfigContext& c : config.contexts) {
        QJsonObject o;
        put(o, "cluster", c.cluster);
        put(o, "user", c.user);
        put(o, "namespace", c.nameSpace);
        contexts.insert(c.name, o);
    }
    return normalised(QJsonObject{{QStringLiteral("clusters"), clusters},
                                  {QStringLiteral("users"), users},
                                  {QStringLiteral("contexts"), contexts},
                                  {QStringLiteral("current-context"), config.currentContext}})
        .toObject();
}

QJsonObject kubectlView(const QJsonObject& view)
{
    return normalised(
               QJsonObject{
                   {QStringLiteral("clusters"), byName(view[u"clusters"].toArray(), "cluster")},
                   {QStringLiteral("users"), byName(view[u"users"].toArray(), "user")},
                   {QStringLiteral("contexts"), byName(view[u"contexts"].toArray(), "context")},
                   {QStringLiteral("current-context"), view[u"current-context"]}})
        .toObject();
}

void checkNoSecret(const QString& message)
{
    for (const QByteArray& secret : kSecrets)
        QVERIFY2(!message.contains(QLatin1String(secret)), qPrintable(message));
}

// Fixtures: overlapping names across files, each with values of its own.
const QByteArray kFileA = R"(apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: shared
  cluster:
    server: https://a.example:6443
    certificate-authority: certs/ca.pem
    tls-server-name: api.a
- name: only-a
  cluster:
    server: https://only-a:6443
    insecure-skip-tls-verify: true
users:
- name: shared-user
  user:
    token: TOKEN-SECRET-A
- name: cert-user
  user:
    client-certificate: certs/client.pem
    client-key: certs/client-key.pem
    as: someone
    as-groups: [ops, dev]
contexts:
- name: ctx-a
  context: {cluster: shared, user: shared-user, namespace: team-a}
- name: ctx-cert
  context: {cluster: shared, user: cert-user}
)";

const QByteArray kFileB = R"(apiVersion: v1
kind: Config
current-context: ctx-b
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
    proxy-url: http://proxy.b:3128
- name: only-b
  cluster:
    server: https://only-b:6443
    certificate-authority-data: )" +
                          b64(pem("CA-B")) + R"(
    disable-compression: true
users:
- name: shared-user
  user:
    token: TOKEN-SECRET-B
- name: basic
  user: {username: admin, password: PASSWORD-SECRET}
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./bin/plugin
      args: [get-token, --cluster, b]
      env:
      - {name: PLUGIN_KEY, value: ENV-SECRET-VALUE}
      installHint: install the plugin
      provideClusterInfo: true
contexts:
- name: ctx-a
  context: {cluster: only-b, user: basic}
- name: ctx-b
  context: {cluster: only-b, user: plugin, namespace: team-b}
)";

const QByteArray kFileC = R"(apiVersion: v1
kind: Config
clusters:
- name: only-c
  cluster: {server: "https://only-c:6443"}
users:
- name: file-token
  user: {tokenFile: token.txt}
- name: plugin-v1
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: aws, interactiveMode: Never}
contexts:
- name: ctx-c
  context: {cluster: only-c, user: file-token}
- name: ctx-v1
  context: {cluster: only-c, user: plugin-v1}
)";

} // namespace

void TestKubeconfig::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_kubectl = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
    if (m_kubectl.isEmpty())
        QFAIL("kubectl is not on PATH; the kubeconfig tests compare with it");
    write(QStringLiteral("a/config"), kFileA);
    write(QStringLiteral("a/certs/ca.pem"), pem("CA-A"));
    write(QStringLiteral("a/certs/client.pem"), pem("CERT-A"));
    write(QStringLiteral("a/certs/client-key.pem"), pem("KEY-SECRET-PEM"));
    write(QStringLiteral("b/config"), kFileB);
    write(QStringLiteral("c/config"), kFileC);
    write(QStringLiteral("c/token.txt"), "FILE-TOKEN-SECRET\n");
    write(QStringLiteral("no-current/config"),
          "clusters: [{name: shared, cluster: {server: 'https://nc:1'}}]\n");
    QDir(m_dir.filePath(QStringLiteral("home"))).mkpath(QStringLiteral("."));
}

QString TestKubeconfig::write(const QString& relative, const QByteArray& text)
{
    const QString path = m_dir.filePath(relative);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QJsonObject TestKubeconfig::kubectlJson(const QStringList& args, const QString& kubeconfigVariable)
{
    QProcess kubectl;
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QProcessEnvironment::systemEnvironment().value(u"PATH"_qs));
    env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("KUBECONFIG"), kubeconfigVariable);
    kubectl.setProcessEnvironment(env);
    kubectl.start(m_kubectl, args);
    const bool finished = kubectl.waitForFinished(60000);
    const QByteArray errors = kubectl.readAllStandardError();
    // kubectl fails where Launchdeck answers with an empty current-context.
    if (args.contains(u"current-context"_qs) && errors.contains("current-context is not set"))
        return {{QStringLiteral("current-context"), QString()}};
    if (!finished || kubectl.exitCode() != 0) {
        qWarning("kubectl %s: %s", qPrintable(args.join(u' ')), errors.constData());
        return {};
    }
    const QByteArray out = kubectl.readAllStandardOutput();
    if (args.contains(u"current-context"_qs))
        return {{QStringLiteral("current-context"), QString::fromUtf8(out).trimmed()}};
    return QJsonDocument::fromJson(out).object();
}

void TestKubeconfig::mergeEqualsKubectl_data()
{
    QTest::addColumn<QStringList>("files");
    const QString a = m_dir.filePath(QStringLiteral("a/config"));
    const QString b = m_dir.filePath(QStringLiteral("b/config"));
    const QString c = m_dir.filePath(QStringLiteral("c/config"));
    const QString none = m_dir.filePath(QStringLiteral("no-current/config"));
    const QString missing = m_dir.filePath(QStringLiteral("missing/config"));
    QTest::newRow("a then b") << QStringList{a, b};
    QTest::newRow("b then a") << QStringList{b, a};
    QTest::newRow("three files") << QStringList{c, a, b};
    QTest::newRow("first has no current-context") << QStringList{none, b, a};
    QTest::newRow("missing file and repeats skipped") << QStringList{missing, b, QString(), b, a};
    QTest::newRow("one file") << QStringList{c};
}

void TestKubeconfig::mergeEqualsKubectl()
{
    QFETCH(QStringList, files);
    const QString variable = files.join(u':');
    const auto merged = loadKubeconfig({variable, m_dir.filePath(QStringLiteral("home"))});
    QVERIFY2(merged.ok(), merged ? "" : qPrintable(merged.error().toString()));

    const QJsonObject kubectl =
        kubectlJson({QStringLiteral("config"), QStringLiteral("view"), QStringLiteral("--merge"),
                     QStringLiteral("--raw"), QStringLiteral("-o"), QStringLiteral("json")},
                    variable);
    QVERIFY(!kubectl.isEmpty());
    const QJsonObject ours = asKubectlView(*merged);
    const QJsonObject theirs = kubectlView(kubectl);
    QCOMPARE(QJsonDocument(ours).toJson(), QJsonDocument(theirs).toJson());

    const QJsonObject current =
        kubectlJson({QStringLiteral("config"), QStringLiteral("current-context")}, variable);
    QCOMPARE(merged->currentContext, current[u"current-context"].toString());
}

// The context a client connects with, with its files read: kubectl's --minify --flatten view
// embeds them, so CA and client certificate read from relative paths are checked too.
void TestKubeconfig::resolvedContextEqualsKubectl()
{
    const QString variable = QStringList{m_dir.filePath(QStringLiteral("a/config")),
                                         m_dir.filePath(QStringLiteral("b/config")),
                                         m_dir.filePath(QStringLiteral("c/config"))}
                                 .join(u':');
    const auto merged = loadKubeconfig({variable, {}});
    QVERIFY(merged.ok());
    for (const QString& context : {u"ctx-a"_qs, u"ctx-b"_qs, u"ctx-cert"_qs, u"ctx-c"_qs}) {
        const QJsonObject view = kubectlJson(
            {QStringLiteral("config"), QStringLiteral("view"), QStringLiteral("--minify"),
             QStringLiteral("--flatten"), QStringLiteral("--raw"), QStringLiteral("-o"),
             QStringLiteral("json"), QStringLiteral("--context"), context},
            variable);
        QVERIFY2(!view.isEmpty(), qPrintable(context));
        const auto c = resolveContext(*merged, context);
        QVERIFY2(c.ok(), c ? "" : qPrintable(c.error().toString()));
        const QJsonObject cluster = view[u"clusters"][0][u"cluster"].toObject();
        const QJsonObject user = view[u"users"][0][u"user"].toObject();
        const QJsonObject ctx = view[u"contexts"][0][u"context"].toObject();
        QCOMPARE(c->clusterName, ctx[u"cluster"].toString());
        QCOMPARE(c->userName, ctx[u"user"].toString());
        QCOMPARE(c->nameSpace, ctx[u"namespace"].toString());
        QCOMPARE(c->server, cluster[u"server"].toString());
        QCOMPARE(c->proxyUrl, cluster[u"proxy-url"].toString());
        QCOMPARE(c->tlsServerName, cluster[u"tls-server-name"].toString());
        QCOMPARE(c->caData.toBase64(),
                 cluster[u"certificate-authority-data"].toString().toLatin1());
        QCOMPARE(c->clientCertificateData.toBase64(),
                 user[u"client-certificate-data"].toString().toLatin1());
        QCOMPARE(c->clientKeyData.toBase64(), user[u"client-key-data"].toString().toLatin1());
        QCOMPARE(c->token, user[u"token"].toString());
        QCOMPARE(c->impersonate, user[u"as"].toString());
        // --flatten leaves tokenFile and an exec command as written; client-go reads the file,
        // and runs a command holding a slash, from the folder of the kubeconfig naming them.
        if (user.contains(u"tokenFile"))
            QCOMPARE(c->tokenFile.path(), m_dir.filePath(u"c/"_qs + user[u"tokenFile"].toString()));
        if (user.contains(u"exec"))
            QCOMPARE(c->exec.command, QDir::cleanPath(m_dir.filePath(
                                          u"b/"_qs + user[u"exec"][u"command"].toString())));
    }
    const auto current = resolveContext(*merged);
    QVERIFY(current.ok());
    QCOMPARE(current->contextName, u"ctx-a"_qs);
    QCOMPARE(current->clusterName, u"shared"_qs);
    QCOMPARE(current->caData, pem("CA-A"));
    QCOMPARE(current->caFile, m_dir.filePath(QStringLiteral("a/certs/ca.pem")));
}

void TestKubeconfig::homeConfigWithoutKubeconfigVariable()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const auto nothing = loadKubeconfig({QString(), home.path()});
    QVERIFY(nothing.ok());
    QVERIFY(nothing->files.isEmpty());
    const auto none = resolveContext(*nothing);
    QVERIFY(!none.ok());
    QVERIFY2(none.error().message.contains(u"~/.kube/config"), qPrintable(none.error().message));

    QDir(home.path()).mkpath(QStringLiteral(".kube"));
    QFile::copy(m_dir.filePath(QStringLiteral("c/config")),
                home.filePath(QStringLiteral(".kube/config")));
    const auto found = loadKubeconfig({QString(), home.path()});
    QVERIFY(found.ok());
    QCOMPARE(found->files, QStringList{home.filePath(QStringLiteral(".kube/config"))});
    QVERIFY(found->contexts.contains(u"ctx-c"_qs));
}

void TestKubeconfig::targetFileIsRelativeToWorkspace()
{
    Target target;
    target.name = QStringLiteral("cluster");
    target.type = Target::Type::Kubernetes;
    target.kubeconfig = QStringLiteral("b/config");
    // The explicit file alone counts, as with kubectl --kubeconfig: KUBECONFIG is not merged.
    const auto config = loadKubeconfigForTarget(
        target, m_dir.path(), {m_dir.filePath(QStringLiteral("a/config")), QString()});
    QVERIFY2(config.ok(), config ? "" : qPrintable(config.error().toString()));
    QCOMPARE(config->currentContext, u"ctx-b"_qs);
    QVERIFY(!config->contexts.contains(u"ctx-cert"_qs));

    target.kubeconfig = QStringLiteral("nowhere/config");
    const auto missing = loadKubeconfigForTarget(target, m_dir.path(), {});
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error().message.contains(u"\"cluster\"") &&
                 missing.error().message.contains(u"nowhere/config"),
             qPrintable(missing.error().toString()));
}

void TestKubeconfig::dataWinsOverFile()
{
    const QString path = write(QStringLiteral("both/config"), R"(
clusters:
- name: c
  cluster:
    server: https://both:6443
    certificate-authority: missing-ca.pem
    certificate-authority-data: )" + b64(pem("CA-DATA")) + R"(
users:
- name: u
  user:
    client-certificate: cert.pem
    client-certificate-data: )" + b64(pem("CERT-DATA")) + R"(
    client-key: key.pem
    token: inline
    tokenFile: missing-token
contexts:
- {name: x, context: {cluster: c, user: u}}
)");
    write(QStringLiteral("both/key.pem"), pem("KEY-FILE"));
    const auto config = loadKubeconfigFile(path);
    QVERIFY(config.ok());
    const auto c = resolveContext(*config, QStringLiteral("x"));
    QVERIFY2(c.ok(), c ? "" : qPrintable(c.error().toString()));
    QCOMPARE(c->caData, pem("CA-DATA"));
    QVERIFY(c->caFile.isEmpty());
    QCOMPARE(c->clientCertificateData, pem("CERT-DATA"));
    QCOMPARE(c->clientKeyData, pem("KEY-FILE"));
    QCOMPARE(c->clientKeyFile, m_dir.filePath(QStringLiteral("both/key.pem")));
    QCOMPARE(c->token, u"inline"_qs);
    QVERIFY(!c->tokenFile.isSet());
}

void TestKubeconfig::tokenFileIsReadAgainWhenItChanges()
{
    const auto config = loadKubeconfigFile(m_dir.filePath(QStringLiteral("c/config")));
    QVERIFY(config.ok());
    auto c = resolveContext(*config, QStringLiteral("ctx-c"));
    QVERIFY(c.ok());
    BearerTokenFile& tokenFile = c.value().tokenFile;
    QCOMPARE(tokenFile.path(), m_dir.filePath(QStringLiteral("c/token.txt")));
    auto first = tokenFile.token();
    QVERIFY(first.ok());
    QCOMPARE(*first, u"FILE-TOKEN-SECRET"_qs);

    const QString path = tokenFile.path();
    write(QStringLiteral("c/token.txt"), "rotated-token-longer\n");
    auto second = tokenFile.token();
    QVERIFY(second.ok());
    QCOMPARE(*second, u"rotated-token-longer"_qs);

    QFile::remove(path);
    const auto gone = tokenFile.token();
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().where, path);
    QVERIFY2(gone.error().message.contains(u"does not exist"), qPrintable(gone.error().message));
    checkNoSecret(gone.error().toString());
    write(QStringLiteral("c/token.txt"), "FILE-TOKEN-SECRET\n");
}

void TestKubeconfig::insecureWithoutCaWarns()
{
    const auto config = loadKubeconfig({m_dir.filePath(QStringLiteral("a/config")), {}});
    QVERIFY(config.ok());
    Kubeconfig edited = *config;
    edited.contexts.insert(QStringLiteral("insecure"), {QStringLiteral("insecure"),
                                                        QStringLiteral("only-a"),
                                                        QStringLiteral("shared-user"),
                                                        QString(),
                                                        {}});
    const auto c = resolveContext(edited, QStringLiteral("insecure"));
    QVERIFY(c.ok());
    QVERIFY(c->insecureSkipTlsVerify);
    QVERIFY2(c->insecureWarning.contains(u"only-a") && c->insecureWarning.contains(u"not checked"),
             qPrintable(c->insecureWarning));
    const auto secure = resolveContext(edited, QStringLiteral("ctx-a"));
    QVERIFY(secure.ok());
    QVERIFY(!secure->insecureSkipTlsVerify);
    QVERIFY(secure->insecureWarning.isEmpty());
}

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
