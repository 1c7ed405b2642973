// The fake Kubernetes API server checked by the real kubectl: discovery, apply and get -o json,
// paged lists, delete, watches (events, bookmarks, 410 after a compaction), metav1.Status errors
// in kubectl's words, and certificate and token authentication. A change to the fake that
// kubectl would not accept fails here.
#include "fakes/kubeapiserver.h"
#include "fakes/testfiles.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using namespace launchdeck::test;

namespace {

struct KubectlRun
{
    int exitCode = -1; // -1: it crashed or did not end in time
    QString out;
    QString err;
};

constexpr int kKubectlTimeoutMs = 60'000;

const QByteArray kApplication = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: busybox:local
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, labels: {app: web}}
data: {greeting: hello}
)";

// A pod created with a status of its own, which the fake's kubelet leaves as it is: the watches
// below see only the test's own changes.
QByteArray pod(const QString& name, const QString& namespaceName)
{
    return QStringLiteral(
               R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"%1","namespace":"%2",
"labels":{"app":"batch"}},"spec":{"containers":[{"name":"main","image":"busybox:local"}]},
"status":{"phase":"Pending"}})")
        .arg(name, namespaceName)
        .toUtf8();
}

// kubectl prints watch events as indented JSON objects one after another: split them at the
// top level, minding strings.
QList<QJsonObject> jsonObjects(const QByteArray& text)
{
    QList<QJsonObject> objects;
    int depth = 0;
    bool inString = false;
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{') {
            if (depth++ == 0)
                start = i;
        } else if (c == '}' && --depth == 0) {
            objects.append(QJsonDocument::fromJson(text.mid(start, i - start + 1)).object());
        }
    }
    return objects;
}

QStringList eventsOf(const QList<QJsonObject>& events, const QString& name)
{
    QStringList types;
    for (const QJsonObject& event : events) {
        if (event[u"object"][u"metadata"][u"name"].toString() == name)
            types.append(event[u"type"].toString());
    }
    return types;
}

} // namespace

class TestFakeApiServer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void discoveryServesKubectl();
    void applyThenGetReturnsTheObjectsWithServerFields();
    void chunkedListReturnsEveryPod();
    void deleteRemovesTheObject();
    void statusErrorsInKubectlsWords();
    void watchSeesAddedModifiedDeleted();
    void watchSendsBookmarksAndEndsAtItsTimeout();
    void compactionExpiresWatchesAndContinueTokens();
    void certificateAndTokenAreAccepted();
    void wrongTokenIsRefused();

private:
    KubectlRun kubectl(const QStringList& arguments, const QByteArray& input = {});
    std::unique_ptr<QProcess> startKubectl(const QStringList& arguments);
    QProcessEnvironment environment() const;
    void createNamespace(const QString& name);

    KubeApiServer m_server;
    QTemporaryDir m_home;
    QString m_kubectl;
};

QProcessEnvironment TestFakeApiServer::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KUBECONFIG"), m_server.kubeconfigPath());
    // A clean home: no cache of discovery or a user's kubectl settings from elsewhere.
    env.insert(QStringLiteral("HOME"), m_home.path());
    env.remove(QStringLiteral("KUBECTL_EXTERNAL_DIFF"));
    return env;
}

KubectlRun TestFakeApiServer::kubectl(const QStringList& arguments, const QByteArray& input)
{
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(m_kubectl, arguments);
    KubectlRun run;
    if (!process.waitForStarted(10'000))
        return run;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(kKubectlTimeoutMs))
        process.kill();
    else if (process.exitStatus() == QProcess::NormalExit)
        run.exitCode = process.exitCode();
    process.waitForFinished(5000);
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

std::unique_ptr<QProcess> TestFakeApiServer::startKubectl(const QStringList& arguments)
{
    auto process = std::make_unique<QProcess>();
    process->setProcessEnvironment(environment());
    process->start(m_kubectl, arguments);
    return process->waitForStarted(10'000) ? std::move(process) : nullptr;
}

void TestFakeApiServer::createNamespace(const QString& name)
{
    const KubectlRun run = kubectl({u"create"_qs, u"namespace"_qs, name});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
}

void TestFakeApiServer::initTestCase()
{
    m_kubectl = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
    if (m_kubectl.isEmpty())
        QFAIL("kubectl is not on PATH; the fake API server is checked with it");
    QVERIFY(m_home.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
}

void TestFakeApiServer::discoveryServesKubectl()
{
    const KubectlRun namespaces = kubectl({u"get"_qs, u"ns"_qs, u"-o"_qs, u"name"_qs});
    QVERIFY2(namespaces.exitCode == 0, qPrintable(namespaces.err));
    for (const QString& name : {u"default"_qs, u"kube-system"_qs, u"kube-public"_qs})
        QVERIFY2(namespaces.out.contains(u"namespace/"_qs + name + u'\n'),
                 qPrintable(namespaces.out));

    const KubectlRun resources =
        kubectl({u"api-resources"_qs, u"--no-headers"_qs, u"-o"_qs, u"wide"_qs});
    QVERIFY2(resources.exitCode == 0, qPrintable(resources.err));
    // Short names, groups and scope as the real server announces them.
    for (const QString& line :
         {u"deployments +deploy +apps/v1 +true +Deployment"_qs, u"pods +po +v1 +true +Pod"_qs,
          u"nodes +no +v1 +false +Node"_qs, u"statefulsets +sts +apps/v1 +true +StatefulSet"_qs,
          u"persistentvolumeclaims +pvc +v1 +true +PersistentVolumeClaim"_qs,
          u"networkpolicies +netpol +networking.k8s.io/v1 +true +NetworkPolicy"_qs})
        QVERIFY2(resources.out.contains(QRegularExpression(line)),
                 qPrintable(line + u" not in:\n"_qs + resources.out));

    const KubectlRun version = kubectl({u"version"_qs, u"-o"_qs, u"json"_qs});
    QVERIFY2(version.exitCode == 0, qPrintable(version.err));
    QCOMPARE(QJsonDocument::fromJson(version.out.toUtf8())[u"serverVersion"][u"gitVersion"],
             u"v1.31.0"_qs);
}

void TestFakeApiServer::applyThenGetReturnsTheObjectsWithServerFields()
{
    const QString file = m_home.filePath(u"application.yaml"_qs);
    QVERIFY(writeFile(file, kApplication));
    // kubectl finds the fieldValidation parameter in /openapi/v3 and leaves validation to the
    // server, so the fake need not serve the full /openapi/v2 schema.
    const KubectlRun apply = kubectl({u"apply"_qs, u"-f"_qs, file});
    QVERIFY2(apply.exitCode == 0, qPrintable(apply.err));
    QCOMPARE(apply.out, u"deployment.apps/web created\nservice/web created\n"
                        u"configmap/web-config created\n"_qs);

    const KubectlRun get =
        kubectl({u"get"_qs, u"deploy,svc,cm"_qs, u"-l"_qs, u"app=web"_qs, u"-o"_qs, u"json"_qs});
    QVERIFY2(get.exitCode == 0, qPrintable(get.err));
    const QJsonArray items = QJsonDocument::fromJson(get.out.toUtf8())[u"items"].toArray();
    QCOMPARE(items.size(), 3);
    QSet<QString> versions;
    for (const QJsonValue& item : items) {
        const QJsonObject metadata = item[u"metadata"].toObject();
        const QString kind = item[u"kind"].toString();
        QCOMPARE(metadata[u"namespace"], u"default"_qs);
        QVERIFY2(QUuid::fromString(metadata[u"uid"].toString()).isNull() == false,
                 qPrintable(kind));
        QVERIFY2(metadata[u"resourceVersion"].toString().toLongLong() > 0, qPrintable(kind));
        versions.insert(metadata[u"resourceVersion"].toString());
        QVERIFY2(
            QDateTime::fromString(metadata[u"creationTimestamp"].toString(), Qt::ISODate).isValid(),
            qPrintable(kind));
        // Only the kinds whose real objects carry a generation get one.
        QCOMPARE(metadata[u"generation"].toInt(), kind == u"Deployment"_qs ? 1 : 0);
        QVERIFY(metadata[u"annotations"][u"kubectl.kubernetes.io/last-applied-configuration"]
                    .isString());
    }
    QCOMPARE(versions.size(), 3); // one global counter: every write has its own version
    QCOMPARE(items[0][u"kind"], u"Deployment"_qs);
    QCOMPARE(items[0][u"spec"][u"replicas"], 2);
    QCOMPARE(items[0][u"spec"][u"template"][u"spec"][u"containers"][0][u"image"],
             u"busybox:local"_qs);
    QCOMPARE(items[1][u"kind"], u"Service"_qs);
    QCOMPARE(items[1][u"spec"][u"ports"][0][u"targetPort"], 8080);
    QCOMPARE(items[2][u"kind"], u"ConfigMap"_qs);
    QCOMPARE(items[2][u"data"].toObject(), QJsonObject({{u"greeting"_qs, u"hello"_qs}}));
}

void TestFakeApiServer::chunkedListReturnsEveryPod()
{
    createNamespace(u"chunks"_qs);
    QByteArray pods;
    for (int i = 1; i <= 5; ++i)
        pods += pod(u"pod-"_qs + QString::number(i), u"chunks"_qs) + '\n';
    const KubectlRun create =
        kubectl({u"create"_qs, u"--validate=false"_qs, u"-f"_qs, u"-"_qs}, pods);
    QVERIFY2(create.exitCode == 0, qPrintable(create.err));

    // -v=6 logs every request: the pages must have come by continue tokens.
    const KubectlRun get = kubectl({u"get"_qs, u"pods"_qs, u"-n"_qs, u"chunks"_qs,
                                    u"--chunk-size=2"_qs, u"-o"_qs, u"name"_qs, u"-v=6"_qs});
    QVERIFY2(get.exitCode == 0, qPrintable(get.err));
    QCOMPARE(get.out, u"pod/pod-1\npod/pod-2\npod/pod-3\npod/pod-4\npod/pod-5\n"_qs);
    QCOMPARE(get.err.count(u"limit=2"_qs), 3);
    QCOMPARE(get.err.count(u"continue="_qs), 2);

    const KubectlRun all = kubectl(
        {u"get"_qs, u"pods"_qs, u"-A"_qs, u"--chunk-size=2"_qs, u"-l"_qs, u"app=batch"_qs, u"-o"_qs,
         u"jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}"_qs});
    QVERIFY2(all.exitCode == 0, qPrintable(all.err));
    QCOMPARE(all.out.split(u' ', Qt::SkipEmptyParts).size(), 5);

    const KubectlRun byName =
        kubectl({u"get"_qs, u"pods"_qs, u"-A"_qs, u"--field-selector"_qs,
                 u"metadata.name=pod-3,metadata.namespace=chunks"_qs, u"-o"_qs, u"name"_qs});
    QVERIFY2(byName.exitCode == 0, qPrintable(byName.err));
    QCOMPARE(byName.out, u"pod/pod-3\n"_qs);
}

void TestFakeApiServer::deleteRemovesTheObject()
{
    QVERIFY(
        kubectl({u"create"_qs, u"configmap"_qs, u"doomed"_qs, u"--from-literal=a=b"_qs}).exitCode ==
        0);
    const KubectlRun remove = kubectl({u"delete"_qs, u"configmap"_qs, u"doomed"_qs});
    QVERIFY2(remove.exitCode == 0, qPrintable(remove.err));
    QCOMPARE(remove.out, u"configmap \"doomed\" deleted\n"_qs);
    const KubectlRun get = kubectl({u"get"_qs, u"configmap"_qs, u"doomed"_qs});
    QCOMPARE(get.exitCode, 1);
    QCOMPARE(get.err, u"Error from server (NotFound): configmaps \"doomed\" not found\n"_qs);
}

void TestFakeApiServer::statusErrorsInKubectlsWords()
{
    QVERIFY(kubectl({u"create"_qs, u"configmap"_qs, u"twice"_qs}).exitCode == 0);
    const KubectlRun again = kubectl({u"create"_qs, u"configmap"_qs, u"twice"_qs});
    QCOMPARE(again.exitCode, 1);
    QCOMPARE(again.err,
             u"error: failed to create configmap: configmaps \"twice\" already exists\n"_qs);

    // A replace with a resourceVersion that is no longer current.
    const KubectlRun current =
        kubectl({u"get"_qs, u"configmap"_qs, u"twice"_qs, u"-o"_qs, u"json"_qs});
    QVERIFY2(current.exitCode == 0, qPrintable(current.err));
    QVERIFY(
        kubectl({u"replace"_qs, u"--validate=false"_qs, u"-f"_qs, u"-"_qs}, current.out.toUtf8())
            .exitCode == 0);
    const KubectlRun stale =
        kubectl({u"replace"_qs, u"--validate=false"_qs, u"-f"_qs, u"-"_qs}, current.out.toUtf8());
    QCOMPARE(stale.exitCode, 1);
    QVERIFY2(stale.err.contains(u"Error from server (Conflict): error when replacing \"STDIN\": "
                                u"Operation cannot be fulfilled on configmaps \"twice\": the "
                                u"object has been modified; please apply your changes to the "
                                u"latest version and try again"_qs),
             qPrintable(stale.err));

    const KubectlRun missing =
        kubectl({u"create"_qs, u"configmap"_qs, u"x"_qs, u"-n"_qs, u"nowhere"_qs});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains(u"namespaces \"nowhere\" not found"_qs), qPrintable(missing.err));

    // kubectl refuses a nameless object itself; the server's 422 is checked directly.
    const KubeAnswer invalid =
        m_server.request("POST", u"/api/v1/namespaces/default/configmaps"_qs,
                         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{}})");
    QCOMPARE(invalid.status, 422L);
    const QJsonObject status = QJsonDocument::fromJson(invalid.body).object();
    QCOMPARE(status[u"reason"], u"Invalid"_qs);
    QCOMPARE(status[u"details"][u"causes"][0][u"field"], u"metadata.name"_qs);
}

void TestFakeApiServer::watchSeesAddedModifiedDeleted()
{
    createNamespace(u"watched"_qs);
    QVERIFY(kubectl({u"create"_qs, u"--validate=false"_qs, u"-f"_qs, u"-"_qs},
                    pod(u"before"_qs, u"watched"_qs))
                .exitCode == 0);
    const auto watch = startKubectl({u"get"_qs, u"pods"_qs, u"-n"_qs, u"watched"_qs, u"-w"_qs,
                                     u"--output-watch-events"_qs, u"-o"_qs, u"json"_qs});
    QVERIFY(watch);
    const auto stopWatch = qScopeGuard([&] {
        watch->kill();
        watch->waitForFinished(10'000);
    });
    QByteArray output;
    const auto events = [&] {
        output += watch->readAllStandardOutput();
        return jsonObjects(output);
    };
    // The list before the watch shows the existing pod as ADDED.
    QTRY_VERIFY_WITH_TIMEOUT(eventsOf(events(), u"before"_qs) == QStringList{u"ADDED"_qs}, 30'000);

    QVERIFY(kubectl({u"create"_qs, u"--validate=false"_qs, u"-f"_qs, u"-"_qs},
                    pod(u"during"_qs, u"watched"_qs))
                .exitCode == 0);
    const KubectlRun current = kubectl(
        {u"get"_qs, u"pod"_qs, u"during"_qs, u"-n"_qs, u"watched"_qs, u"-o"_qs, u"json"_qs});
    QJsonObject changed = QJsonDocument::fromJson(current.out.toUtf8()).object();
    QJsonObject metadata = changed[u"metadata"].toObject();
    metadata[u"labels"] = QJsonObject{{u"app"_qs, u"batch"_qs}, {u"stage"_qs, u"two"_qs}};
    changed[u"metadata"] = metadata;
    const KubectlRun replace = kubectl({u"replace"_qs, u"--validate=false"_qs, u"-f"_qs, u"-"_qs},
                                       QJsonDocument(changed).toJson());
    QVERIFY2(replace.exitCode == 0, qPrintable(replace.err));
    QVERIFY(kubectl({u"delete"_qs, u"pod"_qs, u"during"_qs, u"-n"_qs, u"watched"_qs}).exitCode ==
            0);

    const QStringList expected{u"ADDED"_qs, u"MODIFIED"_qs, u"DELETED"_qs};
    QTRY_VERIFY_WITH_TIMEOUT(eventsOf(events(), u"during"_qs) == expected, 30'000);
    const QList<QJsonObject> seen = events();
    QCOMPARE(eventsOf(seen, u"during"_qs), expected);
    for (const QJsonObject& event : seen) {
        if (event[u"type"] == u"MODIFIED"_qs)
            QCOMPARE(event[u"object"][u"metadata"][u"labels"][u"stage"], u"two"_qs);
    }
    QCOMPARE(watch->state(), QProcess::Running); // a watch runs until stopped
}

void TestFakeApiServer::watchSendsBookmarksAndEndsAtItsTimeout()
{
    const KubeAnswer list = m_server.request("GET", u"/api/v1/namespaces/default/pods"_qs);
    QCOMPARE(list.status, 200L);
    const QString version =
        QJsonDocument::fromJson(list.body)[u"metadata"][u"resourceVersion"].toString();
    // The server sends a bookmark every second and ends the watch after timeoutSeconds.
    const KubeAnswer watch =
        m_server.request("GET", u"/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true&"
                                u"timeoutSeconds=3&resourceVersion="_qs +
                                    version);
    QVERIFY2(watch.status == 200, qPrintable(watch.error + QString::fromUtf8(watch.body)));
    const QList<QJsonObject> events = jsonObjects(watch.body);
    QVERIFY2(!events.isEmpty(), watch.body.constData());
    for (const QJsonObject& event : events) {
        QCOMPARE(event[u"type"], u"BOOKMARK"_qs);
        QCOMPARE(event[u"object"][u"kind"], u"Pod"_qs);
        QVERIFY(event[u"object"][u"metadata"][u"resourceVersion"].toString().toLongLong() >=
                version.toLongLong());
    }
}

void TestFakeApiServer::compactionExpiresWatchesAndContinueTokens()
{
    const KubeAnswer page = m_server.request("GET", u"/api/v1/pods?limit=1"_qs);
    QCOMPARE(page.status, 200L);
    const QString token = QJsonDocument::fromJson(page.body)[u"metadata"][u"continue"].toString();
    QVERIFY(!token.isEmpty());
    // A write after that list: compaction forgets only revisions older than the newest.
    QVERIFY(kubectl({u"create"_qs, u"configmap"_qs, u"after-the-list"_qs}).exitCode == 0);

    const auto watch = startKubectl({u"get"_qs, u"pods"_qs, u"-n"_qs, u"chunks"_qs, u"-w"_qs,
                                     u"--output-watch-events"_qs, u"-o"_qs, u"json"_qs});
    QVERIFY(watch);
    const auto stopWatch = qScopeGuard([&] {
        watch->kill();
        watch->waitForFinished(10'000);
    });
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += watch->readAllStandardOutput(),
                              eventsOf(jsonObjects(output), u"pod-5"_qs).size() == 1),
                             30'000);
    // The list has come; expire the watch once kubectl's request for it has reached the server.
    QTRY_COMPARE_WITH_TIMEOUT(m_server.openWatches(), 1, 30'000);
    QString error;
    QVERIFY2(m_server.compact(true, &error), qPrintable(error));

    // kubectl get -w does not re-list after a 410, as against a real server: it prints the
    // ERROR event and ends when the server closes the watch, with exit code 0.
    QVERIFY2(watch->waitForFinished(30'000), "kubectl get -w did not end after the 410");
    output += watch->readAllStandardOutput();
    QCOMPARE(watch->exitCode(), 0);
    const QList<QJsonObject> events = jsonObjects(output);
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.last()[u"type"], u"ERROR"_qs);
    QCOMPARE(events.last()[u"object"][u"code"], 410);
    QCOMPARE(events.last()[u"object"][u"reason"], u"Expired"_qs);

    // A watch from a resourceVersion before the compaction gets the same ERROR event.
    const KubectlRun old = kubectl(
        {u"get"_qs, u"--raw"_qs, u"/api/v1/pods?watch=1&resourceVersion=1&timeoutSeconds=5"_qs});
    QCOMPARE(old.exitCode, 0);
    const QList<QJsonObject> oldEvents = jsonObjects(old.out.toUtf8());
    QCOMPARE(oldEvents.size(), 1);
    QCOMPARE(oldEvents[0][u"type"], u"ERROR"_qs);
    QVERIFY2(oldEvents[0][u"object"][u"message"].toString().startsWith(
                 u"too old resource version: 1 ("_qs),
             qPrintable(old.out));

    // The continue token of a list before the compaction has expired.
    const KubectlRun expired =
        kubectl({u"get"_qs, u"--raw"_qs, u"/api/v1/pods?limit=1&continue="_qs + token});
    QCOMPARE(expired.exitCode, 1);
    QVERIFY2(expired.err.startsWith(u"Error from server (Expired): The provided continue "
                                    u"parameter is too old"_qs),
             qPrintable(expired.err));
}

void TestFakeApiServer::certificateAndTokenAreAccepted()
{
    for (const QString& context : {u"cert"_qs, u"token"_qs, u"viewer"_qs}) {
        const KubectlRun run =
            kubectl({u"--context"_qs, context, u"get"_qs, u"nodes"_qs, u"-o"_qs, u"name"_qs});
        QVERIFY2(run.exitCode == 0, qPrintable(context + u": "_qs + run.err));
        QCOMPARE(run.out, u"node/fake-node-1\n"_qs);
    }
    // The viewer token reads but may not write.
    const KubectlRun write =
        kubectl({u"--context"_qs, u"viewer"_qs, u"create"_qs, u"configmap"_qs, u"not-allowed"_qs});
    QCOMPARE(write.exitCode, 1);
    QVERIFY2(write.err.contains(u"configmaps is forbidden: User \"viewer\" cannot create "
                                u"resource \"configmaps\" in API group \"\" in the namespace "
                                u"\"default\""_qs),
             qPrintable(write.err));
}

void TestFakeApiServer::wrongTokenIsRefused()
{
    const KubectlRun run = kubectl(
        {u"--context"_qs, u"token"_qs, u"--token"_qs, u"not-the-token"_qs, u"get"_qs, u"ns"_qs});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.err, u"error: You must be logged in to the server (Unauthorized)\n"_qs);
    // Neither certificate nor token (kubectl would ask for a user name instead of sending such
    // a request): a 401 Status, as the real server answers an anonymous request.
    const KubeAnswer anonymous = m_server.requestAs({}, "GET", u"/api/v1/namespaces"_qs);
    QCOMPARE(anonymous.status, 401L);
    const QJsonObject status = QJsonDocument::fromJson(anonymous.body).object();
    QCOMPARE(status[u"kind"], u"Status"_qs);
    QCOMPARE(status[u"reason"], u"Unauthorized"_qs);
    QCOMPARE(status[u"code"], 401);
    // Health is public, as the real server's system:public-info-viewer role makes it.
    QCOMPARE(m_server.requestAs({}, "GET", u"/readyz"_qs).status, 200L);
}

QTEST_GUILESS_MAIN(TestFakeApiServer)
#include "tst_fakeapiserver.moc"
