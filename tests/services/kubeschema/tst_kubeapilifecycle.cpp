// Tests of the Kubernetes release checks: the schema of kubernetes-types 1.30 taking what recent
// releases added, and the API lifecycle table reporting what a cluster's release does not serve.
#include "core/kubeobject.h"
#include "core/yamlsource.h"
#include "kubeschema/kubeapilifecycle.h"
#include "kubeschema/kubeschema.h"

#include <QTest>

using namespace launchdeck;

namespace {

QString describe(const Diagnostics& diagnostics)
{
    QStringList lines;
    for (const Diagnostic& d : diagnostics)
        lines.append(formatDiagnostic(d));
    return lines.join(u'\n');
}

Diagnostics validate(const char* yaml)
{
    Diagnostics out;
    const YamlFile file = parseYaml(QStringLiteral("manifest.yaml"), QByteArray(yaml), out);
    for (const KubeObject& object : kubeObjectsOf(file, out))
        validateKubeStructure(object, out);
    sortDiagnostics(out);
    return out;
}

// Validates for clusters of the given releases, each run by the environments named.
Diagnostics validateFor(const char* yaml, const QList<KubeCluster>& clusters)
{
    Diagnostics out;
    const YamlFile file = parseYaml(QStringLiteral("manifest.yaml"), QByteArray(yaml), out);
    for (const KubeObject& object : kubeObjectsOf(file, out))
        validateKubeStructure(object, clusters, out);
    sortDiagnostics(out);
    return out;
}

KubeCluster cluster(int minor, QStringList environments = {})
{
    return {KubeVersion{1, minor}, std::move(environments), false};
}

Diagnostics errors(const Diagnostics& diagnostics)
{
    Diagnostics found;
    for (const Diagnostic& d : diagnostics) {
        if (isError(d.severity))
            found.append(d);
    }
    return found;
}

constexpr char kPodSecurityPolicy[] = R"(apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: restricted
spec:
  privileged: false
  runAsUser: {rule: MustRunAsNonRoot}
  seLinux: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
  supplementalGroups: {rule: RunAsAny}
)";

constexpr char kHpaV2[] = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies: [{type: Percent, value: 50, periodSeconds: 60}]
)";

} // namespace

class TestKubeApiLifecycle final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Features of releases after 1.22, each refused by the 1.22 schema.
    void hpaAutoscalingV2()
    {
        const Diagnostics found = validate(kHpaV2);
        QVERIFY2(found.isEmpty(), qPrintable(describe(found)));
    }

    void nativeSidecarAndResizePolicy()
    {
        const Diagnostics found = validate(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
        - name: log-shipper
          image: registry.example.com/shipper:2.1
          restartPolicy: Always
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          resizePolicy:
            - resourceName: cpu
              restartPolicy: NotRequired
          resources:
            requests: {cpu: 250m, memory: 128Mi}
)");
        QVERIFY2(found.isEmpty(), qPrintable(describe(found)));
    }

    // kubernetes-types loses these; the generator puts them back (MISSING_FIELDS), and takes
    // a required field the API server defaults (a pod condition's status) as optional.
    void fieldsTheTypesLeaveOut()
    {
        const Diagnostics found = validate(R"yaml(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: policy
webhooks:
  - name: policy.example.com
    admissionReviewVersions: [v1]
    sideEffects: None
    clientConfig: {service: {namespace: policy, name: webhook}}
    rules:
      - apiGroups: ["apps"]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["deployments", "deployments/scale"]
        scope: Namespaced
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
          x-kubernetes-validations:
            - rule: "has(self.spec)"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: shards
spec:
  podFailurePolicy:
    rules:
      - action: Ignore
        onPodConditions:
          - type: DisruptionTarget
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: worker
          image: registry.example.com/worker:1.9.0
)yaml");
        QVERIFY2(found.isEmpty(), qPrintable(describe(found)));
    }

    void removedApiAtTheNewestRelease()
    {
        const Diagnostics found = validate(kPodSecurityPolicy);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].rule, QStringLiteral("removed-api"));
        QCOMPARE(found[0].severity, Severity::High);
        QCOMPARE(found[0].line, 1);
        QCOMPARE(found[0].column, 13);
        QCOMPARE(found[0].message,
                 QStringLiteral("policy/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.25 "
                                "(Kubernetes 1.30 assumed: no environment names its version); "
                                "migrate to Pod Security Admission (pod-security.kubernetes.io "
                                "labels on the namespace) or an admission webhook"));
    }

    void removedApiNamesTheEnvironmentsAndTheSuccessor()
    {
        const Diagnostics found =
            validateFor(R"(apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
)",
                        {cluster(24, {QStringLiteral("legacy")}),
                         cluster(29, {QStringLiteral("prod"), QStringLiteral("staging")})});
        const Diagnostics refused = errors(found);
        QCOMPARE(refused.size(), 1);
        QCOMPARE(refused[0].rule, QStringLiteral("removed-api"));
        QCOMPARE(refused[0].message,
                 QStringLiteral("policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25 "
                                "(environments prod, staging run 1.29); use policy/v1"));
    }

    void removedApiServedByAnOlderCluster()
    {
        const Diagnostics found = validateFor(kPodSecurityPolicy, {cluster(24)});
        QVERIFY2(errors(found).isEmpty(), qPrintable(describe(found)));
        // Its fields cannot be checked: the 1.30 types no longer have it.
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].rule, QStringLiteral("no-schema"));
        QCOMPARE(found[0].severity, Severity::Low);
    }

    void apiNotYetServed()
    {
        const Diagnostics found = validateFor(kHpaV2, {cluster(22)});
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].rule, QStringLiteral("api-not-yet-served"));
        QCOMPARE(found[0].severity, Severity::High);
        QCOMPARE(found[0].line, 1);
        QCOMPARE(found[0].message,
                 QStringLiteral("autoscaling/v2 HorizontalPodAutoscaler is served from Kubernetes "
                                "1.23 on; this cluster runs 1.22; use autoscaling/v2beta2 there"));
        QVERIFY2(validateFor(kHpaV2, {cluster(23)}).isEmpty(),
                 qPrintable(describe(validateFor(kHpaV2, {cluster(23)}))));
    }

    void lifecycleTable()
    {
        const auto psp = kubeApiLifecycle(u"policy/v1beta1", u"PodSecurityPolicy");
        QVERIFY(psp);
        QCOMPARE(psp->since, std::optional(KubeVersion{1, 10}));
        QCOMPARE(psp->removedIn, std::optional(KubeVersion{1, 25}));
        const auto list = kubeApiLifecycle(u"autoscaling/v2beta2", u"HorizontalPodAutoscalerList");
        QVERIFY(list); // a List kind follows its item kind
        QCOMPARE(list->removedIn, std::optional(KubeVersion{1, 26}));
        QCOMPARE(list->useInstead, QStringLiteral("use autoscaling/v2"));
        const auto pod = kubeApiLifecycle(u"v1", u"Pod");
        QVERIFY(pod && !pod->since && !pod->removedIn);
        QVERIFY(!kubeApiLifecycle(u"argoproj.io/v1alpha1", u"Rollout"));
        QCOMPARE(newestKubeVersion(), (KubeVersion{1, 30}));
    }

    void kubeVersions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("problem"); // a substring of the problem; empty: none
        QTest::newRow("1.29") << QStringLiteral("1.29") << QString();
        QTest::newRow("1.16") << QStringLiteral("1.16") << QString();
        QTest::newRow("1.35") << QStringLiteral("1.35") << QString();
        QTest::newRow("patch") << QStringLiteral("1.29.3") << QStringLiteral("MAJOR.MINOR");
        QTest::newRow("v prefix") << QStringLiteral("v1.29") << QStringLiteral("MAJOR.MINOR");
        QTest::newRow("word") << QStringLiteral("latest") << QStringLiteral("MAJOR.MINOR");
        QTest::newRow("no minor") << QStringLiteral("1.") << QStringLiteral("MAJOR.MINOR");
        QTest::newRow("too old") << QStringLiteral("1.15") << QStringLiteral("1.16 or later");
        QTest::newRow("major 2") << QStringLiteral("2.0") << QStringLiteral("1.16 or later");
    }
    void kubeVersions()
    {
        QFETCH(QString, text);
        QFETCH(QString, problem);
        const QString found = kubeVersionProblem(text);
        if (problem.isEmpty())
            QVERIFY2(found.isEmpty(), qPrintable(found));
        else
            QVERIFY2(found.contains(problem), qPrintable(found));
    }
};

QTEST_GUILESS_MAIN(TestKubeApiLifecycle)
#include "tst_kubeapilifecycle.moc"
