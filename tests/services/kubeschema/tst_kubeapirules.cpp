// Tests of the API server's rules beyond the schema: each refusal with the API server's own
// wording at the offending line, and the edge cases a cluster accepts.
#include "core/kubeobject.h"
#include "core/yamlsource.h"
#include "kubeschema/kubeapirules.h"
#include "validation/validator.h"
#include "validmanifests.h"

#include <QTest>

using namespace launchdeck;

namespace {

Diagnostics check(const QByteArray& yaml)
{
    Diagnostics out;
    const YamlFile file = parseYaml(QStringLiteral("manifest.yaml"), yaml, out);
    for (const KubeObject& object : kubeObjectsOf(file, out))
        validateKubeApiRules(object, out);
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

// The line marked "# <-", 1-based.
int markedLine(const QByteArray& yaml)
{
    const qsizetype at = yaml.indexOf("# <-");
    return at < 0 ? 0 : static_cast<int>(yaml.left(at).count('\n')) + 1;
}

QByteArray deployment(const QByteArray& name, const QByteArray& specExtra,
                      const QByteArray& podExtra = {}, const QByteArray& containerExtra = {})
{
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
           "\nspec:\n  replicas: 2\n" + specExtra +
           "  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n"
           "      labels:\n        app: web\n    spec:\n" +
           podExtra + "      containers:\n        - name: web\n          image: nginx:1.27\n" +
           containerExtra;
}

QByteArray job(const QByteArray& specExtra, const QByteArray& podExtra)
{
    return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n" + specExtra +
           "  template:\n    spec:\n" + podExtra +
           "      containers:\n        - name: migrate\n          image: busybox:1.36\n";
}

const QByteArray kService = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
                            "  selector:\n    app: web\n  ports:\n";

} // namespace

class TestKubeApiRules final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusals_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("message");
        const auto row = [](const char* title, const QByteArray& yaml, const char* rule,
                            const char* message) {
            QTest::newRow(title) << yaml << QString::fromLatin1(rule) << QString::fromUtf8(message);
        };
        row("Deployment name", deployment("Web_App # <-", {}), "invalid-name",
            "Deployment.apps \"Web_App\" is invalid: metadata.name: Invalid value: \"Web_App\": "
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character (e.g. "
            "'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        row("name over 253", deployment(QByteArray(254, 'a') + " # <-", {}), "invalid-name",
            "metadata.name: Invalid value: \"aaaa");
        row("Service name is a DNS-1035 label",
            QByteArray(kService).replace("name: web\n", "name: 1web # <-\n") + "    - port: 80\n",
            "invalid-name",
            "Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 "
            "label must consist of lower case alphanumeric characters or '-', start with an "
            "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
            "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
        row("Namespace name is a DNS label",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team.a # <-\n", "invalid-name",
            "Namespace \"team.a\" is invalid: metadata.name: Invalid value: \"team.a\": must not "
            "contain dots");
        row("StatefulSet name is a DNS label",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db.primary # <-\n",
            "invalid-name", "metadata.name: Invalid value: \"db.primary\": must not contain dots");
        row("Role name is a path segment",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n"
            "  name: ops/admin # <-\n",
            "invalid-name",
            "Role.rbac.authorization.k8s.io \"ops/admin\" is invalid: metadata.name: Invalid "
            "value: \"ops/admin\": may not contain '/'");
        row("generateName", deployment("web\n  generateName: Web- # <-", {}), "invalid-name",
            "metadata.generateName: Invalid value: \"Web-\": a lowercase RFC 1123 subdomain");
        row("namespace", deployment("web\n  namespace: Team_A # <-", {}), "invalid-name",
            "metadata.namespace: Invalid value: \"Team_A\": a lowercase RFC 1123 label");
        row("no name", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b} # <-\n",
            "required-value",
            "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is "
            "required");
        row("CronJob name over 52",
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: " + QByteArray(53, 'c') +
                " # <-\n",
            "invalid-name", "must be no more than 52 characters");
        row("label value with a space", deployment("web\n  labels:\n    team: my app # <-", {}),
            "invalid-label",
            "metadata.labels: Invalid value: \"my app\": a valid label must be an empty string or "
            "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
            "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
        row("label value over 63",
            deployment("web\n  labels:\n    v: " + QByteArray(64, 'v') + " # <-", {}),
            "invalid-label", "must be no more than 63 bytes");
        row("label key with two slashes", deployment("web\n  labels:\n    a.io/b/c: x # <-", {}),
            "invalid-label",
            "metadata.labels: Invalid value: \"a.io/b/c\": a valid label key must consist of "
            "alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
            "subdomain prefix and '/' (e.g. 'example.com/MyName')");
        row("label key with an upper-case prefix",
            deployment("web\n  labels:\n    Example.com/tier: x # <-", {}), "invalid-label",
            "metadata.labels: Invalid value: \"Example.com/tier\": prefix part a lowercase RFC "
            "1123 subdomain");
        row("template label",
            deployment("web", {}, {})
                .replace("      labels:\n        app: web\n", "      labels:\n        app: web\n"
                                                              "        -bad: x # <-\n"),
            "invalid-label", "spec.template.labels: Invalid value: \"-bad\": name part must");
        row("annotation key", deployment("web\n  annotations:\n    owner team: ops # <-", {}),
            "invalid-annotation", "metadata.annotations: Invalid value: \"owner team\": name part");
        row("annotations over 256 KiB",
            deployment("web\n  annotations:\n    big: " + QByteArray(262'142, 'x') + " # <-", {}),
            "invalid-annotation",
            "metadata.annotations: Too long: may not be more than 262144 bytes");
        row("negative replicas", deployment("web", {}).replace("replicas: 2", "replicas: -1 # <-"),
            "invalid-value",
            "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater "
            "than or equal to 0");
        row("revisionHistoryLimit", deployment("web", "  revisionHistoryLimit: -2 # <-\n"),
            "invalid-value", "spec.revisionHistoryLimit: Invalid value: -2: must be greater");
        row("progress deadline not after minReadySeconds",
            deployment("web", "  minReadySeconds: 30\n  progressDeadlineSeconds: 30 # <-\n"),
            "invalid-value",
            "spec.progressDeadlineSeconds: Invalid value: 30: must be greater than "
            "minReadySeconds");
        row("maxUnavailable and maxSurge zero",
            deployment("web", "  strategy:\n    rollingUpdate:\n      maxUnavailable: 0 # <-\n"
                              "      maxSurge: 0\n"),
            "invalid-value",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when "
            "`maxSurge` is 0");
        row("strategy type", deployment("web", "  strategy:\n    type: BlueGreen # <-\n"),
            "invalid-value",
            "spec.strategy: Unsupported value: {\"type\":\"BlueGreen\"}: supported values: "
            "\"Recreate\", \"RollingUpdate\"");
        row("Job parallelism", job("  parallelism: -1 # <-\n", "      restartPolicy: Never\n"),
            "invalid-value", "spec.parallelism: Invalid value: -1: must be greater than or equal");
        row("Job backoffLimit", job("  backoffLimit: -3 # <-\n", "      restartPolicy: Never\n"),
            "invalid-value", "spec.backoffLimit: Invalid value: -3");
        row("pod activeDeadlineSeconds",
            job({}, "      restartPolicy: Never\n"
                    "      activeDeadlineSeconds: 0 # <-\n"),
            "invalid-value",
            "spec.template.spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and "
            "2147483647, inclusive");
        row("HPA minReplicas",
            "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n"
            "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
            "  minReplicas: 0 # <-\n  maxReplicas: 3\n",
            "invalid-value",
            "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: spec.minReplicas: Invalid "
            "value: 0: must be greater than or equal to 1");
        row("HPA maxReplicas under minReplicas",
            "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n"
            "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
            "  minReplicas: 4\n  maxReplicas: 3 # <-\n",
            "invalid-value",
            "spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`");
        row("containerPort",
            deployment("web", {}, {},
                       "          ports:\n            - containerPort: 70000 # <-\n"),
            "invalid-value",
            "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must "
            "be between 1 and 65535, inclusive");
        row("hostPort",
            deployment("web", {}, {},
                       "          ports:\n            - containerPort: 80\n"
                       "              hostPort: -1 # <-\n"),
            "invalid-value", "ports[0].hostPort: Invalid value: -1: must be between 1 and 65535");
        row("port name with two hyphens",
            deployment("web", {}, {},
                       "          ports:\n            - containerPort: 80\n"
                       "              name: http--alt # <-\n"),
            "invalid-name",
            "spec.template.spec.containers[0].ports[0].name: Invalid value: \"http--alt\": must "
            "not contain consecutive hyphens");
        row("port name too long",
            deployment("web", {}, {},
                       "          ports:\n            - containerPort: 80\n"
                       "              name: metrics-exporter # <-\n"),
            "invalid-name",
            "ports[0].name: Invalid value: \"metrics-exporter\": must be no more "
            "than 15 characters");
        row("port name without a letter",
            deployment("web", {}, {},
                       "          ports:\n            - containerPort: 80\n"
                       "              name: \"8080\" # <-\n"),
            "invalid-name", "must contain at least one letter (a-z)");
        row("protocol",
            deployment("web", {}, {},
                       "          ports:\n            - containerPort: 80\n"
                       "              protocol: tcp # <-\n"),
            "invalid-value",
            "ports[0].protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", "
            "\"UDP\"");
        row("probe port",
            deployment("web", {}, {},
                       "          livenessProbe:\n            tcpSocket:\n"
                       "              port: 0 # <-\n"),
            "invalid-value",
            "spec.template.spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: 0: "
            "must be between 1 and 65535, inclusive");
        row("Service port", kService + "    - port: 65536 # <-\n", "invalid-value",
            "Service \"web\" is invalid: spec.ports[0].port: Invalid value: 65536: must be "
            "between 1 and 65535, inclusive");
        row("Service ports need names", kService + "    - port: 80\n    - port: 443 # <-\n",
            "required-value", "spec.ports[1].name: Required value");
        row("Service port names are unique",
            kService + "    - {name: web, port: 80}\n    - {name: web, port: 443} # <-\n",
            "duplicate-name", "spec.ports[1].name: Duplicate value: \"web\"");
        row("targetPort name", kService + "    - port: 80\n      targetPort: Http # <-\n",
            "invalid-name", "spec.ports[0].targetPort: Invalid value: \"Http\": must contain only");
        row("nodePort on a ClusterIP Service",
            kService + "    - port: 80\n      nodePort: 30080 # <-\n", "invalid-value",
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
        row("duplicate containers, init included",
            deployment("web", {},
                       "      initContainers:\n        - name: web # <-\n"
                       "          image: busybox:1.36\n"),
            "duplicate-name",
            "spec.template.spec.initContainers[0].name: Duplicate value: \"web\"");
        row("duplicate container ports",
            deployment("web", {}, {},
                       "          ports:\n            - {name: http, containerPort: 80}\n"
                       "            - {name: http, containerPort: 81} # <-\n"),
            "duplicate-name",
            "spec.template.spec.containers[0].ports[1].name: Duplicate value: \"http\"");
        row("duplicate volumes",
            deployment("web", {},
                       "      volumes:\n        - {name: tmp, emptyDir: {}}\n"
                       "        - {name: tmp, emptyDir: {}} # <-\n"),
            "duplicate-name", "spec.template.spec.volumes[1].name: Duplicate value: \"tmp\"");
        row("volume name",
            deployment("web", {},
                       "      volumes:\n        - {name: Tmp, emptyDir: "
                       "{}} # <-\n"),
            "invalid-name", "spec.template.spec.volumes[0].name: Invalid value: \"Tmp\"");
        row("volumeMount of no volume",
            deployment("web", {}, {},
                       "          volumeMounts:\n            - name: data # <-\n"
                       "              mountPath: /data\n"),
            "not-found",
            "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"data\"");
        row("env name", deployment("web", {}, {}, "          env:\n            - name: A=B # <-\n"),
            "invalid-name",
            "spec.template.spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid "
            "environment variable name must consist only of printable ASCII characters other than "
            "'='");
        row("container name", deployment("web", {}).replace("- name: web\n", "- name: Web # <-\n"),
            "invalid-name",
            "spec.template.spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 "
            "label");
        row("image required",
            deployment("web", {})
                .replace("          image: nginx:1.27\n", "          imagePullPolicy: Always\n")
                .replace("- name: web\n", "- name: web # <-\n"),
            "required-value", "spec.template.spec.containers[0].image: Required value");
        row("selector does not match",
            deployment("web", {}).replace("      labels:\n        app: web\n",
                                          "      labels:\n        app: api # <-\n"),
            "mismatching-selector",
            "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: "
            "{\"app\":\"api\"}: `selector` does not match template `labels`");
        row("empty selector",
            deployment("web", {}).replace("  selector:\n    matchLabels:\n      app: web\n",
                                          "  selector: {} # <-\n"),
            "invalid-value",
            "spec.selector: Invalid value: {}: empty selector is invalid for deployment");
        row("selector operator",
            deployment("web", {}).replace(
                "      app: web\n  template",
                "      app: web\n    matchExpressions:\n      - key: tier\n"
                "        operator: in # <-\n        values: [front]\n  template"),
            "invalid-value",
            "spec.selector.matchExpressions[0].operator: Invalid value: \"in\": not a valid "
            "selector operator");
        row("Deployment restarts always",
            deployment("web", {}, "      restartPolicy: OnFailure # <-\n"), "invalid-value",
            "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported "
            "values: \"Always\"");
        row("Job without restartPolicy", job({}, {}).replace("    spec:\n", "    spec: # <-\n"),
            "required-value",
            "Job.batch \"migrate\" is invalid: spec.template.spec.restartPolicy: Required value: "
            "valid values: \"OnFailure\", \"Never\"");
        row("Job selector without manualSelector",
            job("  selector:\n    matchLabels: {app: migrate} # <-\n",
                "      restartPolicy: Never\n"),
            "mismatching-selector",
            "spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"migrate\"}}: `selector` not "
            "auto-generated");
    }

    void refusals()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, rule);
        QFETCH(QString, message);
        const int line = markedLine(yaml);
        QVERIFY(line > 0);
        const Diagnostics found = check(yaml);
        for (const Diagnostic& d : found) {
            if (d.rule == rule && d.line == line && d.message.contains(message)) {
                QCOMPARE(d.severity, Severity::High);
                QVERIFY(d.column > 0);
                return;
            }
        }
        QFAIL(qPrintable(QStringLiteral("no %1 at line %2 containing \"%3\"; found:\n%4")
                             .arg(rule)
                             .arg(line)
                             .arg(message, describe(found))));
    }

    void accepted_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        // Its selector asks for a tier the template does not give its pods: a cluster refuses it.
        QTest::newRow("the common kinds")
            << QByteArray(kDeployment)
                   .replace("      labels:\n        app: web\n    spec:",
                            "      labels:\n        app: web\n        tier: edge\n    spec:");

        QTest::newRow("the other kinds") << QByteArray(kValidKinds);
        QTest::newRow("253-character name") << deployment(QByteArray(249, 'a') + ".com", {});
        QTest::newRow("labels at their edges")
            << deployment("web\n  labels:\n    example.com/my-label: \"\"\n    Tier_1.x: A-b_c.9\n"
                          "    " +
                              QByteArray(253, 'p').replace(100, 1, ".") + "/" +
                              QByteArray(63, 'n') + ": " + QByteArray(63, 'v'),
                          {});
        QTest::newRow("annotation keys ignore case")
            << deployment("web\n  annotations:\n    Example.COM/Owner: ops", {});
        QTest::newRow("port 65535 and IANA names")
            << deployment("web", {}, {},
                          "          ports:\n            - {name: http-alt, containerPort: 65535,"
                          " hostPort: 65535, protocol: SCTP}\n            - {name: h2c, "
                          "containerPort: 1}\n          env:\n            - {name: my.env-name, "
                          "value: x}\n");
        QTest::newRow("generateName with a trailing dash")
            << QByteArray("apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n"
                          "spec:\n  template:\n    spec:\n      restartPolicy: OnFailure\n"
                          "      containers:\n        - {name: m, image: busybox:1.36}\n");
        QTest::newRow("matching expressions") << deployment("web", {}).replace(
            "    matchLabels:\n      app: web\n",
            "    matchExpressions:\n      - {key: app, operator: In, values: [web]}\n"
            "      - {key: canary, operator: DoesNotExist}\n");
        QTest::newRow("a StatefulSet's pod spec is not the API server's concern")
            << QByteArray("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n"
                          "  serviceName: db\n  selector:\n    matchLabels: {app: db}\n"
                          "  template:\n    metadata:\n      labels: {app: db}\n    spec:\n"
                          "      containers:\n        - {name: db, image: postgres:16, ports: "
                          "[{containerPort: 70000}]}\n");
        QTest::newRow("headless Service without ports")
            << QByteArray("apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n"
                          "  clusterIP: None\n  selector: {app: db}\n");
        QTest::newRow("a custom resource's spec")
            << QByteArray("apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n"
                          "  name: web\nspec:\n  replicas: -1\n");
    }

    void accepted()
    {
        QFETCH(QByteArray, yaml);
        const Diagnostics found = check(yaml);
        QVERIFY2(found.isEmpty(), qPrintable(describe(found)));
    }

    // The refusals run at every level, basic included, through the one entry to validation.
    void everyLevel()
    {
        const QByteArray yaml = deployment("Web_App", {});
        for (const ValidationLevel level :
             {ValidationLevel::Basic, ValidationLevel::Standard, ValidationLevel::Strict}) {
            const Diagnostics found = validateText(QStringLiteral("web.yaml"), yaml, level);
            bool refused = false;
            for (const Diagnostic& d : found)
                refused = refused || (d.rule == u"invalid-name" && d.line == 4);
            QVERIFY2(refused, qPrintable(describe(found)));
        }
    }

    void ruleNames()
    {
        QCOMPARE(kubeApiRuleNames().size(), 8);
        QVERIFY(kubeApiRuleNames().contains(QStringLiteral("mismatching-selector")));
    }
};

QTEST_GUILESS_MAIN(TestKubeApiRules)
#include "tst_kubeapirules.moc"
