// Where an application's objects on a cluster come from: a Kubernetes template written for the
// environment, the manifests, or launchdeck.yaml; what a deployment changes in them (the image,
// the pair's labels, the strategy) and what it leaves; which other objects go with them; the
// refusals that name the file and the object; and the diff of two revisions' objects.
#include "deploy/clusterobjects.h"
#include "deploy/clustersource.h"

#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::deploy;

namespace {

const QString kImage = u"registry.test/web:2.0"_qs;

QString workspaceYaml(const QString& extra = {})
{
    return uR"(version: 1
name: shop
targets:
  cluster:
    type: kubernetes
    context: staging
    namespace: shop
environments:
  staging:
    target: cluster
    validation: basic
applications:
  web:
    image: registry.test/web
    version: "1.0"
    ports: ["80"]
    secrets: [SESSION_KEY]
    replicas: 3
    strategy: {type: rolling, max_surge: 2, max_unavailable: 1}
)"_qs + extra;
}

const QString kManifest = uR"(apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  greeting: hello
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
data: {a: b}
---
apiVersion: v1
kind: Secret
metadata:
  name: web-tls
  labels: {app.kubernetes.io/name: web}
stringData: {key: very-secret}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-ingress
  labels: {app.kubernetes.io/name: web}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: web}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/name: web, team: storefront}
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web}
    spec:
      containers:
        - name: web
          image: registry.test/web:0.9
          envFrom: [{configMapRef: {name: web-settings}}]
          env:
            - name: TLS_KEY
              valueFrom: {secretKeyRef: {name: web-tls, key: key}}
        - name: proxy
          image: registry.test/proxy:1.2
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: web-data}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web-data
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app.kubernetes.io/name: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web-cache
  labels: {app.kubernetes.io/name: web}
spec:
  serviceName: web-cache
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec: {containers: [{name: cache, image: registry.test/cache:1}]}
)"_qs;

QString webTemplate(const QString& environment)
{
    return uR"(name: web-stack
version: 1.0.0
provider: kubernetes
environment: %1
variables:
  api_token:
    secret: true
resources:
  - name: web
    type: compute
    configuration:
      image: "registry.test/web:0.1"
      replicas: 4
      ports: ["80"]
      env:
        API_TOKEN: "${api_token}"
)"_qs.arg(environment);
}

QString names(const QList<QJsonObject>& objects)
{
    QStringList out;
    for (const QJsonObject& object : objects)
        out.append(object[u"kind"].toString() + u'/' + object[u"metadata"][u"name"].toString());
    return out.join(u' ');
}

} // namespace

class TestClusterSource : public QObject
{
    Q_OBJECT

private:
    // Writes launchdeck.yaml and `files` into a fresh folder and loads it.
    Workspace load(const QString& yaml, const QList<std::pair<QString, QString>>& files = {})
    {
        m_dirs.push_back(std::make_unique<QTemporaryDir>());
        const QString root = m_dirs.back()->path();
        const auto write = [&](const QString& path, const QString& text) {
            QDir().mkpath(QFileInfo(root + u'/' + path).absolutePath());
            QFile file(root + u'/' + path);
            if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0)
                qFatal("cannot write a test file");
        };
        write(u"launchdeck.yaml"_qs, yaml);
        for (const auto& [path, text] : files)
            write(path, text);
        Diagnostics findings;
        std::optional<Workspace> workspace = loadWorkspace(root, findings);
        if (!workspace)
            qFatal("the test workspace did not load");
        return *workspace;
    }

    Result<kube::ApplicationObjects> objectsOf(const Workspace& workspace,
                                               Strategy::Type strategy = Strategy::Type::Rolling,
                                               const QString& nameSpace = {})
    {
        return cluster::workspaceApplicationObjects(workspace, *workspace.application(u"web"),
                                                    *workspace.environment(u"staging"), strategy,
                                                    kImage, 5, nameSpace);
    }

    std::vector<std::unique_ptr<QTemporaryDir>> m_dirs;

private Q_SLOTS:
    void anApplicationOnlyInLaunchdeckYamlIsGenerated()
    {
        const Workspace workspace = load(workspaceYaml());
        const Result<kube::ApplicationObjects> objects = objectsOf(workspace);
        QVERIFY2(objects, qPrintable(objects ? QString() : objects.error().toString()));
        QVERIFY2(objects->source.endsWith(u"launchdeck.yaml:14"), qPrintable(objects->source));
        QCOMPARE(objects->secretName, u"web-secrets"_qs);
        QCOMPARE(objects->secretKeys, QStringList{u"SESSION_KEY"_qs});
        QVERIFY(objects->companions.isEmpty());
        QCOMPARE(objects->deployment[u"spec"][u"replicas"].toInt(), 3);
        // A strategy asked for by the request sets the generated Deployment's too.
        const Result<kube::ApplicationObjects> recreate =
            objectsOf(workspace, Strategy::Type::Recreate);
        QVERIFY(recreate);
        QCOMPARE(recreate->deployment[u"spec"][u"strategy"][u"type"].toString(), u"Recreate"_qs);
    }

    void manifestsGiveTheDeploymentTheImageAndThePairsLabels()
    {
        const Workspace workspace = load(workspaceYaml(u"manifests: [manifests/*.yaml]\n"_qs),
                                         {{u"manifests/web.yaml"_qs, kManifest}});
        const Result<kube::ApplicationObjects> objects = objectsOf(workspace);
        QVERIFY2(objects, qPrintable(objects ? QString() : objects.error().toString()));
        QCOMPARE(objects->source, u"manifests/web.yaml"_qs);

        const QJsonObject deployment = objects->deployment;
        const QJsonArray containers =
            deployment[u"spec"][u"template"][u"spec"][u"containers"].toArray();
        // The container named after the application runs the image; the sidecar keeps its own.
        QCOMPARE(containers[0][u"image"].toString(), kImage);
        QCOMPARE(containers[1][u"image"].toString(), u"registry.test/proxy:1.2"_qs);
        // The manifest's replicas and labels stay; the pair's labels are added where a
        // deployment finds its Deployments and pods.
        QCOMPARE(deployment[u"spec"][u"replicas"].toInt(), 2);
        QCOMPARE(deployment[u"metadata"][u"labels"][u"team"].toString(), u"storefront"_qs);
        QCOMPARE(deployment[u"metadata"][u"labels"][u"launchdeck.dev/environment"].toString(),
                 u"staging"_qs);
        QCOMPARE(deployment[u"metadata"][u"labels"][u"app.kubernetes.io/managed-by"].toString(),
                 u"launchdeck"_qs);
        QCOMPARE(deployment[u"spec"][u"selector"][u"matchLabels"][u"launchdeck.dev/environment"]
                     .toString(),
                 u"staging"_qs);
        const QJsonObject podLabels =
            deployment[u"spec"][u"template"][u"metadata"][u"labels"].toObject();
        QCOMPARE(podLabels[u"launchdeck.dev/environment"].toString(), u"staging"_qs);
        QCOMPARE(deployment[u"metadata"][u"annotations"][u"launchdeck.dev/revision"].toString(),
                 u"5"_qs);
        // launchdeck.yaml's rolling strategy decides how the Deployment replaces its pods.
        QCOMPARE(deployment[u"spec"][u"strategy"][u"rollingUpdate"][u"maxSurge"].toInt(), 2);
        QCOMPARE(deployment[u"spec"][u"strategy"][u"rollingUpdate"][u"maxUnavailable"].toInt(), 1);

        QVERIFY(objects->service);
        QCOMPARE(
            (*objects->service)[u"spec"][u"selector"][u"launchdeck.dev/environment"].toString(),
            u"staging"_qs);
        QCOMPARE((*objects->service)[u"spec"][u"ports"][0][u"targetPort"].toInt(), 8080);

        // Companions: what the pods use from the file and what carries the application's name;
        // not the unrelated ConfigMap, not another workload, never a Secret (its values would
        // be recorded in the ledger).
        QCOMPARE(
            names(objects->companions),
            u"ConfigMap/web-settings NetworkPolicy/web-ingress PersistentVolumeClaim/web-data"_qs);
        // The pods read no Secret of Launchdeck's: they name their own.
        QVERIFY(objects->secretName.isEmpty());
        QVERIFY(!objects->list()[u"items"].toArray().isEmpty());
    }

    void aTemplateForTheEnvironmentComesFirst()
    {
        const Workspace workspace =
            load(workspaceYaml(u"manifests: [manifests/*.yaml]\n"_qs),
                 {{u"templates/web-stack.yaml"_qs, webTemplate(u"staging"_qs)},
                  {u"manifests/web.yaml"_qs, kManifest}});
        const Result<kube::ApplicationObjects> objects = objectsOf(workspace);
        QVERIFY2(objects, qPrintable(objects ? QString() : objects.error().toString()));
        QCOMPARE(objects->source, u"templates/web-stack.yaml (rendered for staging)"_qs);
        QCOMPARE(objects->deployment[u"spec"][u"replicas"].toInt(), 4);
        QCOMPARE(objects->deployment[u"spec"][u"template"][u"spec"][u"containers"][0][u"image"]
                     .toString(),
                 kImage);
        QVERIFY(objects->service);
        // The template's secret variable is read from the Secret Launchdeck makes for it.
        QCOMPARE(objects->secretName, u"web-stack-secrets"_qs);
        QCOMPARE(objects->secretKeys, QStringList{u"api_token"_qs});
    }

    void aTemplateForAnotherEnvironmentIsLeftAlone()
    {
        const Workspace workspace = load(
            workspaceYaml(), {{u"templates/web-stack.yaml"_qs, webTemplate(u"production"_qs)}});
        const Result<kube::ApplicationObjects> objects = objectsOf(workspace);
        QVERIFY(objects);
        QVERIFY2(objects->source.contains(u"launchdeck.yaml"), qPrintable(objects->source));
    }

    void refusalsNameTheFileAndTheObject()
    {
        // Two files with the application's Deployment.
        {
            const Workspace workspace =
                load(workspaceYaml(u"manifests: [manifests/*.yaml]\n"_qs),
                     {{u"manifests/a.yaml"_qs, kManifest}, {u"manifests/b.yaml"_qs, kManifest}});
            const Result<kube::ApplicationObjects> objects = objectsOf(workspace);
            QVERIFY(!objects);
            QVERIFY2(objects.error().message.contains(u"manifests/a.yaml") &&
                         objects.error().message.contains(u"manifests/b.yaml"),
                     qPrintable(objects.error().toString()));
        }
        // An object for another namespace than the target's.
        {
            QString manifest = kManifest;
            manifest.replace(u"  name: web-data\n"_qs,
                             u"  name: web-data\n  namespace: other\n"_qs);
            const Workspace workspace = load(workspaceYaml(u"manifests: [manifests/*.yaml]\n"_qs),
                                             {{u"manifests/web.yaml"_qs, manifest}});
            const Result<kube::ApplicationObjects> objects = objectsOf(workspace);
            QVERIFY(!objects);
            QCOMPARE(objects.error().where, u"manifests/web.yaml"_qs);
            QVERIFY2(objects.error().message.contains(u"PersistentVolumeClaim/web-data is for "
                                                      u"namespace other"),
                     qPrintable(objects.error().toString()));
        }
        // The namespace the environment resolved to (its context's) is the one compared.
        {
            QString manifest = kManifest;
            manifest.replace(u"  name: web-data\n"_qs, u"  name: web-data\n  namespace: shop\n"_qs);
            const Workspace workspace = load(workspaceYaml(u"manifests: [manifests/*.yaml]\n"_qs),
                                             {{u"manifests/web.yaml"_qs, manifest}});
            QVERIFY(objectsOf(workspace, Strategy::Type::Rolling, u"shop"_qs));
            const Result<kube::ApplicationObjects> objects =
                objectsOf(workspace, Strategy::Type::Rolling, u"tenant-b"_qs);
            QVERIFY(!objects);
            QVERIFY2(objects.error().message.contains(u"is for namespace shop, and environment "
                                                      u"staging deploys into tenant-b"),
                     qPrintable(objects.error().toString()));
        }
        // Two containers, neither named after the application.
        {
            QString manifest = kManifest;
            manifest.replace(u"        - name: web\n"_qs, u"        - name: server\n"_qs);
            const Workspace workspace = load(workspaceYaml(u"manifests: [manifests/*.yaml]\n"_qs),
                                             {{u"manifests/web.yaml"_qs, manifest}});
            const Result<kube::ApplicationObjects> objects = objectsOf(workspace);
            QVERIFY(!objects);
            QVERIFY2(objects.error().message.contains(u"2 containers and none is named web"),
                     qPrintable(objects.error().toString()));
        }
    }

    void objectsDiffComparesWhatIsApplied()
    {
        const auto parse = [](const char* json) {
            return QJsonDocument::fromJson(json).array();
        };
        // Revision 1 ran blue with a ConfigMap; revision 2 runs green with a changed image, a
        // new claim and no ConfigMap.
        const QJsonArray from = parse(R"json([
            {"kind": "ConfigMap", "metadata": {"name": "web-settings"}, "data": {"a": "1"}},
            {"kind": "Deployment", "metadata": {"name": "web-blue",
              "labels": {"launchdeck.dev/track": "blue"},
              "annotations": {"launchdeck.dev/revision": "1",
                              "kubernetes.io/change-cause": "launchdeck revision 1 (web:1)"
    }
}, "spec":
{
    "replicas" : 2, "template":
    {
        "spec":
        {
            "containers"
                : [ {"name" : "web", "image" : "web:1"}, {"name" : "proxy", "image" : "proxy:1"} ]
        }
    }
}
},
            {"kind": "Service", "metadata": {"name": "web"},
             "spec": {"selector": {"launchdeck.dev/track": "blue"}}}])json");
        const QJsonArray to = parse(R"json([
            {"kind": "PersistentVolumeClaim", "metadata": {"name": "web-data"}},
            {"kind": "Deployment", "metadata": {"name": "web-green",
              "labels": {"launchdeck.dev/track": "green"},
              "annotations": {"launchdeck.dev/revision": "2",
                              "kubernetes.io/change-cause": "launchdeck revision 2 (web:2)"
}
}
, "spec":
{
    "replicas" : 2, "template":
    {
        "spec":
        {
            "containers"
                : [ {"name" : "web", "image" : "web:2"}, {"name" : "proxy", "image" : "proxy:1"} ]
        }
    }
}
},
            {"kind": "Service", "metadata": {"name": "web"},
             "spec": {"selector": {"launchdeck.dev/track": "green"}}}])json");
        QCOMPARE(
            cluster::objectsDiff(from, to, u"web"_qs),
            (QStringList{u"+ PersistentVolumeClaim/web-data"_qs,
                         u"- Deployment/web spec.template.spec.containers[web].image: web:1"_qs,
                         u"+ Deployment/web spec.template.spec.containers[web].image: web:2"_qs,
                         u"- Service/web spec.selector.launchdeck.dev/track: blue"_qs,
                         u"+ Service/web spec.selector.launchdeck.dev/track: green"_qs,
                         u"- ConfigMap/web-settings (left on the cluster)"_qs}));
        QVERIFY(cluster::objectsDiff(to, to, u"web"_qs).isEmpty());
    }

    void theSecretOfLaunchdecksIsFoundInRecordedObjects()
    {
        const QJsonObject deployment = QJsonDocument::fromJson(R"({
            "metadata": {"labels": {"launchdeck.io/template": "stack"}},
            "spec": {"template": {"spec": {"containers": [{"env": [
                {"name": "A", "valueFrom": {"secretKeyRef": {"name": "stack-secrets", "key": "a"}}},
                {"name": "B", "valueFrom": {"secretKeyRef": {"name": "theirs", "key": "b"}}}
            ]}]}}}})")
                                           .object();
        const cluster::LaunchdeckSecret secret = cluster::launchdeckSecret(deployment, u"web"_qs);
        QCOMPARE(secret.name, u"stack-secrets"_qs);
        QCOMPARE(secret.keys, QStringList{u"a"_qs});
        QCOMPARE(cluster::podReferences(deployment),
                 (QStringList{u"Secret/stack-secrets"_qs, u"Secret/theirs"_qs}));
    }
};

QTEST_GUILESS_MAIN(TestClusterSource)
#include "tst_clustersource.moc"
