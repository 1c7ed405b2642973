// Build on deploy: an application's `build:` is read and checked with the workspace, the
// Dockerfile's base images are found, a version neither the host nor a registry has is built in
// VALIDATING with the daemon's output in the job's log, a base image the host cannot get stops
// the deploy naming it and how to provide it, and the sample workspace's very first deploy
// succeeds on a private dockerd with its base image provided as an offline machine would.
#include "deploy/imagebuild.h"
#include "docker/dockerimagetransfer.h"
#include "fakes/deploytestbed.h"
#include "fakes/testfiles.h"

#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::deploy;
using namespace launchdeck::test;

namespace {

const QString kSample = QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample");

QString findingsOf(const DeployTestBed& bed, const QString& id)
{
    const std::optional<DeploymentRecord> record = bed.ledger()->get(id);
    QStringList findings;
    if (record)
        for (const ValidationResult& result : record->validations)
            findings.append(result.rule + u": " + result.message);
    return findings.join(u'\n');
}

quint16 freePort()
{
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost) ? server.serverPort() : 0;
}

std::optional<Workspace> load(const QString& root, Diagnostics* out)
{
    return loadWorkspace(root, *out);
}

QString rules(const Diagnostics& out)
{
    QStringList all;
    for (const Diagnostic& d : out)
        all.append(d.rule + u": " + d.message);
    return all.join(u'\n');
}

} // namespace

class TestDeployBuild final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DeployTestBed> m_bed;
    QTemporaryDir m_folders;

private Q_SLOTS:
    void baseImagesOfADockerfile()
    {
        const QString dockerfile =
            QStringLiteral("# syntax comment\n"
                           "ARG BASE=busybox\n"
                           "ARG TAG\n"
                           "FROM --platform=linux/amd64 ${BASE}:${TAG:-1.36} AS build\n"
                           "RUN echo \\\n"
                           "  FROM not-an-instruction\n"
                           "from build AS test\n"
                           "FROM scratch\n"
                           "FROM registry.example.com:5000/base/run:$TAG\n"
                           "FROM $UNKNOWN/image\n"
                           "FROM busybox:1.36\n");
        // Without arguments $TAG is empty: that reference cannot be checked before the build.
        QCOMPARE(dockerfileBaseImages(dockerfile, {}), QStringList({u"busybox:1.36"_qs}));
        // A build argument overrides the ARG default; an empty default falls back to :-.
        QCOMPARE(
            dockerfileBaseImages(dockerfile, {{u"BASE"_qs, u"alpine"_qs}, {u"TAG"_qs, u"3"_qs}}),
            QStringList(
                {u"alpine:3"_qs, u"registry.example.com:5000/base/run:3"_qs, u"busybox:1.36"_qs}));
    }

    void buildIsReadAndChecked()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(u"apps/web"_qs));
        QVERIFY(writeFile(dir.filePath(u"apps/web/web.Dockerfile"_qs), "FROM busybox:1.36\n"));
        const QByteArray head = "version: 1\nname: t\ntargets:\n  d:\n    type: docker\n"
                                "    host: unix:///run/none.sock\nenvironments:\n  dev:\n"
                                "    target: d\napplications:\n";
        QVERIFY(writeFile(dir.filePath(u"launchdeck.yaml"_qs),
                          head + "  web:\n    image: shop/web\n    version: '1'\n    build:\n"
                                 "      context: apps/web\n      dockerfile: web.Dockerfile\n"
                                 "      args: {A: '1', B: two}\n"));
        Diagnostics out;
        std::optional<Workspace> ws = load(dir.path(), &out);
        QVERIFY2(ws && out.isEmpty(), qPrintable(rules(out)));
        const Application* web = ws->application(u"web");
        QVERIFY(web && web->build);
        QCOMPARE(web->build->context, u"apps/web"_qs);
        QCOMPARE(web->build->dockerfile, u"web.Dockerfile"_qs);
        QCOMPARE(web->build->args.size(), 2);
        QCOMPARE(web->build->args[1].second, u"two"_qs);

        // A folder that is not there, a Dockerfile that is not in it, a context outside the
        // workspace and an unknown key each get a finding at the build.
        QVERIFY(writeFile(dir.filePath(u"launchdeck.yaml"_qs),
                          head + "  a:\n    image: shop/a\n    build: {context: apps/gone}\n"
                                 "  b:\n    image: shop/b\n    build: {context: apps/web}\n"
                                 "  c:\n    image: shop/c\n    build: {context: ../elsewhere}\n"
                                 "  d:\n    image: shop/d\n    build: {context: apps/web, "
                                 "dockerfile: web.Dockerfile, target: x}\n"));
        out.clear();
        ws = load(dir.path(), &out);
        const QString found = rules(out);
        QVERIFY2(found.contains(u"missing-build-context: build context 'apps/gone' of 'a' is not "
                                u"a folder of the workspace"),
                 qPrintable(found));
        QVERIFY2(found.contains(u"missing-dockerfile: build of 'b' names Dockerfile, which is not "
                                u"in apps/web"),
                 qPrintable(found));
        QVERIFY2(found.contains(u"context of build of 'c' must be a folder inside the workspace"),
                 qPrintable(found));
        QVERIFY2(found.contains(u"target"), qPrintable(found));
    }

    void initTestCase()
    {
        QString error;
        m_bed = std::make_unique<DeployTestBed>();
        QVERIFY2(m_bed->start(&error), qPrintable(error));
    }

    void cleanupTestCase() { m_bed.reset(); }

    void aMissingBaseImageIsNamed()
    {
        // A base image from a registry that cannot exist, as Docker Hub is for a machine that
        // cannot reach it.
        DeployAppOptions options;
        options.application = u"built"_qs;
        options.image = u"shop/built"_qs;
        options.strategy = u"recreate"_qs;
        options.traffic = false;
        std::optional<DeployWorkspace> ws = m_bed->workspace(options);
        QVERIFY(ws);
        Workspace& workspace = ws->context.workspace;
        QVERIFY(QDir(workspace.root).mkpath(u"unreachable"_qs));
        QVERIFY(writeFile(workspace.root + u"/unreachable/Dockerfile"_qs,
                          "FROM registry.launchdeck.invalid/base/run:7\nCMD [\"true\"]\n"));
        for (Application& app : workspace.applications)
            if (app.name == options.application)
                app.build = BuildSpec{u"unreachable"_qs, u"Dockerfile"_qs, {}, 0};
        const DeployOutcome outcome =
            DeployTestBed::run(ws->context, deployRequest(options.application, u"1.0"_qs));
        QVERIFY_OUTCOME(outcome, DeploymentStatus::Failed);
        const QString findings = findingsOf(*m_bed, outcome.id);
        QVERIFY2(findings.contains(u"image-build: image shop/built:1.0 is not on "),
                 qPrintable(findings));
        QVERIFY2(findings.contains(u"the base image registry.launchdeck.invalid/base/run:7 of "),
                 qPrintable(findings));
        QVERIFY2(findings.contains(u"docker load"), qPrintable(findings));
        // The pull of the image itself was tried first and said why it failed.
        QVERIFY2(outcome.transcript().contains(u"building it from the workspace"),
                 qPrintable(outcome.transcript()));
        QVERIFY(!m_bed->docker().client().inspectImage(u"shop/built:1.0"_qs)->has_value());
    }

    void theSamplesFirstDeploySucceeds()
    {
        // The sample as a new user has it, its Docker target on the private daemon and its
        // loopback ports free ones of this run; no Prometheus answers.
        const QString root = m_folders.filePath(u"sample"_qs);
        QVERIFY(copyTree(kSample, root));
        QByteArray yaml = readFile(root + u"/launchdeck.yaml"_qs);
        yaml.replace("unix:///var/run/docker.sock", m_bed->docker().daemon().host().toUtf8());
        const QByteArray closed = QByteArray::number(freePort());
        for (const char* port : {"9090", "9093"})
            yaml.replace(QByteArray(QByteArray("127.0.0.1:") + port),
                         QByteArray(QByteArray("127.0.0.1:") + closed));
        for (const char* port : {"8080", "8081", "8082", "8404", "8405", "8406"})
            yaml.replace(QByteArray(port), QByteArray::number(freePort()));
        // Shorter waits than a person would keep: the same stages, a suite's time.
        yaml.replace("monitor: 2m", "monitor: 3s");
        yaml.replace("duration: 15s", "duration: 2s");
        QVERIFY(writeFile(root + u"/launchdeck.yaml"_qs, yaml));
        Diagnostics out;
        const std::optional<Workspace> workspace = load(root, &out);
        QVERIFY2(workspace, qPrintable(rules(out)));

        // What the harness does for an offline machine: the base image provided under its name.
        QVERIFY(tagImage(m_bed->docker().endpoint(), {}, u"busybox:local"_qs, u"busybox:1.36"_qs));

        DeploymentContext context;
        context.workspace = *workspace;
        context.dataDir = m_bed->dataDir();
        context.ledger = m_bed->ledger();
        context.useKeyring = false;
        const Application* web = workspace->application(u"web");
        QVERIFY(web);
        // The Deploy dialog's preview says what VALIDATING will do.
        const Result<DeploymentPreview> preview =
            previewDeployment(context, deployRequest(u"web"_qs, web->version, u"development"_qs));
        QVERIFY(preview);
        QVERIFY2(preview->notes.join(u'\n').contains(
                     u"VALIDATING pulls it from docker.io, or builds it from apps/web"),
                 qPrintable(preview->notes.join(u'\n')));
        const DeployOutcome outcome =
            DeployTestBed::run(context, deployRequest(u"web"_qs, web->version, u"development"_qs),
                               std::chrono::minutes(4));
        QVERIFY_OUTCOME(outcome, DeploymentStatus::Completed);
        const QString log = outcome.transcript();
        QVERIFY2(log.contains(u"building storefront/web:1.4.2 from apps/web/Dockerfile"),
                 qPrintable(log));
        QVERIFY2(log.contains(u"base image busybox:1.36 is on the host"), qPrintable(log));
        QVERIFY2(log.contains(QRegularExpression(u"Step 1/\\d+ : FROM busybox:1.36"_qs)),
                 qPrintable(log));
        const auto inspect = m_bed->docker().client().inspectImage(u"storefront/web:1.4.2"_qs);
        QVERIFY(inspect && inspect->has_value());
        QCOMPARE((**inspect)[u"Config"][u"Labels"][u"org.opencontainers.image.title"].toString(),
                 u"Storefront"_qs);
        const Environment* development = workspace->environment(u"development");
        QVERIFY(development);
        const QString entry = u"http://"_qs + development->trafficListen + u"/healthz"_qs;
        QVERIFY2(waitForBody(entry, u"ok"_qs), qPrintable(entry));
        m_bed->clearHost();
    }
};

QTEST_MAIN(TestDeployBuild)
#include "tst_deploybuild.moc"
