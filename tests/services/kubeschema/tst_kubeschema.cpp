// Tests of Kubernetes structural validation against the schema generated from the API models.
#include "core/kubeobject.h"
#include "core/yamlsource.h"
#include "kubeschema/kubescalar.h"
#include "kubeschema/kubeschema.h"
#include "validmanifests.h"

#include <QTest>

using namespace launchdeck;

namespace {

Diagnostics validate(const char* yaml)
{
    Diagnostics out;
    const YamlFile file = parseYaml(QStringLiteral("manifest.yaml"), QByteArray(yaml), out);
    for (const KubeObject& object : kubeObjectsOf(file, out))
        validateKubeStructure(object, out);
    sortDiagnostics(out);
    return out;
}

QString describe(const Diagnostics& diagnostics)
{
    QStringList lines;
    for (const Diagnostic& d : diagnostics)
        lines.append(formatDiagnostic(d));
    return lines.join(u'\n');
}

Diagnostics withRule(const Diagnostics& diagnostics, const QString& rule)
{
    Diagnostics matching;
    for (const Diagnostic& d : diagnostics) {
        if (d.rule == rule)
            matching.append(d);
    }
    return matching;
}

} // namespace

class TestKubeSchema final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void queries()
    {
        // The schema comes from kubernetes-types 1.30; batch/v1beta1 and autoscaling/v2beta*
        // were known in the 1.22 schema it replaced and are no longer served since 1.25/1.26.
        QCOMPARE(kubeSchemaVersion(), QStringLiteral("1.30"));
        QVERIFY(isKnownKind(u"apps/v1", u"Deployment"));
        QVERIFY(isKnownKind(u"v1", u"Service"));
        QVERIFY(isKnownKind(u"networking.k8s.io/v1", u"Ingress"));
        QVERIFY(isKnownKind(u"batch/v1", u"CronJob"));
        QVERIFY(!isKnownKind(u"batch/v1beta1", u"CronJob"));
        QVERIFY(isKnownKind(u"admissionregistration.k8s.io/v1", u"ValidatingAdmissionPolicy"));
        QVERIFY(!isKnownKind(u"autoscaling/v1", u"Scale")); // a subresource, not a resource
        QVERIFY(isKnownKind(u"v1", u"Event"));
        QVERIFY(isKnownKind(u"events.k8s.io/v1", u"Event"));
        QVERIFY(!isKnownKind(u"extensions/v1beta1", u"Deployment"));
        QVERIFY(!isKnownKind(u"v1", u"Deployment"));
        QVERIFY(!isKnownKind(u"apps/v1", u"ContainerPort")); // a model, not a resource
        QCOMPARE(knownApiVersionsForKind(u"HorizontalPodAutoscaler"),
                 QStringList({QStringLiteral("autoscaling/v1"), QStringLiteral("autoscaling/v2")}));
        QCOMPARE(knownApiVersionsForKind(u"Event"),
                 QStringList({QStringLiteral("events.k8s.io/v1"), QStringLiteral("v1")}));
        QVERIFY(knownApiVersionsForKind(u"Rollout").isEmpty());
        QVERIFY(knownKinds().contains(QStringLiteral("StatefulSet")));
        QVERIFY(!knownKinds().contains(QStringLiteral("StatefulSetSpec")));
        QVERIFY(isBuiltInApiGroup(u"v1"));
        QVERIFY(isBuiltInApiGroup(u"extensions/v1beta1"));
        QVERIFY(isBuiltInApiGroup(u"rbac.authorization.k8s.io/v1"));
        QVERIFY(isBuiltInApiGroup(u"apiregistration.k8s.io/v1")); // known from the lifecycles
        QVERIFY(!isBuiltInApiGroup(u"argoproj.io/v1alpha1"));
        QVERIFY(!isBuiltInApiGroup(u"gateway.networking.k8s.io/v1"));
    }

    void fieldNames()
    {
        const QStringList containerFields =
            kubeFieldNames(u"apps/v1", u"Deployment",
                           {QStringLiteral("spec"), QStringLiteral("template"),
                            QStringLiteral("spec"), QStringLiteral("containers")});
        QVERIFY(containerFields.contains(QStringLiteral("imagePullPolicy")));
        QVERIFY(containerFields.contains(QStringLiteral("livenessProbe")));
        QVERIFY(!containerFields.contains(QStringLiteral("replicas")));
        QVERIFY(kubeFieldNames(u"v1", u"Service", {}).contains(QStringLiteral("spec")));
        QVERIFY(kubeFieldNames(u"v1", u"Service", {QStringLiteral("nope")}).isEmpty());
        QVERIFY(kubeFieldNames(u"v1", u"Nope", {}).isEmpty());
    }

    void scalars_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("type");
        using kubeschema::ScalarType;
        QTest::newRow("int") << QStringLiteral("3") << int(ScalarType::Integer);
        QTest::newRow("negative") << QStringLiteral("-12") << int(ScalarType::Integer);
        QTest::newRow("hex") << QStringLiteral("0x1F") << int(ScalarType::Integer);
        QTest::newRow("octal") << QStringLiteral("0o17") << int(ScalarType::Integer);
        QTest::newRow("float") << QStringLiteral("0.5") << int(ScalarType::Float);
        QTest::newRow("exponent") << QStringLiteral("1e3") << int(ScalarType::Float);
        QTest::newRow("infinity") << QStringLiteral("-.inf") << int(ScalarType::Float);
        QTest::newRow("true") << QStringLiteral("true") << int(ScalarType::Boolean);
        QTest::newRow("FALSE") << QStringLiteral("FALSE") << int(ScalarType::Boolean);
        QTest::newRow("yes is a string in 1.2") << QStringLiteral("yes") << int(ScalarType::String);
        QTest::newRow("word") << QStringLiteral("three") << int(ScalarType::String);
        QTest::newRow("quantity") << QStringLiteral("250m") << int(ScalarType::String);
        QTest::newRow("version") << QStringLiteral("1.2.3") << int(ScalarType::String);
        QTest::newRow("dot") << QStringLiteral(".") << int(ScalarType::String);
        QTest::newRow("null") << QStringLiteral("null") << int(ScalarType::Null);
        QTest::newRow("tilde") << QStringLiteral("~") << int(ScalarType::Null);
    }
    void scalars()
    {
        QFETCH(QString, text);
        QFETCH(int, type);
        QCOMPARE(int(kubeschema::resolvePlainScalar(text.toStdString())), type);
    }

    void quotedScalarsAreStrings()
    {
        const YAML::Node node = YAML::Load("{a: \"3\", b: '3', c: 3, d: !!str 3, e: !!int \"3\"}");
        using kubeschema::ScalarType;
        QCOMPARE(kubeschema::scalarTypeOf(node["a"]), ScalarType::String);
        QCOMPARE(kubeschema::scalarTypeOf(node["b"]), ScalarType::String);
        QCOMPARE(kubeschema::scalarTypeOf(node["c"]), ScalarType::Integer);
        QCOMPARE(kubeschema::scalarTypeOf(node["d"]), ScalarType::String);
        QCOMPARE(kubeschema::scalarTypeOf(node["e"]), ScalarType::Integer);
    }

    void validDeployment()
    {
        const Diagnostics found = validate(kDeployment);
        QVERIFY2(found.isEmpty(), qPrintable(describe(found)));
    }

    void validKinds()
    {
        const Diagnostics found = validate(kValidKinds);
        QVERIFY2(found.isEmpty(), qPrintable(describe(found)));
    }

    void kindList()
    {
        const Diagnostics found = validate(R"(apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
    data: {k: v}
  - apiVersion: v1
    kind: Service
    metadata: {name: b}
    spec:
      ports: [{port: 80}]
)");
        QVERIFY2(found.isEmpty(), qPrintable(describe(found)));

        const Diagnostics inner = validate(R"(apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: b}
    spec:
      ports: [{prot: 80}]
)");
        const Diagnostics unknown = withRule(inner, QStringLiteral("unknown-field"));
        QCOMPARE(unknown.size(), 1);
        QCOMPARE(unknown[0].line, 8);
        QCOMPARE(unknown[0].column, 16);
    }

    void unknownFieldWithSuggestion()
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
      containers:
        - name: web
          image: web:1
          imagePullPolice: Always
)");
        QCOMPARE(found.size(), 1);
        const Diagnostic& d = found[0];
        QCOMPARE(d.rule, QStringLiteral("unknown-field"));
        QCOMPARE(d.severity, Severity::High);
        QCOMPARE(d.line, 15);
        QCOMPARE(d.column, 11);
        QCOMPARE(d.path, QStringLiteral("manifest.yaml"));
        QVERIFY2(d.message.contains(u"spec.template.spec.containers[0].imagePullPolice"),
                 qPrintable(d.message));
        QVERIFY2(d.message.contains(u"did you mean 'imagePullPolicy'?"), qPrintable(d.message));
    }

    void reportsEveryProblem()
    {
        const Diagnostics found = validate(R"(apiVersion: v1
kind: Service
metadata:
  name: web
  lables: {app: web}
spec:
  selektor: {app: web}
  ports:
    - port: 80
      targetPort: 8080
      protocl: TCP
)");
        const Diagnostics unknown = withRule(found, QStringLiteral("unknown-field"));
        QCOMPARE(unknown.size(), 3);
        QVERIFY(unknown[0].message.contains(u"'labels'"));
        QVERIFY(unknown[1].message.contains(u"'selector'"));
        QVERIFY(unknown[2].message.contains(u"spec.ports[0].protocl"));
        QCOMPARE(unknown[2].line, 11);
        QCOMPARE(unknown[2].column, 7);
    }

    void wrongTypes()
    {
        const Diagnostics found = validate(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: three
  paused: yes
  selector:
    - app: web
  template:
    spec:
      containers:
        - name: web
          image: web:1
          ports:
            - containerPort: "80"
          env:
            - name: PORT
              value: 8080
)");
        const Diagnostics wrong = withRule(found, QStringLiteral("wrong-type"));
        QCOMPARE(wrong.size(), 5);
        QCOMPARE(wrong[0].message, QStringLiteral("spec.replicas must be an integer, not 'three'"));
        QCOMPARE(wrong[0].line, 6);
        QCOMPARE(wrong[0].column, 13);
        QVERIFY2(wrong[1].message.startsWith(u"spec.paused must be a boolean"),
                 qPrintable(wrong[1].message));
        QCOMPARE(wrong[2].message,
                 QStringLiteral("spec.selector must be a mapping (LabelSelector), not a list"));
        QCOMPARE(wrong[2].line, 9);
        QCOMPARE(wrong[2].column, 5);
        QCOMPARE(wrong[3].message,
                 QStringLiteral("spec.template.spec.containers[0].ports[0].containerPort must be "
                                "an integer, not the string \"80\""));
        QCOMPARE(wrong[3].line, 16);
        QCOMPARE(wrong[3].column, 30);
        QVERIFY2(wrong[4].message.startsWith(
                     u"spec.template.spec.containers[0].env[0].value must be a string, not the "
                     u"number 8080"),
                 qPrintable(wrong[4].message));
        // The list given for the selector hides its contents: nothing else is reported.
        QCOMPARE(found.size(), wrong.size());
    }

    void labelsMustBeStrings()
    {
        const Diagnostics found = validate(R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels:
    app.kubernetes.io/version: 1.0
    enabled: true
)");
        QCOMPARE(found.size(), 2);
        QVERIFY2(found[0].message.startsWith(
                     u"metadata.labels[\"app.kubernetes.io/version\"] must be a string"),
                 qPrintable(found[0].message));
        QVERIFY2(found[1].message.startsWith(u"metadata.labels.enabled must be a string"),
                 qPrintable(found[1].message));
    }

    void missingRequired()
    {
        const Diagnostics found = validate(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - image: web:1
      ports:
        - name: http
)");
        const Diagnostics missing = withRule(found, QStringLiteral("missing-field"));
        QCOMPARE(missing.size(), 4);
        QVERIFY2(missing[0].message.startsWith(u"spec.selector is required"),
                 qPrintable(missing[0].message));
        QVERIFY2(missing[1].message.startsWith(u"spec.template is required"),
                 qPrintable(missing[1].message));
        QCOMPARE(missing[0].line, 6);
        QCOMPARE(missing[0].column, 3);
        QVERIFY2(missing[2].message.startsWith(u"spec.containers[0].name is required"),
                 qPrintable(missing[2].message));
        QCOMPARE(missing[2].line, 14);
        QCOMPARE(missing[2].column, 7);
        QVERIFY2(
            missing[3].message.startsWith(u"spec.containers[0].ports[0].containerPort is required"),
            qPrintable(missing[3].message));
        QCOMPARE(found.size(), missing.size());
    }

    void emptyRequiredValue()
    {
        const Diagnostics found = validate(R"(apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
)");
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].rule, QStringLiteral("missing-field"));
        QCOMPARE(found[0].message,
                 QStringLiteral("spec.containers is required and must not be empty"));
        QCOMPARE(found[0].line, 6);
        QCOMPARE(found[0].column, 3);
    }

    void unknownKind()
    {
        const Diagnostics found = validate(R"(apiVersion: apps/v1
kind: Deploymnet
metadata:
  name: web
---
apiVersion: v1
kind: Frobnicator
)");
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0].rule, QStringLiteral("unknown-kind"));
        QCOMPARE(found[0].severity, Severity::High);
        QCOMPARE(found[0].line, 2);
        QCOMPARE(found[0].column, 7);
        QVERIFY2(found[0].message.contains(u"did you mean 'Deployment'?"),
                 qPrintable(found[0].message));
        QCOMPARE(found[1].rule, QStringLiteral("unknown-kind"));
        QCOMPARE(found[1].message, QStringLiteral("unknown kind Frobnicator for apiVersion v1"));
        QCOMPARE(found[1].line, 7);
    }

    void removedApiVersionGetsHint()
    {
        const Diagnostics found = validate(R"(apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
)");
        // The lifecycle table knows when it went, so the finding says so (it was unknown-kind
        // with a did-you-mean before the table existed).
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].rule, QStringLiteral("removed-api"));
        QCOMPARE(found[0].severity, Severity::High);
        QCOMPARE(found[0].line, 1);
        QCOMPARE(found[0].column, 13);
        QVERIFY2(found[0].message.contains(u"removed in Kubernetes 1.16"),
                 qPrintable(found[0].message));
        QVERIFY2(found[0].message.endsWith(u"use apps/v1"), qPrintable(found[0].message));
    }

    void customResourceIsAWarning()
    {
        const Diagnostics found = validate(R"(apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  anything: goes
  strategy: {canary: {steps: [{setWeight: 20}]}}
)");
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].rule, QStringLiteral("no-schema"));
        QVERIFY(!isError(found[0].severity));
        QCOMPARE(found[0].message,
                 QStringLiteral("no schema for custom resource kind Rollout "
                                "(argoproj.io/v1alpha1); its fields are not checked"));
        QCOMPARE(found[0].line, 2);
    }

    void multiDocumentPositions()
    {
        const Diagnostics found = validate(R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: one
---
# the second document
apiVersion: v1
kind: ConfigMap
metadata:
  name: two
  namspace: shop
---
apiVersion: v1
kind: Service
metadata:
  name: three
spec:
  ports:
    - port: eighty
)");
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0].rule, QStringLiteral("unknown-field"));
        QCOMPARE(found[0].line, 11);
        QCOMPARE(found[0].column, 3);
        QVERIFY(found[0].message.contains(u"did you mean 'namespace'?"));
        QCOMPARE(found[1].rule, QStringLiteral("wrong-type"));
        QCOMPARE(found[1].message,
                 QStringLiteral("spec.ports[0].port must be an integer, not 'eighty'"));
        QCOMPARE(found[1].line, 19);
        QCOMPARE(found[1].column, 13);
    }

    void intOrStringAndQuantities()
    {
        const Diagnostics found = validate(R"(apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: c:1
      resources:
        limits: {cpu: 2, memory: 1Gi}
        requests: {cpu: 0.5, memory: [1]}
      readinessProbe:
        httpGet: {port: true}
)");
        QCOMPARE(found.size(), 2);
        QVERIFY2(found[0].message.startsWith(u"spec.containers[0].resources.requests.memory must "
                                             u"be a quantity"),
                 qPrintable(found[0].message));
        QVERIFY2(found[1].message.startsWith(u"spec.containers[0].readinessProbe.httpGet.port must "
                                             u"be an integer or a string, not the boolean true"),
                 qPrintable(found[1].message));
    }
};

QTEST_GUILESS_MAIN(TestKubeSchema)
#include "tst_kubeschema.moc"
