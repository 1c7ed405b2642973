// Launchdeck's view of a cluster against kubectl's, on the fake API server: for each kind the
// cluster view shows, what a KubeCluster's watch holds equals `kubectl get -o json` object for
// object, and the changes the watch reports are the events `kubectl get -w` prints.
#include "fakes/kubeapiserver.h"
#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubecluster.h"
#include "kubernetes/kubecolumns.h"
#include "kubernetes/kubeconfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace launchdeck;
using namespace launchdeck::kube;

namespace {

constexpr int kWaitMs = 30'000;
const QString kNamespace = QStringLiteral("agree");

// kubectl's resource name for a kind.
QString pluralOf(const QString& kind)
{
    if (kind == u"Ingress")
        return QStringLiteral("ingresses");
    return kind.toLower() + u's';
}

QMap<QString, QJsonObject> byName(const QJsonArray& items)
{
    QMap<QString, QJsonObject> out;
    for (const QJsonValue& item : items) {
        const QJsonObject object = item.toObject();
        out.insert(object.value(u"metadata").toObject().value(u"name").toString(), object);
    }
    return out;
}

} // namespace

class TestKubectlAgreement final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void watchHoldsWhatKubectlGets_data();
    void watchHoldsWhatKubectlGets();
    void watchReportsWhatKubectlWatchPrints();

private:
    ClusterConnection connection() const;
    QJsonArray kubectlItems(const QString& plural, bool clusterScoped) const;

    test::KubeApiServer m_server;
};

void TestKubectlAgreement::initTestCase()
{
    test::KubeApiServerOptions options;
    options.readySeconds = 0.2;
    m_server.setOptions(options);
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    const QString manifest = QStringLiteral(R"(apiVersion: v1
kind: Namespace
metadata: {name: agree}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: agree, labels: {app: web}}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Secret
metadata: {name: credentials, namespace: agree}
stringData: {TOKEN: not-shown-here}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: agree}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: agree}
spec:
  rules:
  - host: shop.example
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: agree}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "busybox:1"}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: agree}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "busybox:1"}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: shipper, namespace: agree}
spec:
  selector: {matchLabels: {app: shipper}}
  template:
    metadata: {labels: {app: shipper}}
    spec: {containers: [{name: shipper, image: "busybox:1"}]}
)");
    const test::KubectlResult applied =
        m_server.kubectl({u"apply"_qs, u"-f"_qs, u"-"_qs}, manifest.toUtf8());
    QVERIFY2(applied.exitCode == 0, qPrintable(applied.err));
    for (const QString& workload :
         {u"deployment/web"_qs, u"statefulset/db"_qs, u"daemonset/shipper"_qs}) {
        const test::KubectlResult rolled = m_server.kubectl(
            {u"rollout"_qs, u"status"_qs, u"-n"_qs, kNamespace, workload, u"--timeout=60s"_qs});
        QVERIFY2(rolled.exitCode == 0, qPrintable(workload + u": " + rolled.err));
    }
}

ClusterConnection TestKubectlAgreement::connection() const
{
    const Result<Kubeconfig> config = loadKubeconfigFile(m_server.kubeconfigPath());
    if (!config)
        qFatal("%s", qPrintable(config.error().toString()));
    Result<ClusterConnection> resolved = resolveContext(*config, u"cert"_qs);
    if (!resolved)
        qFatal("%s", qPrintable(resolved.error().toString()));
    return std::move(resolved).value();
}

QJsonArray TestKubectlAgreement::kubectlItems(const QString& plural, bool clusterScoped) const
{
    // kubectl leaves managedFields out unless asked; the console keeps them.
    QStringList arguments{u"get"_qs, plural, u"-o"_qs, u"json"_qs, u"--show-managed-fields"_qs};
    if (!clusterScoped)
        arguments << u"-n"_qs << kNamespace;
    const test::KubectlResult got = m_server.kubectl(arguments);
    if (got.exitCode != 0)
        qWarning("kubectl get %s: %s", qPrintable(plural), qPrintable(got.err));
    return QJsonDocument::fromJson(got.out.toUtf8()).object().value(u"items").toArray();
}

void TestKubectlAgreement::watchHoldsWhatKubectlGets_data()
{
    QTest::addColumn<QString>("kind");
    for (const QString& kind : viewedKinds()) {
        // Events change as the controllers go on (counts, last times): compared by name below
        // would race them.
        if (kind != u"Event")
            QTest::newRow(qPrintable(kind)) << kind;
    }
}

// The objects a watch's reset holds equal kubectl's, field for field, the kind and apiVersion
// of list items included.
void TestKubectlAgreement::watchHoldsWhatKubectlGets()
{
    QFETCH(QString, kind);
    KubeCluster cluster(u"fake"_qs, connection(), kNamespace);
    QSignalSpy resets(&cluster, &KubeCluster::objectsReset);
    QSignalSpy failed(&cluster, &KubeCluster::watchFailed);
    cluster.start();
    const bool clusterScoped = kind == u"Node" || kind == u"Namespace";
    cluster.watch(kind, clusterScoped ? QString() : kNamespace);
    QTRY_VERIFY2_WITH_TIMEOUT(resets.count() >= 1 || failed.count() >= 1, "no reset from the watch",
                              kWaitMs);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(1).toString()));
    const auto objects = resets.at(0).at(1).value<QList<LiveObject>>();

    const QMap<QString, QJsonObject> expected = byName(kubectlItems(pluralOf(kind), clusterScoped));
    QVERIFY2(!expected.isEmpty(), qPrintable(u"kubectl lists no "_qs + kind));
    QMap<QString, QJsonObject> held;
    for (const LiveObject& object : objects)
        held.insert(object.name, object.json);
    QCOMPARE(held.keys(), expected.keys());
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        QVERIFY2(
            held.value(it.key()) == it.value(),
            qPrintable(it.key() + u"\nkubectl:   "_qs +
                       QString::fromUtf8(QJsonDocument(it.value()).toJson(QJsonDocument::Compact)) +
                       u"\nlaunchdeck: "_qs +
                       QString::fromUtf8(
                           QJsonDocument(held.value(it.key())).toJson(QJsonDocument::Compact))));
    }
}

// Changes made with kubectl reach a watch and `kubectl get -w --output-watch-events` alike: the
// same types, names and resourceVersions in the same order.
void TestKubectlAgreement::watchReportsWhatKubectlWatchPrints()
{
    KubeCluster cluster(u"fake"_qs, connection(), kNamespace);
    QSignalSpy resets(&cluster, &KubeCluster::objectsReset);
    QSignalSpy changes(&cluster, &KubeCluster::objectsChanged);
    cluster.start();
    cluster.watch(u"ConfigMap"_qs, kNamespace, u"round=1"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(resets.count() >= 1, kWaitMs);

    // kubectl's watch beside it, opened before anything changes. The watches of the clusters
    // before this one end as the server notices their clients went; then this cluster's alone
    // is open.
    QTRY_COMPARE_WITH_TIMEOUT(m_server.openWatches(), 1, kWaitMs);
    const int open = m_server.openWatches();
    QProcess watcher;
    watcher.setProcessEnvironment(m_server.kubectlEnvironment());
    watcher.start(u"kubectl"_qs,
                  {u"get"_qs, u"configmaps"_qs, u"-n"_qs, kNamespace, u"-l"_qs, u"round=1"_qs,
                   u"-w"_qs, u"--output-watch-events"_qs, u"-o"_qs, u"json"_qs});
    QVERIFY(watcher.waitForStarted(10'000));
    QTRY_VERIFY2_WITH_TIMEOUT(m_server.openWatches() > open,
                              qPrintable(QString::fromUtf8(watcher.readAllStandardError()) +
                                         u" open watches: "_qs +
                                         QString::number(m_server.openWatches())),
                              kWaitMs);

    const auto run = [this](const QStringList& arguments, const QByteArray& input = {}) {
        const test::KubectlResult result = m_server.kubectl(arguments, input);
        if (result.exitCode != 0)
            qWarning("kubectl %s: %s", qPrintable(arguments.join(u' ')), qPrintable(result.err));
        return result.exitCode == 0;
    };
    QVERIFY(run({u"apply"_qs, u"-f"_qs, u"-"_qs},
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one, namespace: agree, "
                "labels: {round: \"1\"}}\ndata: {a: \"1\"}\n"));
    QVERIFY(run({u"annotate"_qs, u"configmap"_qs, u"one"_qs, u"-n"_qs, kNamespace, u"note=x"_qs}));
    QVERIFY(run({u"delete"_qs, u"configmap"_qs, u"one"_qs, u"-n"_qs, kNamespace}));

    // Launchdeck's view of the three changes.
    QStringList ours;
    const auto collectOurs = [&] {
        ours.clear();
        for (const QList<QVariant>& signal : std::as_const(changes)) {
            for (const LiveChange& change : signal.at(1).value<QList<LiveChange>>()) {
                const char* type = change.type == LiveChange::Type::Added      ? "ADDED"
                                   : change.type == LiveChange::Type::Modified ? "MODIFIED"
                                                                               : "DELETED";
                ours.append(QString::fromLatin1(type) + u' ' + change.object.name + u' ' +
                            change.object.resourceVersion);
            }
        }
        return ours.size() >= 3;
    };
    QTRY_VERIFY_WITH_TIMEOUT(collectOurs(), kWaitMs);

    // kubectl's: its JSON events, one pretty-printed document after another.
    QStringList theirs;
    const auto collectTheirs = [&] {
        theirs.clear();
        const QByteArray text = watcher.peek(1 << 20);
        qsizetype at = 0;
        while (at < text.size()) {
            int depth = 0;
            bool inString = false;
            qsizetype end = at;
            for (; end < text.size(); ++end) {
                const char c = text.at(end);
                if (inString) {
                    if (c == '\\')
                        ++end;
                    else if (c == '"')
                        inString = false;
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{') {
                    ++depth;
                } else if (c == '}' && --depth == 0) {
                    break;
                }
            }
            if (end >= text.size())
                break;
            const QJsonObject event = QJsonDocument::fromJson(text.mid(at, end + 1 - at)).object();
            const QJsonObject metadata =
                event.value(u"object").toObject().value(u"metadata").toObject();
            if (!event.isEmpty())
                theirs.append(event.value(u"type").toString() + u' ' +
                              metadata.value(u"name").toString() + u' ' +
                              metadata.value(u"resourceVersion").toString());
            at = end + 1;
        }
        return theirs.size() >= 3;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(collectTheirs(), qPrintable(QString::fromUtf8(watcher.peek(4096))),
                              kWaitMs);
    watcher.kill();
    watcher.waitForFinished();
    collectOurs();
    QCOMPARE(ours, theirs);
}

QTEST_GUILESS_MAIN(TestKubectlAgreement)
#include "tst_kubectlagreement.moc"
