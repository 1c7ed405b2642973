// The shape of an application on a cluster — track Deployments, the Services that select them,
// the ingress-nginx canary twin, the replica split of a canary weight — and what a deployment
// on a cluster finds before it starts: the place of an environment and the subject against the
// fake API server (live track from the Deployments and the Service, revisions from the ledger
// with the objects each recorded), with what it refuses.
#include "deploy/clusterobjects.h"
#include "deploy/clusterrun.h"
#include "fakes/kubeapiserver.h"
#include "store/historystore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::deploy;
using namespace launchdeck::test;

namespace {

const QString kImage = QStringLiteral("registry.test/web");

// A workspace with three targets (two on the fake cluster, `sharedNamespace` deciding whether
// they name the same namespace, and a Docker host) and applications web (rolling, port 80),
// worker (no ports) and metered (canary with an error_rate analysis).
QString workspaceYaml(const QString& kubeconfig, const QString& nameSpace, bool sharedNamespace)
{
    QString yaml = QStringLiteral("version: 1\nname: objects\ntargets:\n");
    yaml += QStringLiteral("  cluster-a:\n    type: kubernetes\n    kubeconfig: %1\n"
                           "    context: cert\n    namespace: %2\n")
                .arg(kubeconfig, nameSpace);
    yaml += QStringLiteral("  cluster-b:\n    type: kubernetes\n    kubeconfig: %1\n"
                           "    context: token\n    namespace: %2\n")
                .arg(kubeconfig, sharedNamespace ? nameSpace : nameSpace + u"-qa");
    yaml += QStringLiteral("  local:\n    type: docker\n    host: unix:///var/run/docker.sock\n");
    yaml += QStringLiteral("environments:\n  staging:\n    target: cluster-a\n"
                           "  qa:\n    target: cluster-b\n  dev:\n    target: local\n");
    yaml += QStringLiteral("applications:\n"
                           "  web:\n    image: registry.test/web\n    version: v1\n"
                           "    ports: [\"80\"]\n    replicas: 2\n"
                           "    strategy: {type: rolling, max_surge: 1, max_unavailable: 0}\n"
                           "  worker:\n    image: registry.test/worker\n    version: v1\n"
                           "  metered:\n    image: registry.test/metered\n    version: v1\n"
                           "    ports: [\"80\"]\n    strategy:\n      type: canary\n"
                           "      steps:\n        - {set_weight: 50}\n"
                           "        - {analysis: errors}\n"
                           "      analysis:\n        errors:\n          metric: error_rate\n"
                           "          interval: 1s\n          count: 1\n"
                           "          success_condition: \"result < 0.05\"\n");
    return yaml;
}

QJsonObject metadataOf(const QJsonObject& object)
{
    return object.value(u"metadata").toObject();
}

QJsonObject labelsOf(const QJsonObject& object)
{
    return metadataOf(object).value(u"labels").toObject();
}

QJsonObject selectorOf(const QJsonObject& service)
{
    return service.value(u"spec").toObject().value(u"selector").toObject();
}

QString trackKey()
{
    return QString::fromUtf16(cluster::kTrack);
}

// An ingress-nginx Ingress as the server serves it: one host routing /shop to web and /api to
// another application.
QJsonObject shopIngress()
{
    return QJsonDocument::fromJson(R"({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "shop", "namespace": "storefront", "uid": "u", "resourceVersion": "4",
                     "annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/"}},
        "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com", "http": {
            "paths": [
                {"path": "/shop", "pathType": "Prefix",
                 "backend": {"service": {"name": "web", "port": {"number": 80}}}},
                {"path": "/api", "pathType": "Prefix",
                 "backend": {"service": {"name": "api", "port": {"number": 80}}}}]}}]}})")
        .object();
}

} // namespace

class TestClusterObjects final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    KubeApiServer m_server;
    bool m_serverTried = false;
    std::unique_ptr<HistoryStore> m_store;
    std::shared_ptr<DeploymentLedger> m_ledger;
    int m_workspaces = 0;

    // The workspace of workspaceYaml(), loaded from a folder of its own.
    std::optional<Workspace> workspace(const QString& nameSpace, bool sharedNamespace = false)
    {
        const QString root = m_dir.filePath(QStringLiteral("ws-%1").arg(++m_workspaces));
        QDir().mkpath(root);
        QFile file(root + QStringLiteral("/launchdeck.yaml"));
        const QString kubeconfig =
            m_server.isRunning() ? m_server.kubeconfigPath() : root + u"/kubeconfig";
        if (!file.open(QIODevice::WriteOnly) ||
            file.write(workspaceYaml(kubeconfig, nameSpace, sharedNamespace).toUtf8()) < 0)
            return std::nullopt;
        file.close();
        Diagnostics findings;
        std::optional<Workspace> loaded = loadWorkspace(root, findings);
        for (const Diagnostic& finding : findings) {
            if (finding.severity == Severity::Critical) {
                qWarning("%s", qPrintable(formatDiagnostic(finding)));
                return std::nullopt;
            }
        }
        return loaded;
    }

    kube::ApplicationObjects objects(const QString& application, int revision = 3)
    {
        const std::optional<Workspace> ws = workspace(QStringLiteral("storefront"));
        if (!ws)
            return {};
        const Result<kube::ApplicationObjects> made = kube::applicationObjects(
            *ws, application, QStringLiteral("staging"),
            ws->application(application)->image + QStringLiteral(":v3"), revision);
        if (!made)
            qWarning("%s", qPrintable(made.error().toString()));
        return made ? *made : kube::ApplicationObjects{};
    }

    // The fake server and the ledger, started by the first test that needs them.
    bool cluster()
    {
        if (!m_serverTried) {
            m_serverTried = true;
            KubeApiServerOptions options;
            options.readySeconds = 0.2;
            options.logIntervalMs = 5000;
            m_server.setOptions(options);
            QString error;
            if (!m_server.start(&error)) {
                qWarning("the fake API server did not start: %s", qPrintable(error));
                return false;
            }
            QDir().mkpath(m_dir.filePath(QStringLiteral("data")));
            m_store = std::make_unique<HistoryStore>(m_dir.filePath(QStringLiteral("data")));
            if (const Result<int> opened = m_store->open(); !opened) {
                qWarning("%s", qPrintable(opened.error().toString()));
                return false;
            }
            m_ledger = std::make_shared<DeploymentLedger>(*m_store);
        }
        return m_server.isRunning() && m_ledger;
    }

    bool createNamespace(const QString& name)
    {
        return m_server.kubectl({u"create"_qs, u"namespace"_qs, name}).exitCode == 0;
    }

    // Applies objects as another tool would, with kubectl.
    bool kubectlApply(const QString& nameSpace, const QList<QJsonObject>& objects)
    {
        for (const QJsonObject& object : objects) {
            const KubectlResult applied =
                m_server.kubectl({u"apply"_qs, u"-n"_qs, nameSpace, u"-f"_qs, u"-"_qs},
                                 QJsonDocument(object).toJson());
            if (applied.exitCode != 0) {
                qWarning("kubectl apply: %s", qPrintable(applied.err));
                return false;
            }
        }
        return true;
    }

    int readyReplicas(const QString& nameSpace, const QString& name)
    {
        const auto answer = m_server.request(
            "GET",
            QStringLiteral("/apis/apps/v1/namespaces/%1/deployments/%2").arg(nameSpace, name));
        return QJsonDocument::fromJson(answer.body)[u"status"][u"readyReplicas"].toInt();
    }

    DeploymentContext context(const Workspace& ws)
    {
        DeploymentContext made;
        made.workspace = ws;
        made.dataDir = m_dir.filePath(QStringLiteral("data"));
        made.ledger = m_ledger;
        made.useKeyring = false;
        return made;
    }

    static DeploymentRequest request(const QString& application, DeploymentKind kind,
                                     const QString& version = {})
    {
        DeploymentRequest made;
        made.kind = kind;
        made.application = application;
        made.environment = QStringLiteral("staging");
        made.version = version;
        made.reason = QStringLiteral("test");
        return made;
    }

    // Records a completed deployment of `revision` with its configuration and objects.
    bool recordCompleted(const Workspace& ws, const QString& application, const Revision& revision)
    {
        DeploymentStart start;
        start.application = application;
        start.environment = QStringLiteral("staging");
        start.to = revision;
        start.strategy = QStringLiteral("rolling");
        start.who = QStringLiteral("tester");
        const Result<QString> id = m_ledger->begin(start);
        if (!id)
            return false;
        const Result<kube::ApplicationObjects> made = kube::applicationObjects(
            ws, application, start.environment, revision.image, revision.number);
        if (!made)
            return false;
        QJsonObject config = revisionConfigFor(*ws.application(application),
                                               *ws.environment(start.environment), revision.image)
                                 .toJson();
        config.insert(
            QString::fromUtf16(cluster::kRecordedObjects),
            QJsonObject{{u"apiVersion"_qs, u"v1"_qs},
                        {u"kind"_qs, u"List"_qs},
                        {u"items"_qs, QJsonArray{cluster::trackDeployment(
                                                     *made, QString::fromUtf16(cluster::kStable), 2,
                                                     revision.number, revision.image),
                                                 *cluster::activeService(*made, std::nullopt)}}});
        return m_ledger->recordRevisionConfig(application, start.environment, revision, config) &&
               m_ledger->finish(*id, DeploymentStatus::Completed);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void names()
    {
        QCOMPARE(cluster::workloadName(u"web"_qs, QString::fromUtf16(cluster::kStable)), u"web"_qs);
        QCOMPARE(cluster::workloadName(u"web"_qs, QString::fromUtf16(cluster::kCanary)),
                 u"web-canary"_qs);
        QCOMPARE(cluster::workloadName(u"web"_qs, QString::fromUtf16(cluster::kGreen)),
                 u"web-green"_qs);
        QCOMPARE(cluster::workloadName(u"web"_qs, QString::fromUtf16(cluster::kCandidate)),
                 u"web-candidate"_qs);
        QCOMPARE(cluster::previewServiceName(u"web"_qs), u"web-preview"_qs);
        QCOMPARE(cluster::otherColour(u"blue"_qs), u"green"_qs);
        QCOMPARE(cluster::otherColour(u"green"_qs), u"blue"_qs);
    }

    void trackDeploymentNarrowsEverySelector()
    {
        const kube::ApplicationObjects web = objects(u"web"_qs);
        QVERIFY(!web.deployment.isEmpty());
        const QJsonObject green =
            cluster::trackDeployment(web, u"green"_qs, 4, 7, u"registry.test/web:v7"_qs);
        QCOMPARE(metadataOf(green).value(u"name").toString(), u"web-green"_qs);
        QCOMPARE(labelsOf(green).value(trackKey()).toString(), u"green"_qs);
        QCOMPARE(labelsOf(green).value(u"app.kubernetes.io/name").toString(), u"web"_qs);
        const QJsonObject spec = green.value(u"spec").toObject();
        QCOMPARE(spec.value(u"replicas").toInt(), 4);
        const QJsonObject matchLabels =
            spec.value(u"selector").toObject().value(u"matchLabels").toObject();
        QCOMPARE(matchLabels.value(trackKey()).toString(), u"green"_qs);
        QCOMPARE(matchLabels.value(u"launchdeck.dev/environment").toString(), u"staging"_qs);
        const QJsonObject podMetadata =
            spec.value(u"template").toObject().value(u"metadata").toObject();
        QCOMPARE(podMetadata.value(u"labels").toObject().value(trackKey()).toString(), u"green"_qs);
        QCOMPARE(podMetadata.value(u"annotations").toObject().value(u"launchdeck.dev/revision"),
                 QJsonValue(u"7"_qs));
        const QJsonObject annotations = metadataOf(green).value(u"annotations").toObject();
        QCOMPARE(annotations.value(u"kubernetes.io/change-cause").toString(),
                 u"launchdeck revision 7 (registry.test/web:v7)"_qs);
        // The strategy stays as generated; the application's Deployment is left as it was.
        QCOMPARE(spec.value(u"strategy"),
                 web.deployment.value(u"spec").toObject().value(u"strategy"));
        QCOMPARE(metadataOf(web.deployment).value(u"name").toString(), u"web"_qs);
        QVERIFY(!labelsOf(web.deployment).contains(trackKey()));

        const QJsonObject stable = cluster::trackDeployment(
            web, QString::fromUtf16(cluster::kStable), 2, 3, u"registry.test/web:v3"_qs);
        QCOMPARE(metadataOf(stable).value(u"name").toString(), u"web"_qs);
        QCOMPARE(labelsOf(stable).value(trackKey()).toString(), u"stable"_qs);
    }

    void servicesSelectTheirTracks()
    {
        const kube::ApplicationObjects web = objects(u"web"_qs);
        QVERIFY(web.service);
        const auto all = cluster::activeService(web, std::nullopt);
        QVERIFY(all);
        QCOMPARE(metadataOf(*all).value(u"name").toString(), u"web"_qs);
        QVERIFY(!selectorOf(*all).contains(trackKey()));
        QCOMPARE(selectorOf(*all).value(u"app.kubernetes.io/name").toString(), u"web"_qs);

        const auto blue = cluster::activeService(web, u"blue"_qs);
        QVERIFY(blue);
        QCOMPARE(selectorOf(*blue).value(trackKey()).toString(), u"blue"_qs);

        const auto preview = cluster::previewService(web, u"candidate"_qs);
        QVERIFY(preview);
        QCOMPARE(metadataOf(*preview).value(u"name").toString(), u"web-preview"_qs);
        QCOMPARE(selectorOf(*preview).value(trackKey()).toString(), u"candidate"_qs);
        QCOMPARE(preview->value(u"spec").toObject().value(u"ports"),
                 web.service->value(u"spec").toObject().value(u"ports"));

        const auto canary = cluster::canaryService(web);
        QVERIFY(canary);
        QCOMPARE(metadataOf(*canary).value(u"name").toString(), u"web-canary"_qs);
        QCOMPARE(selectorOf(*canary).value(trackKey()).toString(), u"canary"_qs);

        // A Service narrowed to a track comes back to every track.
        kube::ApplicationObjects narrowed = web;
        narrowed.service = *blue;
        QVERIFY(!selectorOf(*cluster::activeService(narrowed, std::nullopt)).contains(trackKey()));
    }

    void noServicesWithoutPorts()
    {
        const kube::ApplicationObjects worker = objects(u"worker"_qs);
        QVERIFY(!worker.deployment.isEmpty());
        QVERIFY(!worker.service);
        QVERIFY(!cluster::activeService(worker, u"blue"_qs));
        QVERIFY(!cluster::previewService(worker, u"candidate"_qs));
        QVERIFY(!cluster::canaryService(worker));
    }

    void canaryIngressSendsOnlyTheApplicationsPaths()
    {
        const Result<QJsonObject> twin =
            cluster::canaryIngress(shopIngress(), u"web"_qs, u"web"_qs, 30);
        QVERIFY2(twin, qPrintable(twin ? QString() : twin.error().toString()));
        const QJsonObject metadata = metadataOf(*twin);
        QCOMPARE(metadata.value(u"name").toString(), u"shop-canary"_qs);
        QCOMPARE(metadata.value(u"namespace").toString(), u"storefront"_qs);
        QVERIFY(!metadata.contains(u"uid"));
        QVERIFY(!metadata.contains(u"resourceVersion"));
        const QJsonObject annotations = metadata.value(u"annotations").toObject();
        QCOMPARE(annotations.value(u"nginx.ingress.kubernetes.io/canary").toString(), u"true"_qs);
        QCOMPARE(annotations.value(u"nginx.ingress.kubernetes.io/canary-weight").toString(),
                 u"30"_qs);
        const QJsonObject spec = twin->value(u"spec").toObject();
        QCOMPARE(spec.value(u"ingressClassName").toString(), u"nginx"_qs);
        const QJsonArray rules = spec.value(u"rules").toArray();
        QCOMPARE(rules.size(), 1);
        QCOMPARE(rules.at(0)[u"host"].toString(), u"shop.example.com"_qs);
        const QJsonArray paths = rules.at(0)[u"http"][u"paths"].toArray();
        QCOMPARE(paths.size(), 1);
        QCOMPARE(paths.at(0)[u"path"].toString(), u"/shop"_qs);
        QCOMPARE(paths.at(0)[u"backend"][u"service"][u"name"].toString(), u"web-canary"_qs);
        QCOMPARE(paths.at(0)[u"backend"][u"service"][u"port"][u"number"].toInt(), 80);

        const Result<QJsonObject> clamped =
            cluster::canaryIngress(shopIngress(), u"web"_qs, u"web"_qs, 140);
        QVERIFY(clamped);
        QCOMPARE(metadataOf(*clamped)
                     .value(u"annotations")
                     .toObject()
                     .value(u"nginx.ingress.kubernetes.io/canary-weight")
                     .toString(),
                 u"100"_qs);
    }

    void canaryIngressNeedsARouteToTheService()
    {
        const Result<QJsonObject> twin =
            cluster::canaryIngress(shopIngress(), u"cart"_qs, u"cart"_qs, 10);
        QVERIFY(!twin);
        QVERIFY2(twin.error().toString().contains(u"Ingress shop"_qs) &&
                     twin.error().toString().contains(u"cart"_qs),
                 qPrintable(twin.error().toString()));
    }

    void splitReplicas_data()
    {
        QTest::addColumn<int>("replicas");
        QTest::addColumn<int>("weight");
        QTest::addColumn<int>("stable");
        QTest::addColumn<int>("canary");
        QTest::addColumn<double>("effective");
        QTest::newRow("none") << 4 << 0 << 4 << 0 << 0.0;
        QTest::newRow("all") << 4 << 100 << 0 << 4 << 100.0;
        QTest::newRow("exact") << 4 << 25 << 3 << 1 << 25.0;
        QTest::newRow("half") << 4 << 50 << 2 << 2 << 50.0;
        QTest::newRow("rounded") << 3 << 50 << 1 << 2 << 200.0 / 3;
        QTest::newRow("at least one canary") << 10 << 1 << 9 << 1 << 10.0;
        QTest::newRow("at least one stable") << 2 << 90 << 1 << 2 << 200.0 / 3;
        QTest::newRow("one replica") << 1 << 20 << 1 << 1 << 50.0;
    }

    void splitReplicas()
    {
        QFETCH(int, replicas);
        QFETCH(int, weight);
        const cluster::WeightSplit split = cluster::splitReplicas(replicas, weight);
        QTEST(split.stable, "stable");
        QTEST(split.canary, "canary");
        QFETCH(double, effective);
        QVERIFY2(qAbs(split.effectiveWeight - effective) < 1e-9,
                 qPrintable(QString::number(split.effectiveWeight)));
    }

    void placeOfAnEnvironment()
    {
        QVERIFY(cluster());
        const std::optional<Workspace> ws = workspace(u"storefront"_qs);
        QVERIFY(ws);
        QVERIFY(isClusterEnvironment(*ws, u"staging"_qs));
        QVERIFY(!isClusterEnvironment(*ws, u"dev"_qs));
        QVERIFY(!isClusterEnvironment(*ws, u"nowhere"_qs));

        const Result<ClusterPlace> place = resolveClusterPlace(*ws, u"staging"_qs);
        QVERIFY2(place, qPrintable(place ? QString() : place.error().toString()));
        QCOMPARE(place->clusterName, u"cluster-a"_qs);
        QCOMPARE(place->nameSpace, u"storefront"_qs);
        QCOMPARE(place->connection.contextName, u"cert"_qs);
        QCOMPARE(place->connection.server, m_server.url());

        const Result<ClusterPlace> docker = resolveClusterPlace(*ws, u"dev"_qs);
        QVERIFY(!docker);
        QVERIFY2(docker.error().message.contains(u"Docker host"_qs),
                 qPrintable(docker.error().toString()));
        const Result<ClusterPlace> unknown = resolveClusterPlace(*ws, u"nowhere"_qs);
        QVERIFY(!unknown);
        QVERIFY(unknown.error().message.contains(u"nowhere"_qs));
    }

    void subjectOfAFirstDeploy()
    {
        QVERIFY(cluster());
        QVERIFY(createNamespace(u"first"_qs));
        const std::optional<Workspace> ws = workspace(u"first"_qs);
        QVERIFY(ws);
        const Result<ClusterPlace> place = resolveClusterPlace(*ws, u"staging"_qs);
        QVERIFY(place);
        kube::KubeClient client(place->connection, place->clusterName);
        const Result<ClusterSubject> subject = resolveClusterSubject(
            context(*ws), request(u"web"_qs, DeploymentKind::Deploy, u"v1"_qs), client, *place);
        QVERIFY2(subject, qPrintable(subject ? QString() : subject.error().toString()));
        QVERIFY(!subject->from);
        QCOMPARE(subject->to.number, 1);
        QCOMPARE(subject->to.image, kImage + u":v1");
        QCOMPARE(subject->toConfig.image, kImage + u":v1");
        QVERIFY(subject->toConfig.network.isEmpty());
        QCOMPARE(subject->strategy, Strategy::Type::Rolling);
        QCOMPARE(metadataOf(subject->toObjects.deployment).value(u"name").toString(), u"web"_qs);
        QVERIFY(subject->toObjects.service);
        QVERIFY(subject->liveTrack.isEmpty());
        QCOMPARE(subject->liveReplicas, 0);
        QCOMPARE(subject->place.nameSpace, u"first"_qs);

        // A whole reference as the version is taken as it is.
        const Result<ClusterSubject> pinned =
            resolveClusterSubject(context(*ws),
                                  request(u"web"_qs, DeploymentKind::Deploy,
                                          u"registry.test/web@sha256:" + QString(64, u'a')),
                                  client, *place);
        QVERIFY(pinned);
        QCOMPARE(pinned->to.image, u"registry.test/web@sha256:" + QString(64, u'a'));
    }

    // A blue-green pair the ledger knows nothing of: the colour the Service selects is live,
    // and its revision is read from the Deployment so that the next number does not repeat it.
    void subjectSeesTheLiveColour()
    {
        QVERIFY(cluster());
        QVERIFY(createNamespace(u"colours"_qs));
        const std::optional<Workspace> ws = workspace(u"colours"_qs);
        QVERIFY(ws);
        const Result<kube::ApplicationObjects> made =
            kube::applicationObjects(*ws, u"web"_qs, u"staging"_qs, kImage + u":v4", 4);
        QVERIFY(made);
        QVERIFY(kubectlApply(u"colours"_qs,
                             {cluster::trackDeployment(*made, u"blue"_qs, 2, 4, kImage + u":v4"),
                              cluster::trackDeployment(*made, u"green"_qs, 0, 4, kImage + u":v4"),
                              *cluster::activeService(*made, u"blue"_qs)}));
        QTRY_COMPARE_WITH_TIMEOUT(readyReplicas(u"colours"_qs, u"web-blue"_qs), 2, 30000);

        const Result<ClusterPlace> place = resolveClusterPlace(*ws, u"staging"_qs);
        QVERIFY(place);
        kube::KubeClient client(place->connection, place->clusterName);
        DeploymentRequest asked = request(u"web"_qs, DeploymentKind::Deploy, u"v5"_qs);
        asked.strategy = Strategy::Type::BlueGreen;
        const Result<ClusterSubject> subject =
            resolveClusterSubject(context(*ws), asked, client, *place);
        QVERIFY2(subject, qPrintable(subject ? QString() : subject.error().toString()));
        QCOMPARE(subject->liveTrack, u"blue"_qs);
        QCOMPARE(subject->liveReplicas, 2);
        QVERIFY(subject->from);
        QCOMPARE(subject->from->number, 4);
        QCOMPARE(subject->from->image, kImage + u":v4");
        QCOMPARE(subject->to.number, 5);
        QCOMPARE(subject->strategy, Strategy::Type::BlueGreen);
        // Blue-green Deployments keep the default strategy; the request's choice is generated.
        QVERIFY(!subject->toObjects.deployment.value(u"spec").toObject().contains(u"strategy"));
    }

    void rollbackReturnsToTheRecordedObjects()
    {
        QVERIFY(cluster());
        const std::optional<Workspace> ws = workspace(u"back"_qs);
        QVERIFY(ws);
        QVERIFY(recordCompleted(*ws, u"web"_qs, Revision{1, kImage + u":v1"}));
        QVERIFY(recordCompleted(*ws, u"web"_qs, Revision{2, kImage + u":v2"}));
        QVERIFY(createNamespace(u"back"_qs));
        const Result<ClusterPlace> place = resolveClusterPlace(*ws, u"staging"_qs);
        QVERIFY(place);
        kube::KubeClient client(place->connection, place->clusterName);

        const Result<ClusterSubject> subject = resolveClusterSubject(
            context(*ws), request(u"web"_qs, DeploymentKind::Rollback), client, *place);
        QVERIFY2(subject, qPrintable(subject ? QString() : subject.error().toString()));
        QCOMPARE(subject->from->number, 2);
        QVERIFY(subject->fromObjects);
        QCOMPARE(subject->fromObjects->value(u"items").toArray().size(), 2);
        QCOMPARE(subject->to.number, 1);
        QCOMPARE(subject->toConfig.image, kImage + u":v1");
        QCOMPARE(subject->strategy, Strategy::Type::Rolling);
        // The recorded Deployment and Service, as generated before a track narrowed them.
        const QJsonObject deployment = subject->toObjects.deployment;
        QCOMPARE(metadataOf(deployment).value(u"name").toString(), u"web"_qs);
        QVERIFY(!labelsOf(deployment).contains(trackKey()));
        QVERIFY(!deployment[u"spec"][u"selector"][u"matchLabels"].toObject().contains(trackKey()));
        QCOMPARE(deployment[u"spec"][u"template"][u"spec"][u"containers"][0][u"image"].toString(),
                 kImage + u":v1");
        QVERIFY(subject->toObjects.service);
        QVERIFY(!selectorOf(*subject->toObjects.service).contains(trackKey()));

        DeploymentRequest never = request(u"web"_qs, DeploymentKind::Rollback);
        never.toRevision = 9;
        const Result<ClusterSubject> refused =
            resolveClusterSubject(context(*ws), never, client, *place);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(u"never live"_qs),
                 qPrintable(refused.error().toString()));
    }

    void twoEnvironmentsInOneNamespaceRefused()
    {
        QVERIFY(cluster());
        const std::optional<Workspace> ws = workspace(u"shared"_qs, true);
        QVERIFY(ws);
        const Result<ClusterPlace> place = resolveClusterPlace(*ws, u"staging"_qs);
        QVERIFY(place);
        kube::KubeClient client(place->connection, place->clusterName);
        const Result<ClusterSubject> subject = resolveClusterSubject(
            context(*ws), request(u"web"_qs, DeploymentKind::Deploy, u"v1"_qs), client, *place);
        QVERIFY(!subject);
        const QString message = subject.error().message;
        QVERIFY2(message.contains(u"staging"_qs) && message.contains(u"qa"_qs) &&
                     message.contains(u"namespace shared"_qs),
                 qPrintable(message));
    }

    void trafficAnalysisRefusedOnACluster()
    {
        QVERIFY(cluster());
        QVERIFY(createNamespace(u"metered"_qs));
        const std::optional<Workspace> ws = workspace(u"metered"_qs);
        QVERIFY(ws);
        const Result<ClusterPlace> place = resolveClusterPlace(*ws, u"staging"_qs);
        QVERIFY(place);
        kube::KubeClient client(place->connection, place->clusterName);
        const Result<ClusterSubject> canary = resolveClusterSubject(
            context(*ws), request(u"metered"_qs, DeploymentKind::Deploy, u"v2"_qs), client, *place);
        QVERIFY(!canary);
        QVERIFY2(canary.error().message.contains(u"error_rate"_qs) &&
                     canary.error().message.contains(u"prometheus"_qs) &&
                     canary.error().message.contains(u"restarts"_qs),
                 qPrintable(canary.error().toString()));

        // A rolling deploy of the same application runs no analysis.
        DeploymentRequest rolling = request(u"metered"_qs, DeploymentKind::Deploy, u"v2"_qs);
        rolling.strategy = Strategy::Type::Rolling;
        const Result<ClusterSubject> allowed =
            resolveClusterSubject(context(*ws), rolling, client, *place);
        QVERIFY2(allowed, qPrintable(allowed ? QString() : allowed.error().toString()));
        QCOMPARE(allowed->toObjects.deployment[u"spec"][u"strategy"][u"type"].toString(),
                 u"RollingUpdate"_qs);
    }
};

QTEST_GUILESS_MAIN(TestClusterObjects)
#include "tst_clusterobjects.moc"
