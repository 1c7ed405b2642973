// Tests of the Deployment and Service made for an application of launchdeck.yaml: every field
// drawn from a parsed workspace, the defaults, the message for each thing missing or wrong, and
// the objects accepted by the fake API server through the real kubectl and rolled out there.
#include "fakes/kubeapiserver.h"
#include "kubernetes/applicationobjects.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTest>

#include <functional>

using namespace launchdeck;
using namespace launchdeck::kube;
using namespace launchdeck::test;

namespace {

const QByteArray kWorkspace = R"(version: 1
targets:
  cluster:
    type: kubernetes
    context: cert
    namespace: shop
  bare-cluster:
    type: kubernetes
    context: token
  local:
    type: docker
environments:
  production:
    target: cluster
    env:
      LOG_LEVEL: warn
      REGION: eu-west
      SIGNING_KEY: not-this-one
  staging:
    target: bare-cluster
  development:
    target: local
applications:
  web:
    image: shop/web
    version: "1.4.2"
    ports: ["8080:80", "8081:80", "9090:9090/udp"]
    env:
      LOG_LEVEL: info
      CHECKOUT_URL: http://checkout.internal/
    secrets: [SIGNING_KEY, DB_PASSWORD]
    health_check: {http: /healthz, interval: 5s, timeout: 1500ms, retries: 4, start_period: 10s}
    replicas: 2
    resources: {cpu: 500m, memory: 256Mi}
    strategy: {type: rolling, max_surge: 2, max_unavailable: 1}
  worker:
    image: shop/worker
    health_check: {command: [pg_isready, -q]}
    strategy: recreate
)";

Workspace parsed()
{
    Diagnostics out;
    const auto workspace = parseWorkspace(QStringLiteral("launchdeck.yaml"), kWorkspace, out);
    if (!workspace || !out.isEmpty())
        qFatal("the test workspace does not parse cleanly: %s",
               out.isEmpty() ? "no workspace" : qPrintable(out[0].message));
    return *workspace;
}

QJsonObject pair(const char* name, const QJsonValue& value)
{
    return QJsonObject{{QLatin1String(name), value}};
}

QString text(const QJsonValue& value)
{
    return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

} // namespace

class TestApplicationObjects final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deploymentFromTheWorkspace();
    void serviceFromTheWorkspace();
    void defaultsAndCommandProbes();
    void errorsNameWhatIsMissing();
    void appliedAndRolledOutByKubectl();
};

void TestApplicationObjects::deploymentFromTheWorkspace()
{
    const auto objects =
        applicationObjects(parsed(), QStringLiteral("web"), QStringLiteral("production"),
                           QStringLiteral("shop/web:1.4.2"), 7);
    QVERIFY2(objects.ok(), qPrintable(objects.ok() ? QString() : objects.error().toString()));
    const QJsonObject deployment = objects->deployment;
    QCOMPARE(deployment[u"apiVersion"].toString(), u"apps/v1"_qs);
    QCOMPARE(deployment[u"kind"].toString(), u"Deployment"_qs);

    const QJsonObject labels{{u"app.kubernetes.io/name"_qs, u"web"_qs},
                             {u"app.kubernetes.io/managed-by"_qs, u"launchdeck"_qs},
                             {u"launchdeck.dev/environment"_qs, u"production"_qs}};
    const QJsonObject revision{{u"launchdeck.dev/revision"_qs, u"7"_qs}};
    const QJsonObject metadata = deployment[u"metadata"].toObject();
    QCOMPARE(metadata[u"name"].toString(), u"web"_qs);
    QCOMPARE(metadata[u"namespace"].toString(), u"shop"_qs);
    QCOMPARE(metadata[u"labels"].toObject(), labels);
    QCOMPARE(metadata[u"annotations"].toObject(), revision);

    const QJsonObject spec = deployment[u"spec"].toObject();
    QCOMPARE(spec[u"replicas"].toInt(), 2);
    const QJsonObject selector{{u"app.kubernetes.io/name"_qs, u"web"_qs},
                               {u"launchdeck.dev/environment"_qs, u"production"_qs}};
    QCOMPARE(spec[u"selector"].toObject(), pair("matchLabels", selector));
    QCOMPARE(spec[u"strategy"].toObject(),
             (QJsonObject{{u"type"_qs, u"RollingUpdate"_qs},
                          {u"rollingUpdate"_qs,
                           QJsonObject{{u"maxSurge"_qs, 2}, {u"maxUnavailable"_qs, 1}}}}));
    const QJsonObject podMetadata = spec[u"template"][u"metadata"].toObject();
    QCOMPARE(podMetadata[u"labels"].toObject(), labels);
    QCOMPARE(podMetadata[u"annotations"].toObject(), revision);

    const QJsonArray containers = spec[u"template"][u"spec"][u"containers"].toArray();
    QCOMPARE(containers.size(), 1);
    const QJsonObject container = containers[0].toObject();
    QCOMPARE(container[u"name"].toString(), u"web"_qs);
    QCOMPARE(container[u"image"].toString(), u"shop/web:1.4.2"_qs);
    // 8080:80 and 8081:80 are one container port.
    const QJsonArray ports{QJsonObject{{u"name"_qs, u"tcp-80"_qs},
                                       {u"containerPort"_qs, 80},
                                       {u"protocol"_qs, u"TCP"_qs}},
                           QJsonObject{{u"name"_qs, u"udp-9090"_qs},
                                       {u"containerPort"_qs, 9090},
                                       {u"protocol"_qs, u"UDP"_qs}}};
    QCOMPARE(container[u"ports"].toArray(), ports);

    // The application's LOG_LEVEL wins over the environment's, as on a Docker host; the secret
    // SIGNING_KEY wins over the environment's plain value, which appears nowhere.
    const auto secretRef = [](const QString& name) {
        return QJsonObject{{u"name"_qs, name},
                           {u"valueFrom"_qs,
                            pair("secretKeyRef",
                                 QJsonObject{{u"name"_qs, u"web-secrets"_qs}, {u"key"_qs, name}})}};
    };
    const auto plain = [](const QString& name, const QString& value) {
        return QJsonObject{{u"name"_qs, name}, {u"value"_qs, value}};
    };
    const QJsonArray env{plain(u"CHECKOUT_URL"_qs, u"http://checkout.internal/"_qs),
                         plain(u"LOG_LEVEL"_qs, u"info"_qs), plain(u"REGION"_qs, u"eu-west"_qs),
                         secretRef(u"SIGNING_KEY"_qs), secretRef(u"DB_PASSWORD"_qs)};
    QCOMPARE(container[u"env"].toArray(), env);
    QVERIFY2(!text(deployment).contains(u"not-this-one"_qs), qPrintable(text(deployment)));

    // No port on the check: the first container port; 1.5 s rounds up to 2.
    const QJsonObject httpGet{{u"path"_qs, u"/healthz"_qs}, {u"port"_qs, 80}};
    const QJsonObject readiness{{u"httpGet"_qs, httpGet},
                                {u"periodSeconds"_qs, 5},
                                {u"timeoutSeconds"_qs, 2},
                                {u"failureThreshold"_qs, 4}};
    QCOMPARE(container[u"readinessProbe"].toObject(), readiness);
    QJsonObject liveness = readiness;
    liveness.insert(u"initialDelaySeconds"_qs, 10);
    QCOMPARE(container[u"livenessProbe"].toObject(), liveness);

    const QJsonObject amounts{{u"cpu"_qs, u"500m"_qs}, {u"memory"_qs, u"268435456"_qs}};
    QCOMPARE(container[u"resources"].toObject(),
             (QJsonObject{{u"requests"_qs, amounts}, {u"limits"_qs, amounts}}));
}

void TestApplicationObjects::serviceFromTheWorkspace()
{
    const auto objects =
        applicationObjects(parsed(), QStringLiteral("web"), QStringLiteral("production"),
                           QStringLiteral("shop/web@sha256:0123abcd"), 1);
    QVERIFY2(objects.ok(), qPrintable(objects.ok() ? QString() : objects.error().toString()));
    QCOMPARE(objects->deployment[u"spec"][u"template"][u"spec"][u"containers"][0][u"image"],
             u"shop/web@sha256:0123abcd"_qs);
    QVERIFY(objects->service);
    const QJsonObject service = *objects->service;
    QCOMPARE(service[u"apiVersion"].toString(), u"v1"_qs);
    QCOMPARE(service[u"kind"].toString(), u"Service"_qs);
    QCOMPARE(service[u"metadata"][u"name"].toString(), u"web"_qs);
    QCOMPARE(service[u"metadata"][u"namespace"].toString(), u"shop"_qs);
    QCOMPARE(service[u"metadata"][u"labels"], objects->deployment[u"metadata"][u"labels"]);
    QCOMPARE(service[u"spec"][u"type"].toString(), u"ClusterIP"_qs);
    QCOMPARE(service[u"spec"][u"selector"],
             objects->deployment[u"spec"][u"selector"][u"matchLabels"]);
    const QJsonArray ports{QJsonObject{{u"name"_qs, u"tcp-80"_qs},
                                       {u"port"_qs, 80},
                                       {u"targetPort"_qs, 80},
                                       {u"protocol"_qs, u"TCP"_qs}},
                           QJsonObject{{u"name"_qs, u"udp-9090"_qs},
                                       {u"port"_qs, 9090},
                                       {u"targetPort"_qs, 9090},
                                       {u"protocol"_qs, u"UDP"_qs}}};
    QCOMPARE(service[u"spec"][u"ports"].toArray(), ports);

    const QJsonArray items = objects->list()[u"items"].toArray();
    QCOMPARE(objects->list()[u"kind"].toString(), u"List"_qs);
    QCOMPARE(items, (QJsonArray{objects->deployment, service}));
}

void TestApplicationObjects::defaultsAndCommandProbes()
{
    const auto objects =
        applicationObjects(parsed(), QStringLiteral("worker"), QStringLiteral("staging"),
                           QStringLiteral("shop/worker:2"), 3);
    QVERIFY2(objects.ok(), qPrintable(objects.ok() ? QString() : objects.error().toString()));
    // A target without `namespace:` is read as "default"; no ports, no Service.
    QCOMPARE(objects->deployment[u"metadata"][u"namespace"].toString(), u"default"_qs);
    QVERIFY(!objects->service);
    QCOMPARE(objects->list()[u"items"].toArray().size(), 1);
    const QJsonObject spec = objects->deployment[u"spec"].toObject();
    QCOMPARE(spec[u"replicas"].toInt(), 1);
    QCOMPARE(spec[u"strategy"].toObject(), pair("type", u"Recreate"_qs));
    const QJsonObject container = spec[u"template"][u"spec"][u"containers"][0].toObject();
    for (const char16_t* absent : {u"ports", u"env", u"resources"})
        QVERIFY2(!container.contains(QStringView(absent)), qPrintable(text(container)));
    const QJsonObject exec = pair("exec", pair("command", QJsonArray{u"pg_isready"_qs, u"-q"_qs}));
    QCOMPARE(container[u"readinessProbe"][u"exec"].toObject(), exec[u"exec"].toObject());
    QCOMPARE(container[u"livenessProbe"][u"exec"].toObject(), exec[u"exec"].toObject());
    QCOMPARE(container[u"livenessProbe"][u"periodSeconds"].toInt(), 10);
    QVERIFY(!container[u"livenessProbe"].toObject().contains(u"initialDelaySeconds"_qs));
}

void TestApplicationObjects::errorsNameWhatIsMissing()
{
    struct Case
    {
        const char* what;
        QString application = QStringLiteral("web");
        QString environment = QStringLiteral("production");
        QString image = QStringLiteral("shop/web:1");
        int revision = 1;
        std::function<void(Workspace&)> change = [](Workspace&) {
        };
        QString expected;
    };
    const auto web = [](Workspace& w) -> Application& {
        for (Application& application : w.applications) {
            if (application.name == u"web")
                return application;
        }
        qFatal("no application 'web'");
    };
    const QList<Case> cases = {
        {.what = "unknown application",
         .application = u"nope"_qs,
         .expected = u"launchdeck.yaml: no application 'nope' in the workspace"_qs},
        {.what = "unknown environment",
         .environment = u"qa"_qs,
         .expected = u"launchdeck.yaml: no environment 'qa' in the workspace"_qs},
        {.what = "docker target",
         .environment = u"development"_qs,
         .expected = u"launchdeck.yaml:22: environment 'development': its target 'local' is a "
                     u"Docker host, not a Kubernetes cluster"_qs},
        {.what = "no image in the workspace",
         .change = [&](Workspace& w) { web(w).image.clear(); },
         .expected = u"launchdeck.yaml:25: application 'web': no image; add 'image:' to it in "
                     u"launchdeck.yaml"_qs},
        {.what = "no image reference",
         .image = QString(),
         .expected = u"launchdeck.yaml:25: application 'web': image reference '' is not "
                     u"repository:tag or repository@digest"_qs},
        {.what = "image without tag",
         .image = u"registry:5000/shop/web"_qs,
         .expected = u"image reference 'registry:5000/shop/web' is not repository:tag"_qs},
        {.what = "bad revision",
         .revision = 0,
         .expected = u"application 'web': revision 0 is not 1 or more"_qs},
        {.what = "container port 0",
         .change = [&](Workspace& w) { web(w).ports[0].containerPort = 0; },
         .expected = u"application 'web': port '8080:0' has container port 0, not 1 to 65535"_qs},
        {.what = "container port too high",
         .change = [&](Workspace& w) { web(w).ports[2].containerPort = 70000; },
         .expected = u"port '9090:70000/udp' has container port 70000"_qs},
        {.what = "http check without any port",
         .change = [&](Workspace& w) { web(w).ports.clear(); },
         .expected = u"application 'web': health_check asks /healthz over HTTP but names no port "
                     u"and the application declares none"_qs},
        {.what = "secret name Kubernetes refuses",
         .change = [&](Workspace& w) { web(w).secrets.append(u"DB PASSWORD"_qs); },
         .expected = u"secret name 'DB PASSWORD' is not a Secret key"_qs},
        {.what = "service name starting with a digit",
         .application = u"9web"_qs,
         .change = [&](Workspace& w) { web(w).name = u"9web"_qs; },
         .expected = u"application '9web': a Service name must start with a letter"_qs},
        {.what = "rolling with nothing to move",
         .change =
             [&](Workspace& w) {
                 web(w).strategy.maxSurge = 0;
                 web(w).strategy.maxUnavailable = 0;
             },
         .expected = u"a rolling strategy needs max_surge or max_unavailable above 0"_qs},
    };
    for (const Case& c : cases) {
        Workspace workspace = parsed();
        c.change(workspace);
        const auto objects =
            applicationObjects(workspace, c.application, c.environment, c.image, c.revision);
        QVERIFY2(!objects.ok(), c.what);
        QVERIFY2(objects.error().toString().contains(c.expected),
                 qPrintable(QLatin1String(c.what) + u": " + objects.error().toString()));
    }
}

void TestApplicationObjects::appliedAndRolledOutByKubectl()
{
    if (QStandardPaths::findExecutable(QStringLiteral("kubectl")).isEmpty())
        QFAIL("kubectl is not on PATH; the objects are checked with it");
    KubeApiServer server;
    KubeApiServerOptions options;
    options.readySeconds = 0.3;
    server.setOptions(options);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));

    const auto objects =
        applicationObjects(parsed(), QStringLiteral("web"), QStringLiteral("production"),
                           QStringLiteral("shop/web:1.4.2"), 1);
    QVERIFY2(objects.ok(), qPrintable(objects.ok() ? QString() : objects.error().toString()));
    const QByteArray list = QJsonDocument(objects->list()).toJson();

    const KubectlResult created = server.kubectl({u"create"_qs, u"namespace"_qs, u"shop"_qs});
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    // Launchdeck makes the Secret apart from these objects; the values here are only a test's.
    const KubectlResult secret = server.kubectl(
        {u"create"_qs, u"secret"_qs, u"generic"_qs, u"web-secrets"_qs, u"-n"_qs, u"shop"_qs,
         u"--from-literal=SIGNING_KEY=k"_qs, u"--from-literal=DB_PASSWORD=p"_qs});
    QVERIFY2(secret.exitCode == 0, qPrintable(secret.err));

    // kubectl validates a List itself from /openapi/v2, which the fake API server does not
    // serve; the objects one by one below are validated by the server (fieldValidation=Strict).
    const KubectlResult dry = server.kubectl(
        {u"apply"_qs, u"--dry-run=server"_qs, u"--validate=false"_qs, u"-f"_qs, u"-"_qs}, list);
    QVERIFY2(dry.exitCode == 0, qPrintable(dry.err + QString::fromUtf8(list)));
    QVERIFY2(dry.out.contains(u"deployment.apps/web created (server dry run)"_qs),
             qPrintable(dry.out));
    QVERIFY2(dry.out.contains(u"service/web created (server dry run)"_qs), qPrintable(dry.out));
    const KubectlResult none = server.kubectl({u"get"_qs, u"deployments"_qs, u"-n"_qs, u"shop"_qs});
    QVERIFY2(!none.out.contains(u"web"_qs), qPrintable(none.out + none.err));

    QByteArray documents;
    for (const QJsonValue& item : objects->list()[u"items"].toArray())
        documents += QJsonDocument(item.toObject()).toJson();
    const KubectlResult applied = server.kubectl({u"apply"_qs, u"-f"_qs, u"-"_qs}, documents);
    QVERIFY2(applied.exitCode == 0, qPrintable(applied.err));
    QVERIFY2(applied.out.contains(u"deployment.apps/web created"_qs), qPrintable(applied.out));
    QVERIFY2(applied.out.contains(u"service/web created"_qs), qPrintable(applied.out));
    const KubectlResult status = server.kubectl({u"rollout"_qs, u"status"_qs, u"deployment/web"_qs,
                                                 u"-n"_qs, u"shop"_qs, u"--timeout=60s"_qs});
    QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));
    QVERIFY2(status.out.endsWith(u"deployment \"web\" successfully rolled out\n"_qs),
             qPrintable(status.out));

    // The Service's selector finds the rolled-out pods.
    const KubectlResult pods =
        server.kubectl({u"get"_qs, u"pods"_qs, u"-n"_qs, u"shop"_qs, u"-o"_qs, u"json"_qs, u"-l"_qs,
                        u"app.kubernetes.io/name=web,launchdeck.dev/environment=production"_qs});
    QVERIFY2(pods.exitCode == 0, qPrintable(pods.err));
    const QJsonArray items = QJsonDocument::fromJson(pods.out.toUtf8())[u"items"].toArray();
    QCOMPARE(items.size(), 2);
    QCOMPARE(items[0][u"metadata"][u"annotations"][u"launchdeck.dev/revision"].toString(), u"1"_qs);
    const KubectlResult service =
        server.kubectl({u"get"_qs, u"service"_qs, u"web"_qs, u"-n"_qs, u"shop"_qs});
    QVERIFY2(service.exitCode == 0, qPrintable(service.err));
}

QTEST_GUILESS_MAIN(TestApplicationObjects)
#include "tst_applicationobjects.moc"
