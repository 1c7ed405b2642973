// Tests of the Kubernetes semantic and policy checks: every rule triggered and not, a hardened
// set clean at strict, level filtering, kube-linter's ignore annotations, the shared
// predicates, and the cost of checking a large render.
#include "core/kubeobject.h"
#include "core/yamlsource.h"
#include "kubeschema/kubeapirules.h"
#include "policy/kubepolicy.h"
#include "policy/policypredicates.h"
#include "policycases.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>

using namespace launchdeck;

namespace {

const QString kPath = QStringLiteral("set.yaml");

// Semantic checks plus the policies of `level`, as the validation service runs them.
Diagnostics checkSet(const QByteArray& yaml, ValidationLevel level, Diagnostics* parseErrors)
{
    Diagnostics parsed;
    const YamlFile file = parseYaml(kPath, yaml, parsed);
    const QList<KubeObject> objects = kubeObjectsOf(file, parsed);
    if (parseErrors)
        *parseErrors = parsed;
    Diagnostics out;
    // mismatching-selector is the API server's refusal, reported with its other refusals.
    for (const KubeObject& object : objects)
        validateKubeApiRules(object, out);
    if (level != ValidationLevel::Basic)
        checkKubeSemantics(objects, out);
    checkKubePolicies(objects, level, out);
    return out;
}

int markedLine(const QByteArray& yaml)
{
    const qsizetype at = yaml.indexOf("# <-");
    return at < 0 ? 0 : static_cast<int>(yaml.left(at).count('\n')) + 1;
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

QString describe(const Diagnostics& diagnostics)
{
    QStringList lines;
    for (const Diagnostic& d : diagnostics)
        lines.append(formatDiagnostic(d));
    return lines.join(u'\n');
}

QSet<QString> rulesOf(const Diagnostics& diagnostics)
{
    QSet<QString> rules;
    for (const Diagnostic& d : diagnostics)
        rules.insert(d.rule);
    return rules;
}

} // namespace

class TestPolicy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registry()
    {
        const QStringList kubeLinterDefaults = {QStringLiteral("dangling-service"),
                                                QStringLiteral("deprecated-service-account-field"),
                                                QStringLiteral("docker-sock"),
                                                QStringLiteral("drop-net-raw-capability"),
                                                QStringLiteral("duplicate-env-var"),
                                                QStringLiteral("env-var-secret"),
                                                QStringLiteral("host-ipc"),
                                                QStringLiteral("host-network"),
                                                QStringLiteral("host-pid"),
                                                QStringLiteral("invalid-target-ports"),
                                                QStringLiteral("job-ttl-seconds-after-finished"),
                                                QStringLiteral("latest-tag"),
                                                QStringLiteral("liveness-port"),
                                                QStringLiteral("mismatching-selector"),
                                                QStringLiteral("no-anti-affinity"),
                                                QStringLiteral("no-extensions-v1beta"),
                                                QStringLiteral("no-read-only-root-fs"),
                                                QStringLiteral("non-existent-service-account"),
                                                QStringLiteral("pdb-max-unavailable"),
                                                QStringLiteral("pdb-min-available"),
                                                QStringLiteral("pdb-unhealthy-pod-eviction-policy"),
                                                QStringLiteral("privilege-escalation-container"),
                                                QStringLiteral("privileged-container"),
                                                QStringLiteral("readiness-port"),
                                                QStringLiteral("run-as-non-root"),
                                                QStringLiteral("sensitive-host-mounts"),
                                                QStringLiteral("ssh-port"),
                                                QStringLiteral("startup-port"),
                                                QStringLiteral("unsafe-sysctls"),
                                                QStringLiteral("unset-cpu-requirements"),
                                                QStringLiteral("unset-memory-requirements")};
        for (const QString& name : kubeLinterDefaults)
            QVERIFY2(findKubePolicyRule(name), qPrintable(name));
        QVERIFY(!findKubePolicyRule(u"no-such-rule"));

        QSet<QString> names;
        for (const PolicyRule& rule : kubePolicyRules()) {
            QVERIFY2(!names.contains(rule.name), qPrintable(rule.name));
            names.insert(rule.name);
            QVERIFY2(!rule.description.isEmpty() && !rule.remediation.isEmpty(),
                     qPrintable(rule.name));
            const ValidationLevel expected =
                rule.severity == Severity::Critical ? ValidationLevel::Basic
                : rule.severity <= Severity::Medium ? ValidationLevel::Standard
                                                    : ValidationLevel::Strict;
            if (!rule.semantic)
                QCOMPARE(rule.minimumLevel, expected);
        }
    }

    // The severities the product's scale assigns.
    void severities_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<Severity>("severity");
        const auto row = [](const char* rule, Severity severity) {
            QTest::newRow(rule) << QString::fromLatin1(rule) << severity;
        };
        for (const char* rule : {"privileged-container", "docker-sock", "host-pid", "host-network",
                                 "sensitive-host-mounts"})
            row(rule, Severity::Critical);
        for (const char* rule :
             {"privilege-escalation-container", "host-ipc", "run-as-non-root", "latest-tag",
              "env-var-secret", "unsafe-sysctls", "mismatching-selector", "invalid-target-ports",
              "duplicate-env-var"})
            row(rule, Severity::High);
        for (const char* rule :
             {"unset-cpu-requirements", "unset-memory-requirements", "no-read-only-root-fs"})
            row(rule, Severity::Medium);
        for (const char* rule :
             {"no-anti-affinity", "job-ttl-seconds-after-finished", "pdb-max-unavailable",
              "pdb-min-available", "pdb-unhealthy-pod-eviction-policy"})
            row(rule, Severity::Low);
        row("deprecated-service-account-field", Severity::Info);
    }
    void severities()
    {
        QFETCH(QString, rule);
        QFETCH(Severity, severity);
        const PolicyRule* entry = findKubePolicyRule(rule);
        QVERIFY(entry);
        QCOMPARE(entry->severity, severity);
    }

    void everyRuleHasCases()
    {
        QSet<QString> triggered;
        QSet<QString> spared;
        for (const PolicyCase& c : policyCases())
            (c.triggers ? triggered : spared).insert(c.rule);
        for (const PolicyRule& rule : kubePolicyRules()) {
            QVERIFY2(triggered.contains(rule.name), qPrintable(u"no trigger case: " + rule.name));
            QVERIFY2(spared.contains(rule.name), qPrintable(u"no clean case: " + rule.name));
        }
    }

    void rules_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<bool>("triggers");
        QTest::addColumn<Severity>("severity");
        for (const PolicyCase& c : policyCases()) {
            const QString row = c.rule + (c.triggers ? u": " : u": not: ") + c.title;
            QTest::newRow(qPrintable(row)) << c.rule << c.yaml << c.triggers << c.severity;
        }
    }
    void rules()
    {
        QFETCH(QString, rule);
        QFETCH(QByteArray, yaml);
        QFETCH(bool, triggers);
        QFETCH(Severity, severity);
        QVERIFY2(!yaml.isEmpty(), "the case's edit no longer applies to the hardened set");
        Diagnostics parseErrors;
        const Diagnostics found =
            withRule(checkSet(yaml, ValidationLevel::Strict, &parseErrors), rule);
        QVERIFY2(parseErrors.isEmpty(), qPrintable(describe(parseErrors)));
        if (!triggers) {
            QVERIFY2(found.isEmpty(), qPrintable(describe(found)));
            return;
        }
        const int line = markedLine(yaml);
        QVERIFY(line > 0);
        bool atLine = false;
        for (const Diagnostic& d : found) {
            QCOMPARE(d.severity, severity);
            QCOMPARE(d.path, kPath);
            QVERIFY(d.column > 0);
            atLine = atLine || d.line == line;
        }
        QVERIFY2(atLine, qPrintable(u"expected at line " + QString::number(line) + u", found:\n" +
                                    describe(found)));
    }

    void hardenedSetIsClean()
    {
        Diagnostics parseErrors;
        const Diagnostics found = checkSet(hardenedSet(), ValidationLevel::Strict, &parseErrors);
        QVERIFY2(parseErrors.isEmpty(), qPrintable(describe(parseErrors)));
        QVERIFY2(found.isEmpty(), qPrintable(describe(found)));
    }

    void messagesNameObjectAndContainer()
    {
        const QByteArray yaml =
            edited(hardenedSet(), {{kAppImage, "          image: nginx:latest\n"},
                                   {kAppEnv, kAppEnv + "            - name: API_TOKEN\n"
                                                       "              value: s3cr3t-value\n"}});
        const Diagnostics found = checkSet(yaml, ValidationLevel::Strict, nullptr);
        const Diagnostics latest = withRule(found, QStringLiteral("latest-tag"));
        QCOMPARE(latest.size(), 1);
        QCOMPARE(latest[0].message,
                 QStringLiteral("Deployment/web: container 'app' uses image 'nginx:latest' with "
                                "the 'latest' tag; pin a version"));
        const Diagnostics secret = withRule(found, QStringLiteral("env-var-secret"));
        QCOMPARE(secret.size(), 1);
        QVERIFY(secret[0].message.contains(u"API_TOKEN"));
        QVERIFY2(!secret[0].message.contains(u"s3cr3t"), "a credential reached a message");
    }

    void levelDecidesWhatRuns()
    {
        // privileged (critical), latest tag (high), writable root (medium), one PDB without an
        // eviction policy (low), the deprecated serviceAccount field (info), a mismatching
        // selector (semantic, high).
        const QByteArray yaml =
            edited(hardenedSet(),
                   {{kAppImage, "          image: nginx:latest\n"},
                    {kAppSecurity, "          securityContext:\n"
                                   "            privileged: true\n"
                                   "            capabilities:\n              drop: [ALL]\n"
                                   "---\napiVersion: v1\nkind: Service"},
                    {kBudget, "  maxUnavailable: 1\n"},
                    {kServiceAccountName, kServiceAccountName + "      serviceAccount: web\n"},
                    {"    matchLabels:\n      app: web\n  template",
                     "    matchLabels:\n      app: web-v2\n  template"}});
        QVERIFY(!yaml.isEmpty());
        Diagnostics parseErrors;
        const QSet<QString> basic = rulesOf(checkSet(yaml, ValidationLevel::Basic, &parseErrors));
        QVERIFY2(parseErrors.isEmpty(), qPrintable(describe(parseErrors)));
        // A refusal of the API server is reported at every level, basic included.
        QCOMPARE(basic, (QSet<QString>{QStringLiteral("privileged-container"),
                                       QStringLiteral("mismatching-selector")}));

        const QSet<QString> standard = rulesOf(checkSet(yaml, ValidationLevel::Standard, nullptr));
        for (const char* rule : {"privileged-container", "privilege-escalation-container",
                                 "latest-tag", "no-read-only-root-fs", "mismatching-selector"})
            QVERIFY2(standard.contains(QString::fromLatin1(rule)), rule);
        for (const char* rule :
             {"pdb-unhealthy-pod-eviction-policy", "deprecated-service-account-field"})
            QVERIFY2(!standard.contains(QString::fromLatin1(rule)), rule);

        const QSet<QString> strict = rulesOf(checkSet(yaml, ValidationLevel::Strict, nullptr));
        QVERIFY(strict.contains(standard));
        QVERIFY(strict.contains(QStringLiteral("pdb-unhealthy-pod-eviction-policy")));
        QVERIFY(strict.contains(QStringLiteral("deprecated-service-account-field")));

        // A rule implemented as a semantic check never comes from the policy pass.
        Diagnostics parsed;
        const QList<KubeObject> objects = kubeObjectsOf(parseYaml(kPath, yaml, parsed), parsed);
        Diagnostics policiesOnly;
        checkKubePolicies(objects, ValidationLevel::Strict, policiesOnly);
        QVERIFY(!rulesOf(policiesOnly).contains(QStringLiteral("mismatching-selector")));
    }

    void ignoreAnnotation()
    {
        const QByteArray latest =
            edited(hardenedSet(), {{kAppImage, "          image: nginx:latest\n"}});
        const QByteArray annotated = edited(
            latest,
            {{"kind: Deployment\nmetadata:\n  name: web\n",
              "kind: Deployment\nmetadata:\n  name: web\n  annotations:\n"
              "    ignore-check.kube-linter.io/latest-tag: \"pinned by the release job\"\n"}});
        QVERIFY(!annotated.isEmpty());
        QVERIFY(rulesOf(checkSet(latest, ValidationLevel::Strict, nullptr))
                    .contains(QStringLiteral("latest-tag")));
        const QSet<QString> ignored =
            rulesOf(checkSet(annotated, ValidationLevel::Strict, nullptr));
        QVERIFY(!ignored.contains(QStringLiteral("latest-tag")));

        // Another rule's annotation does not hide this one; ignore-all hides everything.
        const QByteArray other = edited(annotated, {{"ignore-check.kube-linter.io/latest-tag",
                                                     "ignore-check.kube-linter.io/host-pid"}});
        QVERIFY(rulesOf(checkSet(other, ValidationLevel::Strict, nullptr))
                    .contains(QStringLiteral("latest-tag")));
        const QByteArray all = edited(
            annotated, {{"ignore-check.kube-linter.io/latest-tag", "kube-linter.io/ignore-all"},
                        {"    matchLabels:\n      app: web\n  template",
                         "    matchLabels:\n      app: web-v2\n  template"}});
        QVERIFY(
            withRule(checkSet(all, ValidationLevel::Strict, nullptr), QStringLiteral("latest-tag"))
                .isEmpty());
        // A refusal of the API server is no opinion to ignore.
        QVERIFY(!withRule(checkSet(all, ValidationLevel::Strict, nullptr),
                          QStringLiteral("mismatching-selector"))
                     .isEmpty());
        QCOMPARE(kubeLinterIgnoreAnnotation(QStringLiteral("latest-tag")),
                 QStringLiteral("ignore-check.kube-linter.io/latest-tag"));
    }

    void predicates()
    {
        QVERIFY(isLatestTag(u"nginx"));
        QVERIFY(isLatestTag(u"nginx:latest"));
        QVERIFY(isLatestTag(u"registry:5000/team/app"));
        QVERIFY(!isLatestTag(u"registry:5000/team/app:1.2"));
        QVERIFY(!isLatestTag(u"nginx:1.25"));
        QVERIFY(!isLatestTag(u"nginx@sha256:abc"));
        QVERIFY(!isLatestTag(u"nginx:latest@sha256:abc"));

        QVERIFY(isDockerSocketPath(u"/var/run/docker.sock"));
        QVERIFY(isDockerSocketPath(u"//run//docker.sock/"));
        QVERIFY(!isDockerSocketPath(u"/var/run/app.sock"));

        for (const char16_t* path :
             {u"/", u"/etc", u"/etc/", u"/proc", u"/proc/self", u"/sys/fs", u"/root", u"/boot",
              u"/dev", u"/var/lib/kubelet", u"/var/lib/kubelet/pods", u"/var/run/docker.sock",
              u"/run/containerd/containerd.sock", u"/usr/../etc"})
            QVERIFY2(isSensitiveHostPath(QStringView(path)), qPrintable(QString::fromUtf16(path)));
        for (const char16_t* path :
             {u"/data/app", u"/etc/localtime", u"/var/log/app", u"etc", u"/devices"})
            QVERIFY2(!isSensitiveHostPath(QStringView(path)), qPrintable(QString::fromUtf16(path)));

        for (const char16_t* name : {u"DB_PASSWORD", u"api_token", u"ClientSecret", u"STRIPE_KEY",
                                     u"AWS_ACCESS_KEY_ID", u"private-key", u"KEY"})
            QVERIFY2(looksLikeSecretEnvName(QStringView(name)),
                     qPrintable(QString::fromUtf16(name)));
        for (const char16_t* name :
             {u"LOG_LEVEL", u"KEY_PREFIX", u"PUBLIC_KEY", u"MONKEY_MODE", u""})
            QVERIFY2(!looksLikeSecretEnvName(QStringView(name)),
                     qPrintable(QString::fromUtf16(name)));
    }

    // Ten thousand objects (2500 copies of the hardened set, each with its own names and
    // labels): the selector index keeps this linear. Prints its figure; the bound only catches
    // a quadratic scan, which takes minutes here, not a slow machine.
    void largeSetIsCheap()
    {
        const QByteArray set = hardenedSet();
        QByteArray yaml;
        const int copies = 2500;
        for (int i = 0; i < copies; ++i) {
            const QByteArray n = QByteArray::number(i);
            QByteArray copy = set;
            copy.replace("name: web\n", QByteArray("name: web" + n + "\n"))
                .replace("serviceAccountName: web\n",
                         QByteArray("serviceAccountName: web" + n + "\n"))
                .replace("app: web\n", QByteArray("app: web" + n + "\n"));
            yaml += copy + "---\n";
        }
        Diagnostics parsed;
        const YamlFile file = parseYaml(kPath, yaml, parsed);
        const QList<KubeObject> objects = kubeObjectsOf(file, parsed);
        QVERIFY2(parsed.isEmpty(), qPrintable(describe(parsed.mid(0, 5))));
        QCOMPARE(objects.size(), copies * 4);

        QElapsedTimer timer;
        timer.start();
        Diagnostics out;
        checkKubeSemantics(objects, out);
        checkKubePolicies(objects, ValidationLevel::Strict, out);
        const qint64 elapsed = timer.elapsed();
        qInfo("checked %lld objects in %lld ms", static_cast<long long>(objects.size()),
              static_cast<long long>(elapsed));
        QVERIFY2(out.isEmpty(), qPrintable(describe(out.mid(0, 5))));
        // About a second on this set; a check that compares every pair takes minutes.
        QVERIFY2(elapsed < 15'000,
                 qPrintable(QStringLiteral("checking 10,000 objects took %1 ms: it looks quadratic")
                                .arg(elapsed)));

        // The same set with every Service pointing at a label nobody has: each is reported.
        yaml.replace("  selector:\n    app: web", "  selector:\n    app: gone");
        Diagnostics reparsed;
        const QList<KubeObject> dangling =
            kubeObjectsOf(parseYaml(kPath, yaml, reparsed), reparsed);
        Diagnostics danglingOut;
        checkKubeSemantics(dangling, danglingOut);
        QCOMPARE(withRule(danglingOut, QStringLiteral("dangling-service")).size(), copies);
    }
};

QTEST_GUILESS_MAIN(TestPolicy)
#include "tst_policy.moc"
