// Applications whose objects come from the workspace's manifests or from a Kubernetes template
// rendered for the environment, deployed to the fake API server and rolled back with what goes
// with them (a ConfigMap the pods read, the Secret of a template's secret variables); and
// failing probes seen only as the kubelet's Unhealthy Events rolling a revision back while it
// is monitored.
#include "clusterdeploytesting.h"

#include "workspace/workspace.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>

using namespace launchdeck;
using namespace launchdeck::deploy;
using namespace launchdeck::test;

namespace {

QString manifest(const QString& greeting)
{
    return uR"(apiVersion: v1
kind: ConfigMap
metadata:
  name: manifested-settings
data:
  greeting: %1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: manifested
  labels: {app.kubernetes.io/name: manifested, team: storefront}
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: manifested}
  template:
    metadata:
      labels: {app.kubernetes.io/name: manifested}
    spec:
      containers:
        - name: manifested
          image: registry.test/app:placeholder
          envFrom: [{configMapRef: {name: manifested-settings}}]
          ports: [{name: http, containerPort: 80}]
          readinessProbe: {httpGet: {path: /healthz, port: http}}
        - name: proxy
          image: registry.test/proxy:1.2
---
apiVersion: v1
kind: Service
metadata:
  name: manifested
spec:
  selector: {app.kubernetes.io/name: manifested}
  ports: [{name: http, port: 80, targetPort: 80}]
)"_qs.arg(greeting);
}

QString stackTemplate(const QString& name, const QString& environment)
{
    return uR"(name: %1
version: 1.0.0
provider: kubernetes
environment: %2
variables:
  token:
    secret: true
resources:
  - name: templated
    type: compute
    configuration:
      image: "registry.test/app:v0"
      replicas: 3
      ports: ["80"]
      env:
        API_TOKEN: "${token}"
        MODE: %2
)"_qs.arg(name, environment);
}

QString logText(const DeployOutcome& outcome)
{
    QStringList lines;
    for (const DeploymentEvent& event : outcome.events)
        lines.append(event.text);
    return lines.join(u'\n');
}

} // namespace

class TestClusterSources final : public QObject
{
    Q_OBJECT

private:
    ClusterDeployBed m_bed;

    std::optional<QJsonObject> object(const ClusterWorkspace& ws, const QString& collection,
                                      const QString& name) const
    {
        return m_bed.get(u"/api/v1/namespaces/%1/%2/%3"_qs.arg(ws.nameSpace, collection, name));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_bed.start(&error), qPrintable(error));
    }

    void manifestsDeployWithTheirConfigMapAndRollBackWithIt()
    {
        ClusterAppOptions options;
        options.application = u"manifested"_qs;
        options.files = {{u"manifests/manifested.yaml"_qs, manifest(u"one"_qs)}};
        options.topLevel = u"manifests: [manifests/*.yaml]\n"_qs;
        auto ws = m_bed.workspace(options);
        QVERIFY(ws);

        const DeployOutcome first =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY2(logText(first).contains(u"objects of manifested from manifests/manifested.yaml"),
                 qPrintable(logText(first)));
        std::optional<QJsonObject> settings =
            object(*ws, u"configmaps"_qs, u"manifested-settings"_qs);
        QVERIFY(settings);
        QCOMPARE((*settings)[u"data"][u"greeting"].toString(), u"one"_qs);
        std::optional<QJsonObject> deployment = m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(deployment);
        const QJsonArray containers =
            (*deployment)[u"spec"][u"template"][u"spec"][u"containers"].toArray();
        QCOMPARE(containers[0][u"image"].toString(), clusterImage(u"v1"_qs));
        QCOMPARE(containers[1][u"image"].toString(), u"registry.test/proxy:1.2"_qs);
        QCOMPARE((*deployment)[u"metadata"][u"labels"][u"team"].toString(), u"storefront"_qs);
        QVERIFY(m_bed.service(ws->nameSpace, ws->application));

        // The manifest changes its ConfigMap with the next version.
        QFile file(ws->root + u"/manifests/manifested.yaml"_qs);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.write(manifest(u"two"_qs).toUtf8()) > 0);
        file.close();
        Diagnostics findings;
        std::optional<Workspace> reloaded = loadWorkspace(ws->root, findings);
        QVERIFY(reloaded);
        ws->context.workspace = *reloaded;
        // The Deploy dialog's diff compares the objects as they are applied.
        const Result<DeploymentPreview> preview =
            previewDeployment(ws->context, clusterDeploy(ws->application, u"v2"_qs));
        QVERIFY2(preview, qPrintable(preview ? QString() : preview.error().toString()));
        const QString image =
            u"Deployment/manifested spec.template.spec.containers[manifested].image: "_qs;
        QCOMPARE(preview->diff,
                 (QStringList{u"- ConfigMap/manifested-settings data.greeting: one"_qs,
                              u"+ ConfigMap/manifested-settings data.greeting: two"_qs,
                              u"- "_qs + image + clusterImage(u"v1"_qs),
                              u"+ "_qs + image + clusterImage(u"v2"_qs)}));
        QVERIFY2(std::any_of(preview->notes.begin(), preview->notes.end(),
                             [](const QString& note) {
                                 return note.startsWith(
                                     u"objects from manifests/manifested.yaml: Deployment "
                                     u"manifested, Service manifested, ConfigMap "
                                     u"manifested-settings");
                             }),
                 qPrintable(preview->notes.join(u'\n')));
        const DeployOutcome second =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v2"_qs));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        settings = object(*ws, u"configmaps"_qs, u"manifested-settings"_qs);
        QVERIFY(settings);
        QCOMPARE((*settings)[u"data"][u"greeting"].toString(), u"two"_qs);

        // The rollback brings back revision 1's ConfigMap with its Deployment.
        const DeployOutcome back =
            ClusterDeployBed::run(ws->context, clusterRollback(ws->application, u"back"_qs));
        QVERIFY_OUTCOME(back, DeploymentStatus::Completed);
        settings = object(*ws, u"configmaps"_qs, u"manifested-settings"_qs);
        QVERIFY(settings);
        QCOMPARE((*settings)[u"data"][u"greeting"].toString(), u"one"_qs);
        deployment = m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(deployment);
        QCOMPARE(containerImage(*deployment), clusterImage(u"v1"_qs));
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));
    }

    void aTemplateForTheEnvironmentMakesItsSecret()
    {
        qputenv("token", "tok-7f3a9-value");
        ClusterAppOptions options;
        options.application = u"templated"_qs;
        options.secrets = {u"token"_qs};
        options.files = {{u"templates/stack.yaml"_qs, stackTemplate(u"stack"_qs, u"staging"_qs)},
                         {u"templates/production.yaml"_qs,
                          stackTemplate(u"stack-production"_qs, u"production"_qs)}};
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const DeployOutcome outcome =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(outcome, DeploymentStatus::Completed);
        const QString log = logText(outcome);
        QVERIFY2(log.contains(u"objects of templated from templates/stack.yaml (rendered for "
                              u"staging)"),
                 qPrintable(log));
        QVERIFY(!log.contains(u"tok-7f3a9-value"));

        const std::optional<QJsonObject> deployment =
            m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(deployment);
        QCOMPARE(specReplicas(*deployment), 3);
        QCOMPARE(containerImage(*deployment), clusterImage(u"v1"_qs));
        QCOMPARE((*deployment)[u"metadata"][u"labels"][u"launchdeck.io/template"].toString(),
                 u"stack"_qs);
        // The template written for production was not the one applied.
        const QJsonArray env =
            (*deployment)[u"spec"][u"template"][u"spec"][u"containers"][0][u"env"].toArray();
        QVERIFY(std::any_of(env.begin(), env.end(), [](const QJsonValue& v) {
            return v[u"name"] == u"MODE"_qs && v[u"value"] == u"staging"_qs;
        }));
        const std::optional<QJsonObject> secret = object(*ws, u"secrets"_qs, u"stack-secrets"_qs);
        QVERIFY(secret);
        QCOMPARE(QByteArray::fromBase64((*secret)[u"data"][u"token"].toString().toLatin1()),
                 QByteArrayLiteral("tok-7f3a9-value"));
        // The value reached neither the ledger's record of the revision nor its log.
        const std::optional<QJsonObject> config =
            m_bed.ledger()->revisionConfig(ws->application, u"staging"_qs, 1);
        QVERIFY(config);
        QVERIFY(!QJsonDocument(*config).toJson().contains("tok-7f3a9-value"));
        qunsetenv("token");
    }

    void aTemplateSecretTheApplicationDoesNotListStopsValidating()
    {
        ClusterAppOptions options;
        options.application = u"unlisted"_qs;
        QString text = stackTemplate(u"unlisted-stack"_qs, u"staging"_qs);
        text.replace(u"name: templated"_qs, u"name: unlisted"_qs);
        options.files = {{u"templates/stack.yaml"_qs, text}};
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const DeployOutcome outcome =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(outcome, DeploymentStatus::Failed);
        const std::optional<DeploymentRecord> record = m_bed.ledger()->get(outcome.id);
        QVERIFY(record);
        QVERIFY2(findingsText(*record).contains(u"read key token of Secret unlisted-stack-secrets"),
                 qPrintable(findingsText(*record)));
        QVERIFY(!m_bed.deployment(ws->nameSpace, ws->application));
    }

    void failingProbesRollTheRevisionBack()
    {
        ClusterAppOptions options;
        options.application = u"flaky"_qs;
        options.monitor = u"8s"_qs;
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const DeployOutcome first =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        // The pods become Ready; their probes then fail now and then, which only the kubelet's
        // Unhealthy Events tell.
        const DeployOutcome second = ClusterDeployBed::run(
            ws->context, clusterDeploy(ws->application, u"v2-flaky-probe"_qs));
        QVERIFY_OUTCOME(second, DeploymentStatus::RolledBack);
        const QString log = logText(second);
        QVERIFY2(log.contains(u"Readiness probe failed: HTTP probe failed with statuscode: 503"),
                 qPrintable(log));
        QVERIFY2(second.message.contains(u"consecutive health check failures"),
                 qPrintable(second.message));
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));
    }
};

QTEST_GUILESS_MAIN(TestClusterSources)
#include "tst_clustersources.moc"
