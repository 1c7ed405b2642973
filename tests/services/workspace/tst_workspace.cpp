// Tests of launchdeck.yaml parsing: the sample is clean, every kind of mistake is placed.
#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;

namespace {

const QString kSample = QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample");

QByteArray minimal(const QByteArray& applications)
{
    return "version: 1\n"
           "targets:\n"
           "  local:\n"
           "    type: docker\n"
           "environments:\n"
           "  dev:\n"
           "    target: local\n"
           "    traffic: {listen: 127.0.0.1:8080}\n"
           "applications:\n" +
           applications;
}

QString rulesOf(const Diagnostics& out)
{
    QStringList rules;
    for (const Diagnostic& d : out)
        rules.append(d.rule + u'@' + QString::number(d.line) + u':' + QString::number(d.column));
    return rules.join(u' ');
}

} // namespace

class TestWorkspace final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sampleIsClean()
    {
        Diagnostics out;
        const auto workspace = loadWorkspace(kSample, out);
        QVERIFY(workspace);
        QVERIFY2(out.isEmpty(),
                 qPrintable(rulesOf(out) + u' ' + (out.isEmpty() ? QString() : out[0].message)));
        QCOMPARE(workspace->name, QStringLiteral("storefront"));
        QCOMPARE(workspace->environments.size(), 3);
        QCOMPARE(workspace->targets.size(), 2);
        const Environment* production = workspace->environment(u"production");
        QVERIFY(production);
        QVERIFY(production->isProtected);
        QCOMPARE(production->validation, ValidationLevel::Strict);
        QCOMPARE(production->requirements.memory->value(), 2.0 * 1024 * 1024 * 1024);
        QCOMPARE(workspace->strictestLevel(), ValidationLevel::Strict);
        const Application* web = workspace->application(u"web");
        QVERIFY(web);
        QCOMPARE(web->ports.size(), 1);
        QCOMPARE(web->ports[0].hostPort, 8080);
        QCOMPARE(web->strategy.type, Strategy::Type::Canary);
        QCOMPARE(web->strategy.steps.size(), 5);
        QVERIFY(!web->strategy.steps[4].pause.has_value());
        QCOMPARE(web->strategy.analyses[0].failureLimit, 1);
        QCOMPARE(web->tests.size(), 3);
        QCOMPARE(*web->tests[2].maxErrorRate, 0.01);
        QCOMPARE(web->rollback.monitorWindow.count(), 120'000);
        QCOMPARE(*web->rollback.memoryShare, 0.9);
        QCOMPARE(web->cpu->milli, 500);
        QCOMPARE(workspace->pipelineFiles.size(), 1);
        QVERIFY(workspace->manifestFiles.size() >= 2);
    }

    void mistakes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected"); // rule@line:column
        QTest::newRow("unknown key") << minimal("  web:\n    image: shop/web\n    replica: 2\n")
                                     << QStringLiteral("unknown-key@12:5");
        QTest::newRow("wrong type") << minimal("  web:\n    image: shop/web\n    replicas: two\n")
                                    << QStringLiteral("wrong-type@12:15");
        QTest::newRow("bad duration")
            << minimal("  web:\n    image: shop/web\n    ports: [\"80:80\"]\n    health_check: "
                       "{http: /h, port: 80, interval: 5}\n")
            << QStringLiteral("bad-duration@13:50");
        QTest::newRow("tag in image")
            << minimal("  web:\n    image: shop/web:1.0\n") << QStringLiteral("bad-value@11:12");
        QTest::newRow("bad port") << minimal(
                                         "  web:\n    image: shop/web\n    ports: [\"99999:80\"]\n")
                                  << QStringLiteral("invalid-port@12:13");
        QTest::newRow("unknown pipeline")
            << minimal("  web:\n    image: shop/web\n    tests:\n      - pipeline: nope\n")
            << QStringLiteral("unknown-pipeline@13:0");
        QTest::newRow("unknown analysis")
            << minimal("  web:\n    image: shop/web\n    strategy:\n      type: canary\n      "
                       "steps:\n        - analysis: nope\n")
            << QStringLiteral("unknown-analysis@15:0");
        QTest::newRow("bad strategy")
            << minimal("  web:\n    image: shop/web\n    strategy: blue-grene\n")
            << QStringLiteral("bad-value@12:15");
        QTest::newRow("health port not exposed")
            << minimal("  web:\n    image: shop/web\n    ports: [\"80:80\"]\n    health_check: "
                       "{http: /h, port: 81}\n")
            << QStringLiteral("health-check-port@13:19");
        QTest::newRow("dependency cycle") << minimal("  a:\n    image: x/a\n    depends_on: [b]\n  "
                                                     "b:\n    image: x/b\n    depends_on: [a]\n")
                                          << QStringLiteral("dependency-cycle@12:17");
        QTest::newRow("unknown dependency")
            << minimal("  a:\n    image: x/a\n    depends_on: [db]\n")
            << QStringLiteral("unknown-application@12:17");
        QTest::newRow("bad condition")
            << minimal("  web:\n    image: shop/web\n    strategy:\n      type: canary\n      "
                       "steps: [{set_weight: 10}]\n"
                       "      analysis:\n        a: {metric: error_rate, success_condition: \"rate "
                       "< 1\"}\n")
            << QStringLiteral("bad-condition@16:53");
        QTest::newRow("bad share")
            << minimal(
                   "  web:\n    image: shop/web\n    rollback: {triggers: {error_rate: 150%}}\n")
            << QStringLiteral("bad-value@12:39");
        QTest::newRow("bad name") << minimal("  Web_App:\n    image: shop/web\n")
                                  << QStringLiteral("bad-name@10:3");
    }
    void mistakes()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        Diagnostics out;
        const auto workspace = parseWorkspace(QStringLiteral("launchdeck.yaml"), text, out);
        QVERIFY(workspace);
        QCOMPARE(rulesOf(out), expected);
        QVERIFY(!out[0].message.isEmpty());
    }

    void unknownTargetSuggests()
    {
        Diagnostics out;
        parseWorkspace(
            QStringLiteral("launchdeck.yaml"),
            "targets:\n  local:\n    type: docker\nenvironments:\n  dev:\n    target: locl\n", out);
        QCOMPARE(rulesOf(out), QStringLiteral("unknown-target@6:13"));
        QVERIFY(out[0].message.contains(QStringLiteral("did you mean 'local'")));
    }

    void kubernetesVersionOfAnEnvironment()
    {
        const QByteArray text = "targets:\n"
                                "  cluster: {type: kubernetes, context: prod}\n"
                                "environments:\n"
                                "  prod:\n"
                                "    target: cluster\n"
                                "    kubernetes_version: \"1.29\"\n"
                                "  staging:\n"
                                "    target: cluster\n"
                                "    kubernetes_version: 1.30\n" // a YAML number reads the same
                                "  legacy:\n"
                                "    target: cluster\n"
                                "    kubernetes_version: 1.2x\n"
                                "  ancient:\n"
                                "    target: cluster\n"
                                "    kubernetes_version: \"1.15\"\n";
        Diagnostics out;
        const auto workspace = parseWorkspace(QStringLiteral("launchdeck.yaml"), text, out);
        QVERIFY(workspace);
        QCOMPARE(workspace->environment(u"prod")->kubernetesVersion, (KubeVersion{1, 29}));
        QCOMPARE(workspace->environment(u"staging")->kubernetesVersion, (KubeVersion{1, 30}));
        QVERIFY(!workspace->environment(u"legacy")->kubernetesVersion);
        QCOMPARE(rulesOf(out), QStringLiteral("bad-value@12:25 bad-value@15:25"));
        QCOMPARE(out[0].severity, Severity::High);
        QCOMPARE(out[0].message,
                 QStringLiteral("kubernetes_version of environment 'legacy' must be a Kubernetes "
                                "release MAJOR.MINOR such as \"1.29\", not '1.2x'"));
        QVERIFY2(out[1].message.contains(u"1.16 or later"), qPrintable(out[1].message));
    }

    void ingressOfAnEnvironment()
    {
        const QByteArray text = "targets:\n"
                                "  cluster: {type: kubernetes, context: prod}\n"
                                "  local: {type: docker}\n"
                                "environments:\n"
                                "  prod:\n"
                                "    target: cluster\n"
                                "    ingress: storefront.public\n"
                                "  staging:\n"
                                "    target: cluster\n"
                                "    ingress: Storefront_Public\n"
                                "  dev:\n"
                                "    target: local\n"
                                "    ingress: storefront\n";
        Diagnostics out;
        const auto workspace = parseWorkspace(QStringLiteral("launchdeck.yaml"), text, out);
        QVERIFY(workspace);
        QCOMPARE(workspace->environment(u"prod")->ingress, QStringLiteral("storefront.public"));
        QVERIFY(workspace->environment(u"staging")->ingress.isEmpty());
        QCOMPARE(rulesOf(out), QStringLiteral("bad-value@10:14 ingress-not-kubernetes@13:14"));
        QCOMPARE(out[0].severity, Severity::High);
        QVERIFY2(out[0].message.contains(u"'Storefront_Public'"), qPrintable(out[0].message));
        QCOMPARE(out[1].severity, Severity::High);
        QVERIFY2(out[1].message.contains(u"target 'local' is a Docker host"),
                 qPrintable(out[1].message));
    }

    void missingTrafficIsAWarning()
    {
        Diagnostics out;
        parseWorkspace(QStringLiteral("launchdeck.yaml"),
                       "targets: {local: {type: docker}}\nenvironments: {dev: {target: local}}\n"
                       "applications: {web: {image: x/web, strategy: blue-green}}\n",
                       out);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].rule, QStringLiteral("missing-traffic"));
        QCOMPARE(out[0].severity, Severity::Medium);
    }

    void unreadableAndBroken()
    {
        Diagnostics out;
        QVERIFY(!loadWorkspace(QStringLiteral("/nonexistent/launchdeck"), out));
        QCOMPARE(out[0].rule, QStringLiteral("unreadable"));
        out.clear();
        QVERIFY(!parseWorkspace(QStringLiteral("launchdeck.yaml"), "a: [\n", out));
        QCOMPARE(out[0].rule, QStringLiteral("yaml-syntax"));
        out.clear();
        QVERIFY(!parseWorkspace(QStringLiteral("launchdeck.yaml"), "- a\n- b\n", out));
        QCOMPARE(out[0].rule, QStringLiteral("wrong-type"));
        out.clear();
        QVERIFY(!parseWorkspace(QStringLiteral("launchdeck.yaml"), "a: 1\n---\nb: 2\n", out));
        QCOMPARE(out[0].rule, QStringLiteral("workspace-documents"));
    }

    void pipelinePatternsAndTheirFolders()
    {
        QTemporaryDir folder;
        const QDir root(folder.path());
        QVERIFY(root.mkpath(QStringLiteral("flows/release/nightly")));
        QVERIFY(root.mkpath(QStringLiteral("empty")));
        Diagnostics out;
        const auto workspace = parseWorkspace(
            root.filePath(QStringLiteral("launchdeck.yaml")),
            "pipelines: [empty/*.yaml, not/yet/made/*.yaml, flows/**/*.yaml, '*.yaml']\n", out);
        QVERIFY(workspace);
        QCOMPARE(workspace->pipelinePatterns,
                 QStringList({QStringLiteral("empty/*.yaml"), QStringLiteral("not/yet/made/*.yaml"),
                              QStringLiteral("flows/**/*.yaml"), QStringLiteral("*.yaml")}));
        // The empty folder itself; for the folder not made yet the nearest one there (the root);
        // a recursive pattern's folder with every folder below it; the root's own files.
        const QString top = QDir::cleanPath(root.absolutePath());
        QStringList folders = patternFolders(root.path(), workspace->pipelinePatterns);
        folders.sort();
        QStringList expected{top, top + u"/empty", top + u"/flows", top + u"/flows/release",
                             top + u"/flows/release/nightly"};
        QCOMPARE(folders, expected);
        // Made later, part way: the deepest folder there is the one to watch.
        QVERIFY(root.mkpath(QStringLiteral("not/yet")));
        QCOMPARE(patternFolders(root.path(), {QStringLiteral("not/yet/made/*.yaml")}),
                 QStringList{top + u"/not/yet"});
        // Without a workspace file: the default folder, or the root until it is made.
        QCOMPARE(patternFolders(root.path(), defaultPipelinePatterns()), QStringList{top});
        QVERIFY(root.mkpath(QStringLiteral("pipelines")));
        QCOMPARE(patternFolders(root.path(), defaultPipelinePatterns()),
                 QStringList{top + u"/pipelines"});
    }

    void sampleIsCopiedOnce()
    {
        QTemporaryDir data;
        const auto first = ensureSampleWorkspace(kSample, data.path());
        QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().toString()));
        const QString file = QDir(*first).filePath(QStringLiteral("launchdeck.yaml"));
        QVERIFY(QFile::exists(file));
        QFile edited(file);
        QVERIFY(edited.open(QIODevice::Append));
        edited.write("# edited\n");
        edited.close();
        const auto second = ensureSampleWorkspace(kSample, data.path());
        QCOMPARE(*second, *first);
        QFile check(file);
        QVERIFY(check.open(QIODevice::ReadOnly));
        QVERIFY(check.readAll().endsWith("# edited\n"));
        QVERIFY(
            !ensureSampleWorkspace(QStringLiteral("/nonexistent"), data.path() + u"/other").ok());
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
