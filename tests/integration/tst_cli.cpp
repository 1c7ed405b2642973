// The command line as CI uses it: exit codes, text and JSON reports, render to files.
#include "fakes/cliprocess.h"
#include "fakes/kubeapiserver.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

const QString kSample = QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample");

using launchdeck::test::cliEnvironment;
using Run = launchdeck::test::CliRun;

Run runLaunchdeck(const QStringList& arguments, const QString& workingDirectory = QString(),
                  const QString& dataHome = QString())
{
    return launchdeck::test::runCli(QStringLiteral(LAUNCHDECK_BINARY), arguments, workingDirectory,
                                    dataHome);
}

void write(const QString& path, const QByteArray& text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

int processesWithMarker(const QString& marker)
{
    int found = 0;
    const QByteArray needle = QByteArrayLiteral("MARK=") + marker.toUtf8();
    for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile environ(QStringLiteral("/proc/%1/environ").arg(pid));
        if (environ.open(QIODevice::ReadOnly) && environ.readAll().contains(needle))
            ++found;
    }
    return found;
}

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionAndHelp()
    {
        const Run version = runLaunchdeck({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith(QStringLiteral("launchdeck ")));
        const Run help = runLaunchdeck({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("validate")));
        QVERIFY(help.out.contains(QStringLiteral("render")));
    }

    void badUsage()
    {
        QCOMPARE(runLaunchdeck({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(runLaunchdeck({QStringLiteral("validate"), QStringLiteral("--level"),
                                QStringLiteral("paranoid")})
                     .exitCode,
                 2);
        QCOMPARE(runLaunchdeck({QStringLiteral("validate"), QStringLiteral("--bogus")}).exitCode,
                 2);
        const Run missing =
            runLaunchdeck({QStringLiteral("validate"), QStringLiteral("/nonexistent/file.yaml")});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains(QStringLiteral("/nonexistent/file.yaml")));
        QCOMPARE(runLaunchdeck({QStringLiteral("render"), kSample + u"/templates/web-stack.yaml"})
                     .exitCode,
                 2);
    }

    void sampleWorkspaceValidates()
    {
        const Run run =
            runLaunchdeck({QStringLiteral("validate"), QStringLiteral("--workspace"), kSample});
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QVERIFY(
            run.out.contains(QRegularExpression(QStringLiteral("\\d+ files checked: 0 errors"))));
        // The report is the whole output: no diagnostics of Launchdeck's own on stderr.
        QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
        const Run fromInside = runLaunchdeck({QStringLiteral("validate")}, kSample);
        QCOMPARE(fromInside.exitCode, 0);
        QVERIFY2(fromInside.err.isEmpty(), qPrintable(fromInside.err));
    }

    void findingsAsText()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("bad.yaml")),
              "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  portz: []\n");
        const Run run =
            runLaunchdeck({QStringLiteral("validate"), QStringLiteral("bad.yaml")}, dir.path());
        QCOMPARE(run.exitCode, 1);
        const QRegularExpression line(
            QStringLiteral("^bad\\.yaml:5:3: high: .*portz.* \\[unknown-field\\]$"),
            QRegularExpression::MultilineOption);
        QVERIFY2(line.match(run.out).hasMatch(), qPrintable(run.out));
    }

    void validateForAKubernetesRelease()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("psp.yaml")),
              "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: restricted}\n"
              "spec:\n  seLinux: {rule: RunAsAny}\n");
        write(dir.filePath(QStringLiteral("hpa.yaml")),
              "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
              "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
              "  maxReplicas: 3\n");
        write(dir.filePath(QStringLiteral("launchdeck.yaml")),
              "targets:\n  cluster: {type: kubernetes, context: prod}\n"
              "environments:\n  prod: {target: cluster, kubernetes_version: \"1.29\"}\n"
              "  dev: {target: cluster}\n"
              "manifests: [psp.yaml, hpa.yaml]\n");

        // The workspace names the release its environment runs.
        const Run workspace = runLaunchdeck({QStringLiteral("validate")}, dir.path());
        QCOMPARE(workspace.exitCode, 1);
        // Each distinct release is checked; dev names none and counts as the newest.
        QVERIFY2(workspace.out.contains(u"psp.yaml:1:13: high: policy/v1beta1 PodSecurityPolicy "
                                        u"was removed in Kubernetes 1.25 (environment prod runs "
                                        u"1.29; Kubernetes 1.30 assumed for dev, which names no "
                                        u"kubernetes_version)"),
                 qPrintable(workspace.out));
        QVERIFY2(!workspace.out.contains(u"hpa.yaml"), qPrintable(workspace.out));

        // The flag overrides it: 1.24 still serves PodSecurityPolicy, not autoscaling/v2.
        const Run older = runLaunchdeck(
            {QStringLiteral("validate"), QStringLiteral("psp.yaml"), QStringLiteral("hpa.yaml"),
             QStringLiteral("--kubernetes-version"), QStringLiteral("1.22")},
            dir.path());
        QCOMPARE(older.exitCode, 1);
        QVERIFY2(!older.out.contains(u"[removed-api]"), qPrintable(older.out));
        QVERIFY2(older.out.contains(u"hpa.yaml:1:13: high: autoscaling/v2 HorizontalPodAutoscaler "
                                    u"is served from Kubernetes 1.23 on; this cluster runs 1.22"),
                 qPrintable(older.out));
        const Run served = runLaunchdeck({QStringLiteral("validate"), QStringLiteral("psp.yaml"),
                                          QStringLiteral("--kubernetes-version=1.24")},
                                         dir.path());
        QCOMPARE(served.exitCode, 0);

        const Run bad =
            runLaunchdeck({QStringLiteral("validate"), QStringLiteral("psp.yaml"),
                           QStringLiteral("--kubernetes-version"), QStringLiteral("1.29.3")},
                          dir.path());
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(u"--kubernetes-version must be a Kubernetes release MAJOR.MINOR"),
                 qPrintable(bad.err));
    }

    void validateFollowsMergeKeysAndPlacesSyntaxErrors()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("compose.yaml")),
              "x-common: &common\n  image: shop/web\n  cpus: 1\n  mem_limit: 64m\n"
              "services:\n  app:\n    <<: *common\n    read_only: true\n"
              "  worker:\n    <<: *common\n    image: shop/worker:2.1\n");
        write(dir.filePath(QStringLiteral("k.yaml")),
              "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
              "  selector:\n    matchLabels:Labelz\n      app: web\n");
        const Run run = runLaunchdeck(
            {QStringLiteral("validate"), QStringLiteral("compose.yaml"), QStringLiteral("k.yaml")},
            dir.path());
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(!run.out.contains(u"'<<'"), qPrintable(run.out));
        // The merged image of app is checked where the shared block writes it.
        QVERIFY2(run.out.contains(u"compose.yaml:2:10: high: service 'app' uses image 'shop/web'"),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(u"k.yaml:6:16: critical: missing space after ':' in "
                                  u"'matchLabels:Labelz' — write 'matchLabels: Labelz'"),
                 qPrintable(run.out));
    }

    void findingsAsJson()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("bad.yaml")), "a: [1, 2\n");
        write(dir.filePath(QStringLiteral("good.yaml")),
              "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        const Run run =
            runLaunchdeck({QStringLiteral("validate"), dir.path(), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 1);
        const QJsonObject json = QJsonDocument::fromJson(run.out.toUtf8()).object();
        QCOMPARE(json[u"summary"][u"files"].toInt(), 2);
        QCOMPARE(json[u"summary"][u"errors"].toInt(), 1);
        const QJsonArray files = json[u"files"].toArray();
        QVERIFY(files[0].toObject()[u"path"].toString().endsWith(QStringLiteral("bad.yaml")));
        const QJsonObject finding = files[0].toObject()[u"diagnostics"].toArray()[0].toObject();
        QCOMPARE(finding[u"rule"].toString(), QStringLiteral("yaml-syntax"));
        QCOMPARE(finding[u"severity"].toString(), QStringLiteral("critical"));
        QVERIFY(finding[u"line"].toInt() >= 1);
    }

    void validateRecognisesPipelinesAndWorkspacesByContent()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("ci")));
        write(dir.filePath(QStringLiteral("ci/broken.yaml")),
              "steps:\n  - name: build\n    run: make\n  - name: ship\n    run: ./ship\n"
              "    needs: [biuld]\n");
        const Run broken = runLaunchdeck(
            {QStringLiteral("validate"), QStringLiteral("ci/broken.yaml")}, dir.path());
        QVERIFY2(broken.exitCode == 1, qPrintable(broken.out + broken.err));
        const QRegularExpression finding(
            QStringLiteral("^ci/broken\\.yaml:6:\\d+: high: .*biuld.* \\[unknown-step\\]$"),
            QRegularExpression::MultilineOption);
        QVERIFY2(finding.match(broken.out).hasMatch(), qPrintable(broken.out));

        write(dir.filePath(QStringLiteral("ci/good.yaml")),
              "name: good\nsteps:\n  - name: build\n    run: make\n");
        const Run good =
            runLaunchdeck({QStringLiteral("validate"), QStringLiteral("ci/good.yaml")}, dir.path());
        QVERIFY2(good.exitCode == 0, qPrintable(good.out + good.err));
        QVERIFY2(good.out.contains(QStringLiteral("1 file checked: 0 errors, 0 warnings (1 "
                                                  "pipeline)")),
                 qPrintable(good.out));

        write(dir.filePath(QStringLiteral("deck.yaml")),
              "version: 1\nname: deck\ntargets:\n  local: {type: docker}\n"
              "environments:\n  dev: {target: local}\n");
        const Run workspace = runLaunchdeck(
            {QStringLiteral("validate"), QStringLiteral("deck.yaml"), QStringLiteral("--json")},
            dir.path());
        const QJsonObject json = QJsonDocument::fromJson(workspace.out.toUtf8()).object();
        QCOMPARE(json[u"files"][0][u"kind"].toString(), QStringLiteral("workspace"));

        write(dir.filePath(QStringLiteral("other.yaml")), "a: 1\n");
        const Run other =
            runLaunchdeck({QStringLiteral("validate"), QStringLiteral("other.yaml")}, dir.path());
        QCOMPARE(other.exitCode, 0);
        QVERIFY2(other.out.contains(QStringLiteral("not recognised as a workspace, pipeline, "
                                                   "template, Compose file or Kubernetes "
                                                   "manifest")),
                 qPrintable(other.out));
    }

    void renderToStdoutAndFiles()
    {
        const QString templ = kSample + u"/templates/web-stack.yaml";
        const Run kube = runLaunchdeck({QStringLiteral("render"), templ, QStringLiteral("--to"),
                                        QStringLiteral("kubernetes")});
        QVERIFY2(kube.exitCode == 0, qPrintable(kube.err));
        QVERIFY(kube.out.contains(QStringLiteral("kind: Deployment")));
        QCOMPARE(runLaunchdeck({QStringLiteral("render"), templ, QStringLiteral("--to"),
                                QStringLiteral("kubernetes")})
                     .out,
                 kube.out);
        const Run compose = runLaunchdeck(
            {QStringLiteral("render"), templ, QStringLiteral("--to"), QStringLiteral("compose")});
        QCOMPARE(compose.exitCode, 0);
        QVERIFY(compose.out.contains(QStringLiteral("services:")));

        QTemporaryDir out;
        const Run files =
            runLaunchdeck({QStringLiteral("render"), templ, QStringLiteral("--to"),
                           QStringLiteral("kubernetes"), QStringLiteral("-o"), out.path()});
        QCOMPARE(files.exitCode, 0);
        const QStringList written = QDir(out.path()).entryList(QDir::Files);
        QVERIFY2(written.contains(QStringLiteral("deployment-web.yaml")),
                 qPrintable(written.join(u' ')));
        const Run check = runLaunchdeck({QStringLiteral("validate"), out.path(),
                                         QStringLiteral("--level"), QStringLiteral("standard")});
        QVERIFY2(check.exitCode == 0, qPrintable(check.out));
    }

    void statusOfClusterEnvironments()
    {
        // A pair on a cluster that the history does not know yet: its Deployment's template
        // says the revision, its ready replicas the health. A cluster that cannot be asked is
        // named with its server, and makes the exit 1.
        launchdeck::test::KubeApiServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        write(dir.filePath(QStringLiteral("refused.yaml")),
              "apiVersion: v1\nkind: Config\ncurrent-context: refused\n"
              "clusters:\n- name: refused\n"
              "  cluster: {server: \"https://127.0.0.1:1\", insecure-skip-tls-verify: true}\n"
              "users:\n- name: someone\n  user: {token: not-a-secret}\n"
              "contexts:\n- name: refused\n  context: {cluster: refused, user: someone}\n");
        write(dir.filePath(QStringLiteral("launchdeck.yaml")),
              QStringLiteral("targets:\n"
                             "  fake: {type: kubernetes, kubeconfig: \"%1\", context: token}\n"
                             "  gone: {type: kubernetes, kubeconfig: refused.yaml}\n"
                             "environments:\n"
                             "  staging: {target: fake}\n"
                             "  production: {target: gone}\n"
                             "applications:\n"
                             "  web: {image: shop/web, version: \"1.0\", replicas: 2}\n")
                  .arg(server.kubeconfigPath())
                  .toUtf8());
        const QJsonObject labels{
            {QStringLiteral("app.kubernetes.io/name"), QStringLiteral("web")},
            {QStringLiteral("launchdeck.dev/environment"), QStringLiteral("staging")},
            {QStringLiteral("launchdeck.dev/track"), QStringLiteral("stable")}};
        const QJsonObject container{{QStringLiteral("name"), QStringLiteral("web")},
                                    {QStringLiteral("image"), QStringLiteral("shop/web:1.0")}};
        const QJsonObject podTemplate{
            {QStringLiteral("metadata"),
             QJsonObject{
                 {QStringLiteral("labels"), labels},
                 {QStringLiteral("annotations"),
                  QJsonObject{{QStringLiteral("launchdeck.dev/revision"), QStringLiteral("1")}}}}},
            {QStringLiteral("spec"),
             QJsonObject{{QStringLiteral("containers"), QJsonArray{container}}}}};
        const QJsonObject deployment{
            {QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
            {QStringLiteral("kind"), QStringLiteral("Deployment")},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"), QStringLiteral("web")},
                         {QStringLiteral("labels"), labels}}},
            {QStringLiteral("spec"),
             QJsonObject{
                 {QStringLiteral("replicas"), 2},
                 {QStringLiteral("selector"), QJsonObject{{QStringLiteral("matchLabels"), labels}}},
                 {QStringLiteral("template"), podTemplate}}}};
        const launchdeck::test::KubeAnswer created =
            server.request("POST", QStringLiteral("/apis/apps/v1/namespaces/default/deployments"),
                           QJsonDocument(deployment).toJson());
        QVERIFY2(created.status == 201, created.body.constData());

        const QString dataHome = dir.filePath(QStringLiteral("data"));
        const auto pairOf = [](const Run& run, const QString& environment) {
            for (const QJsonValue& pair :
                 QJsonDocument::fromJson(run.out.toUtf8())[u"pairs"].toArray()) {
                if (pair[u"environment"].toString() == environment)
                    return pair.toObject();
            }
            return QJsonObject();
        };
        Run run;
        // The fake's pods take a moment to become Ready; "starting" until then.
        for (int attempt = 0; attempt < 60; ++attempt) {
            run = runLaunchdeck({QStringLiteral("status"), QStringLiteral("--workspace"),
                                 dir.path(), QStringLiteral("--json")},
                                {}, dataHome);
            if (pairOf(run, QStringLiteral("staging"))[u"health"].toString() == u"healthy")
                break;
            QTest::qWait(500);
        }
        QCOMPARE(run.exitCode, 1);
        const QJsonObject staging = pairOf(run, QStringLiteral("staging"));
        QVERIFY2(staging[u"health"].toString() == u"healthy", qPrintable(run.out + run.err));
        QCOMPARE(staging[u"live"][u"revision"].toInt(), 1);
        QCOMPARE(staging[u"live"][u"image"].toString(), u"shop/web:1.0");
        QCOMPARE(staging[u"running_replicas"].toInt(), 2);
        QCOMPARE(staging[u"desired_replicas"].toInt(), 2);
        QVERIFY(!staging.contains(u"host_error"));
        const QJsonObject production = pairOf(run, QStringLiteral("production"));
        QCOMPARE(production[u"health"].toString(), u"unknown");
        QVERIFY2(production[u"host_error"].toString().startsWith(
                     u"cluster gone (https://127.0.0.1:1): "),
                 qPrintable(production[u"host_error"].toString()));
        QVERIFY(!run.out.contains(u"not-a-secret") && !run.err.contains(u"not-a-secret"));
    }

    void pipelineListAndRun()
    {
        QTemporaryDir workspace;
        QTemporaryDir data;
        QDir(workspace.path()).mkdir(QStringLiteral("pipelines"));
        write(workspace.filePath(QStringLiteral("pipelines/ok.yaml")),
              "name: ok\nsecrets: [LD_TEST_SECRET]\nsteps:\n"
              "  - {name: greet, run: 'echo hello; echo \"token=$LD_TEST_SECRET\"'}\n"
              "  - {name: after, needs: [greet], run: echo done}\n");
        write(workspace.filePath(QStringLiteral("pipelines/broken.yaml")),
              "name: broken\nsteps:\n  - {name: a, run: 'exit 3'}\n");
        const Run list = runLaunchdeck(
            {QStringLiteral("pipeline"), QStringLiteral("list"), QStringLiteral("--json")},
            workspace.path(), data.path());
        QCOMPARE(list.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(list.out.toUtf8()).array().size(), 2);

        qputenv("LD_TEST_SECRET", "s3cr3t-value");
        const Run ok =
            runLaunchdeck({QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("ok")},
                          workspace.path(), data.path());
        qunsetenv("LD_TEST_SECRET");
        QVERIFY2(ok.exitCode == 0, qPrintable(ok.out + ok.err));
        QVERIFY(ok.out.contains(QStringLiteral("[greet] hello")));
        QVERIFY(ok.out.contains(QStringLiteral("[after] done")));
        QVERIFY2(!ok.out.contains(QStringLiteral("s3cr3t-value")), qPrintable(ok.out));
        QVERIFY(ok.out.contains(QStringLiteral("token=")));

        const Run failed = runLaunchdeck({QStringLiteral("pipeline"), QStringLiteral("run"),
                                          QStringLiteral("broken"), QStringLiteral("--json")},
                                         workspace.path(), data.path());
        QCOMPARE(failed.exitCode, 1);
        const QStringList events = failed.out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(events.size() >= 3);
        const QJsonObject last = QJsonDocument::fromJson(events.last().toUtf8()).object();
        QCOMPARE(last[u"event"].toString(), QStringLiteral("run_finished"));
        QCOMPARE(last[u"status"].toString(), QStringLiteral("failed"));

        QCOMPARE(runLaunchdeck(
                     {QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("nope")},
                     workspace.path(), data.path())
                     .exitCode,
                 2);
    }

    void pipelineInterruptCancelsTheTree()
    {
        QTemporaryDir workspace;
        QTemporaryDir data;
        QDir(workspace.path()).mkdir(QStringLiteral("pipelines"));
        const QString marker = QStringLiteral("ldmark%1").arg(QCoreApplication::applicationPid());
        write(workspace.filePath(QStringLiteral("pipelines/slow.yaml")),
              QStringLiteral("name: slow\nsteps:\n  - {name: wait, run: 'echo started; sleep 300 & "
                             "sleep 301 & wait', "
                             "env: {MARK: %1}}\n")
                  .arg(marker)
                  .toUtf8());
        QProcess process;
        process.setProgram(QStringLiteral(LAUNCHDECK_BINARY));
        process.setArguments(
            {QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("slow")});
        process.setWorkingDirectory(workspace.path());
        process.setProcessEnvironment(cliEnvironment(data.path()));
        process.start();
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += process.readAllStandardOutput()).contains("started"),
                                 20'000);
        ::kill(static_cast<pid_t>(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(20'000));
        QCOMPARE(process.exitCode(), 130);
        // No process of the run is left: none carries the step's marker in its environment.
        QTRY_VERIFY_WITH_TIMEOUT(processesWithMarker(marker) == 0, 10'000);
    }

    void pipelineJsonTellsNotesFromOutput()
    {
        QTemporaryDir workspace;
        QTemporaryDir data;
        QDir(workspace.path()).mkdir(QStringLiteral("pipelines"));
        write(workspace.filePath(QStringLiteral("pipelines/count.yaml")),
              "name: count\nenv: {LEVEL: pipeline}\nsteps:\n"
              "  - {name: seq, env: {LEVEL: step}, run: 'seq 3; echo \"level=$LEVEL\"'}\n");
        const Run run = runLaunchdeck({QStringLiteral("pipeline"), QStringLiteral("run"),
                                       QStringLiteral("count"), QStringLiteral("--json"),
                                       QStringLiteral("--env"), QStringLiteral("LEVEL=cli")},
                                      workspace.path(), data.path());
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QStringList lines;
        QList<int> numbers;
        QStringList notes;
        for (const QString& text : run.out.split(u'\n', Qt::SkipEmptyParts)) {
            const QJsonObject event = QJsonDocument::fromJson(text.toUtf8()).object();
            if (event[u"step"].toString() != u"seq")
                continue;
            if (event[u"event"].toString() == u"line") {
                lines.append(event[u"text"].toString());
                numbers.append(event[u"number"].toInt());
            } else if (event[u"event"].toString() == u"note") {
                QVERIFY(!event.contains(u"number"));
                notes.append(event[u"text"].toString());
            }
        }
        // The step's lines are its output alone; a value given at run time wins over the step's.
        QCOMPARE(lines, (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"),
                                     QStringLiteral("level=cli")}));
        QCOMPARE(numbers, (QList<int>{1, 2, 3, 4}));
        QCOMPARE(notes.size(), 1);
        QVERIFY2(notes.first().startsWith(QStringLiteral("seq succeeded after")),
                 qPrintable(notes.first()));

        // As text: the output on standard output, the note on standard error.
        const Run text = runLaunchdeck(
            {QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("count")},
            workspace.path(), data.path());
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QStringLiteral("[seq] 3\n[seq] level=step\n")),
                 qPrintable(text.out));
        QVERIFY2(!text.out.contains(QStringLiteral("succeeded after")), qPrintable(text.out));
        QVERIFY2(text.err.contains(QStringLiteral("[seq] seq succeeded after")),
                 qPrintable(text.err));
    }

    void renderReportsTemplateErrors()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("t.yaml")),
              "name: t\nversion: 1.0.0\nprovider: kubernetes\nresources:\n"
              "  - name: web\n    type: compute\n    configuration:\n      image: "
              "\"shop/web:${missing}\"\n");
        const Run run =
            runLaunchdeck({QStringLiteral("render"), dir.filePath(QStringLiteral("t.yaml")),
                           QStringLiteral("--to"), QStringLiteral("kubernetes")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("t.yaml:8:")), qPrintable(run.err));
        QVERIFY(run.err.contains(QStringLiteral("undefined-variable")));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
