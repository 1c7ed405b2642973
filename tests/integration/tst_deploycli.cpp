// `launchdeck deploy`, `rollback` and `status` as CI runs them, against a private dockerd and the
// HAProxy entry point they start: exit codes, JSON, the protected environment's confirmation,
// and the binary killed with SIGKILL at each stage of a deployment, then reconciled.
#include "deploy/deploymentledger.h"
#include "fakes/cliprocess.h"
#include "fakes/deploytestbed.h"
#include "fakes/httpget.h"
#include "store/historystore.h"
#include "traffic/haproxyprocess.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace launchdeck;
using namespace launchdeck::test;

namespace {

const QString kBinary = QStringLiteral(LAUNCHDECK_BINARY);

// The body of a GET through the entry point, or "status N" / why no answer came.
QString fetch(const QString& url)
{
    const HttpAnswer answer = httpGet(url, std::chrono::seconds(5));
    if (answer.status == 0)
        return answer.error;
    if (answer.status != 200)
        return QStringLiteral("status ") + QString::number(answer.status);
    return answer.text();
}

QJsonObject jsonOf(const QString& text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

// Stops the HAProxy instances the binary started under its data folder.
void stopEntryPoints(const QString& dataDir)
{
    const QDir traffic(dataDir + QStringLiteral("/traffic"));
    for (const QString& name : traffic.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const traffic::HaproxyFolder folder{traffic.filePath(name)};
        if (Result<traffic::HaproxyProcess> running = traffic::HaproxyProcess::attach(folder))
            QVERIFY(running.value().stop().ok());
    }
}

} // namespace

class TestDeployCli final : public QObject
{
    Q_OBJECT

private:
    DeployTestBed m_bed;
    std::optional<DeployWorkspace> m_workspace;
    std::vector<std::unique_ptr<QTemporaryDir>> m_homes;

    // A fresh data folder (database, entry points) for one scenario.
    QString newHome()
    {
        m_homes.push_back(std::make_unique<QTemporaryDir>());
        return m_homes.back()->path();
    }

    CliRun cli(const QString& home, QStringList arguments)
    {
        arguments.prepend(m_workspace->context.workspace.root);
        arguments.prepend(QStringLiteral("--workspace"));
        return runCli(kBinary, arguments, {}, home, std::chrono::seconds(240));
    }

    // Deploys `version` to staging and expects it to complete.
    void deploy(const QString& home, const QString& version)
    {
        const CliRun run =
            cli(home, {QStringLiteral("deploy"), QStringLiteral("app"), QStringLiteral("--env"),
                       QStringLiteral("staging"), QStringLiteral("--version"), version});
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QVERIFY2(run.out.startsWith(u"COMPLETED"), qPrintable(run.out));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_bed.start(&error), qPrintable(error));
        DeployAppOptions options;
        options.workspace = QStringLiteral("clitest");
        options.monitor = QStringLiteral("4s");
        options.scaleDownDelay = QStringLiteral("1s");
        m_workspace = m_bed.workspace(options, &error);
        QVERIFY2(m_workspace, qPrintable(error));
    }

    // Each scenario starts from nothing: no entry point on the port, no container of the app.
    void cleanup()
    {
        for (const auto& home : m_homes)
            stopEntryPoints(cliDataDir(home->path()));
        const auto all = m_bed.docker().client().containers(
            true, QJsonObject{{QStringLiteral("label"),
                               QJsonArray{QStringLiteral("launchdeck.application=app")}}});
        QVERIFY(all.ok());
        for (const DockerContainer& container : *all)
            QVERIFY(m_bed.docker().client().removeContainer(container.id, true).ok());
    }

    void protectedEnvironmentNeedsItsName()
    {
        const QString home = newHome();
        const QStringList base{QStringLiteral("deploy"),    QStringLiteral("app"),
                               QStringLiteral("--env"),     QStringLiteral("production"),
                               QStringLiteral("--version"), QStringLiteral("v1")};
        CliRun run = cli(home, base);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(u"environment 'production' is protected") &&
                     run.err.contains(u"--confirm production"),
                 qPrintable(run.err));
        run = cli(home,
                  base + QStringList{QStringLiteral("--confirm"), QStringLiteral("Production")});
        QCOMPARE(run.exitCode, 2);
        run = cli(home, {QStringLiteral("rollback"), QStringLiteral("app"), QStringLiteral("--env"),
                         QStringLiteral("production"), QStringLiteral("--reason"),
                         QStringLiteral("test")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains(u"protected"));
        // Nothing was recorded, nothing started.
        const CliRun history = cli(home, {QStringLiteral("history"), QStringLiteral("--json")});
        QCOMPARE(history.exitCode, 0);
        QVERIFY(jsonOf(history.out).value(u"deployments").toArray().isEmpty());
    }

    void badUsage()
    {
        const QString home = newHome();
        QCOMPARE(cli(home, {QStringLiteral("deploy"), QStringLiteral("app")}).exitCode, 2);
        QCOMPARE(cli(home, {QStringLiteral("deploy"), QStringLiteral("nope"),
                            QStringLiteral("--env"), QStringLiteral("staging")})
                     .exitCode,
                 2);
        QCOMPARE(cli(home, {QStringLiteral("deploy"), QStringLiteral("app"),
                            QStringLiteral("--env"), QStringLiteral("staging"),
                            QStringLiteral("--strategy"), QStringLiteral("sideways")})
                     .exitCode,
                 2);
        const CliRun noReason = cli(home, {QStringLiteral("rollback"), QStringLiteral("app"),
                                           QStringLiteral("--env"), QStringLiteral("staging")});
        QCOMPARE(noReason.exitCode, 2);
        QVERIFY(noReason.err.contains(u"--reason"));
    }

    void deployStatusRollbackHistory()
    {
        const QString home = newHome();
        const QString entry = m_workspace->entryUrl;

        const CliRun first =
            cli(home, {QStringLiteral("deploy"), QStringLiteral("app"), QStringLiteral("--env"),
                       QStringLiteral("staging"), QStringLiteral("--version"), QStringLiteral("v1"),
                       QStringLiteral("--json")});
        QVERIFY2(first.exitCode == 0, qPrintable(first.out + first.err));
        const QJsonObject result = jsonOf(first.out);
        QCOMPARE(result.value(u"status").toString(), QStringLiteral("COMPLETED"));
        const QJsonObject record = result.value(u"deployment").toObject();
        QStringList stages;
        for (const QJsonValue& t : record.value(u"transitions").toArray())
            stages.append(t.toObject().value(u"stage").toString());
        QCOMPARE(stages, (QStringList{QStringLiteral("INITIALIZED"), QStringLiteral("VALIDATING"),
                                      QStringLiteral("TESTING"), QStringLiteral("DEPLOYING"),
                                      QStringLiteral("MONITORING"), QStringLiteral("COMPLETED")}));
        // Progress went to stderr as JSON lines, one per event.
        QVERIFY(first.err.contains(u"\"event\":\"stage\""));
        QCOMPARE(fetch(entry), QStringLiteral("v1"));

        deploy(home, QStringLiteral("v2"));
        QCOMPARE(fetch(entry), QStringLiteral("v2"));

        const CliRun status = cli(home, {QStringLiteral("status"), QStringLiteral("--json")});
        QVERIFY2(status.exitCode == 0, qPrintable(status.err));
        bool seen = false;
        for (const QJsonValue& value : jsonOf(status.out).value(u"pairs").toArray()) {
            const QJsonObject pair = value.toObject();
            if (pair.value(u"environment").toString() != u"staging")
                continue;
            seen = true;
            QCOMPARE(pair.value(u"live").toObject().value(u"revision").toInt(), 2);
            QCOMPARE(pair.value(u"live").toObject().value(u"image").toString(),
                     QStringLiteral("app:v2"));
            QCOMPARE(pair.value(u"health").toString(), QStringLiteral("healthy"));
            QCOMPARE(pair.value(u"running_replicas").toInt(), 1);
        }
        QVERIFY(seen);
        const CliRun table = cli(home, {QStringLiteral("status"), QStringLiteral("app")});
        QVERIFY(table.out.contains(u"r2 app:v2"));

        const CliRun rollback =
            cli(home, {QStringLiteral("rollback"), QStringLiteral("app"), QStringLiteral("--env"),
                       QStringLiteral("staging"), QStringLiteral("--reason"),
                       QStringLiteral("v2 answers slowly")});
        QVERIFY2(rollback.exitCode == 0, qPrintable(rollback.out + rollback.err));
        QVERIFY2(rollback.out.contains(u"r2 app:v2 → r1 app:v1"), qPrintable(rollback.out));
        QCOMPARE(fetch(entry), QStringLiteral("v1"));

        const CliRun history = cli(home, {QStringLiteral("history"), QStringLiteral("--json")});
        const QJsonArray deployments = jsonOf(history.out).value(u"deployments").toArray();
        QCOMPARE(deployments.size(), 3);
        QCOMPARE(deployments.at(0).toObject().value(u"kind").toString(),
                 QStringLiteral("rollback"));
        QCOMPARE(deployments.at(0).toObject().value(u"reason").toString(),
                 QStringLiteral("v2 answers slowly"));
        QCOMPARE(cli(home, {QStringLiteral("history"), QStringLiteral("--verify")}).exitCode, 0);
    }

    void failedDeploymentExitsOne()
    {
        const QString home = newHome();
        const CliRun run = cli(home, {QStringLiteral("deploy"), QStringLiteral("app"),
                                      QStringLiteral("--env"), QStringLiteral("staging"),
                                      QStringLiteral("--version"), QStringLiteral("v9")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.startsWith(u"FAILED"), qPrintable(run.out));
        QVERIFY2(run.err.contains(u"app:v9 is not on"), qPrintable(run.err));
    }

    void killedAtEachStage_data()
    {
        QTest::addColumn<QString>("stage");
        QTest::newRow("validating") << QStringLiteral("VALIDATING");
        QTest::newRow("testing") << QStringLiteral("TESTING");
        QTest::newRow("deploying") << QStringLiteral("DEPLOYING");
        QTest::newRow("monitoring") << QStringLiteral("MONITORING");
    }

    void killedAtEachStage()
    {
        QFETCH(QString, stage);
        const QString home = newHome();
        deploy(home, QStringLiteral("v1"));

        QProcess process;
        process.setProgram(kBinary);
        process.setArguments({QStringLiteral("--workspace"), m_workspace->context.workspace.root,
                              QStringLiteral("deploy"), QStringLiteral("app"),
                              QStringLiteral("--env"), QStringLiteral("staging"),
                              QStringLiteral("--version"), QStringLiteral("v2"),
                              QStringLiteral("--json")});
        process.setProcessEnvironment(cliEnvironment(home));
        process.start();
        QByteArray progress;
        const QByteArray wanted = "\"stage\":\"" + stage.toLatin1() + "\"";
        QTRY_VERIFY2_WITH_TIMEOUT((progress += process.readAllStandardError()).contains(wanted),
                                  progress.constData(), 120'000);
        ::kill(pid_t(process.processId()), SIGKILL);
        QVERIFY(process.waitForFinished(10'000));
        QCOMPARE(process.exitStatus(), QProcess::CrashExit);

        // The next command reconciles: the deployment is marked interrupted, v1 serves, nothing
        // of revision 2 is left, and the audit chain is whole.
        const CliRun status = cli(home, {QStringLiteral("status"), QStringLiteral("--json")});
        QVERIFY2(status.exitCode == 0, qPrintable(status.err));
        QVERIFY2(status.err.contains(u"reconciled deployment"), qPrintable(status.err));
        int stagingPairs = 0;
        for (const QJsonValue& value : jsonOf(status.out).value(u"pairs").toArray()) {
            const QJsonObject pair = value.toObject();
            if (pair.value(u"environment").toString() != u"staging" ||
                pair.value(u"application").toString() != u"app")
                continue;
            ++stagingPairs;
            QVERIFY(!pair.contains(u"running"));
            QCOMPARE(pair.value(u"live").toObject().value(u"revision").toInt(), 1);
            QCOMPARE(pair.value(u"serving_revision").toInt(), 1);
        }
        QVERIFY2(stagingPairs == 1, qPrintable(status.out));
        const QJsonArray deployments =
            jsonOf(cli(home, {QStringLiteral("history"), QStringLiteral("--json")}).out)
                .value(u"deployments")
                .toArray();
        QCOMPARE(deployments.size(), 2);
        const QJsonObject cut = deployments.at(0).toObject();
        QCOMPARE(cut.value(u"status").toString(), QStringLiteral("INTERRUPTED"));
        QVERIFY2(cut.value(u"message").toString().contains(u"interrupted at"),
                 qPrintable(cut.value(u"message").toString()));
        QCOMPARE(cli(home, {QStringLiteral("history"), QStringLiteral("--verify")}).exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(fetch(m_workspace->entryUrl), QStringLiteral("v1"), 20'000);

        QJsonObject filters{{QStringLiteral("label"),
                             QJsonArray{QStringLiteral("launchdeck.revision=2"),
                                        QStringLiteral("launchdeck.environment=staging")}}};
        const auto leftovers = m_bed.docker().client().containers(true, filters);
        QVERIFY(leftovers.ok());
        QStringList names;
        for (const DockerContainer& container : *leftovers)
            names.append(container.name);
        QVERIFY2(names.isEmpty(), qPrintable(names.join(u", ")));

        // The next deployment goes through as usual.
        deploy(home, QStringLiteral("v2"));
        QCOMPARE(fetch(m_workspace->entryUrl), QStringLiteral("v2"));
    }
};

QTEST_GUILESS_MAIN(TestDeployCli)
#include "tst_deploycli.moc"
