// The recreate strategy against a real dockerd and HAProxy: behind a traffic entry point, its
// rollback when the new revision never becomes healthy, and what it repairs on the way: a
// leftover container holding a new one's name, the environment's network removed by hand, a
// daemon restarted since the API version was negotiated.
#include "deploy/containerplan.h"
#include "deploy/deploymentengine.h"
#include "fakes/deploytestbed.h"
#include "fakes/dockerrelay.h"
#include "fakes/httpget.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace launchdeck;
using namespace launchdeck::deploy;
using launchdeck::test::DeployAppOptions;
using launchdeck::test::DeployOutcome;
using launchdeck::test::deployRequest;
using launchdeck::test::DeployTestBed;
using launchdeck::test::DeployWorkspace;
using launchdeck::test::DockerCall;
using launchdeck::test::DockerRelay;
using launchdeck::test::DockerTestBed;
using launchdeck::test::waitForBody;

namespace {

using namespace std::chrono_literals;

const QString kStaging = QStringLiteral("staging");

// Where in the job's log the first line starting with `prefix` is; -1 when none does.
qsizetype logIndex(const DeployOutcome& outcome, const QString& prefix)
{
    for (qsizetype i = 0; i < outcome.events.size(); ++i) {
        const DeploymentEvent& event = outcome.events.at(i);
        if (event.kind == DeploymentEvent::Kind::Log && event.text.startsWith(prefix))
            return i;
    }
    return -1;
}

QString name(const QString& application, int revision, const QString& group, int replica = 1)
{
    return containerName(ContainerIdentity{application, kStaging, revision, {}, group, replica});
}

QStringList callKinds(const QList<DockerCall>& calls)
{
    QStringList kinds;
    for (const DockerCall& call : calls)
        kinds.append(call.kind());
    return kinds;
}

} // namespace

class TestDeployRecreate final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DeployTestBed> m_bed;

    std::optional<DeployWorkspace> workspace(const QString& application,
                                             const QString& healthPath = QStringLiteral("/healthz"),
                                             int replicas = 1)
    {
        DeployAppOptions options;
        options.workspace = application;
        options.application = application;
        options.strategy = QStringLiteral("recreate");
        options.replicas = replicas;
        options.healthPath = healthPath;
        options.monitor = QStringLiteral("1s");
        QString error;
        std::optional<DeployWorkspace> made = m_bed->workspace(options, &error);
        if (!made)
            qWarning("%s", qPrintable(error));
        return made;
    }

    // The docker CLI on the test daemon: true when it exited with 0, else says what it printed.
    bool dockerCli(const QStringList& arguments, QString* output)
    {
        QProcess docker;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("DOCKER_HOST"), m_bed->docker().daemon().host());
        docker.setProcessEnvironment(environment);
        docker.setProcessChannelMode(QProcess::MergedChannels);
        docker.start(QStringLiteral("docker"), arguments);
        const bool ended = docker.waitForFinished(60'000);
        *output = u"docker " + arguments.join(u' ') + u": " +
                  QString::fromUtf8(docker.readAll()).trimmed();
        return ended && docker.exitStatus() == QProcess::NormalExit && docker.exitCode() == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_bed = std::make_unique<DeployTestBed>();
        QString error;
        QVERIFY2(m_bed->start(&error), qPrintable(error));
    }

    void cleanup() { m_bed->clearHost(); }

    void cleanupTestCase() { m_bed.reset(); }

    void replacesBehindTheEntryPoint()
    {
        const QString app = QStringLiteral("swapped");
        const auto ws = workspace(app, QStringLiteral("/healthz"), 2);
        QVERIFY(ws);
        const DeployOutcome first =
            DeployTestBed::run(ws->context, deployRequest(app, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1")));

        const DeployOutcome second =
            DeployTestBed::run(ws->context, deployRequest(app, QStringLiteral("v2")));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(launchdeck::test::httpGet(ws->entryUrl).text(), QStringLiteral("v2"));
        // Both replicas of revision 2 run, nothing of revision 1 is left, stopped or not.
        const QList<PairContainer> all = m_bed->containers(app);
        QCOMPARE(all.size(), 2);
        for (const PairContainer& container : all) {
            QCOMPARE(container.identity.revision, 2);
            QVERIFY2(container.isRunning(), qPrintable(container.name + u' ' + container.state));
        }
        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(second.id);
        QVERIFY(record);
        QCOMPARE(record->status, std::optional(DeploymentStatus::Completed));
        QCOMPARE(record->strategy, QStringLiteral("recreate"));
        QVERIFY(!record->transitions.isEmpty());
        QCOMPARE(record->transitions.last().stage, DeploymentStage::Completed);
        // The old ones stop before the new ones start, and go only once those are healthy.
        const qsizetype stopped =
            logIndex(second, u"stopped " + name(app, 1, QStringLiteral("blue"), 2));
        const qsizetype started =
            logIndex(second, u"started " + name(app, 2, QStringLiteral("green")));
        const qsizetype healthy =
            logIndex(second, name(app, 2, QStringLiteral("green"), 2) + u" is healthy");
        const qsizetype removed =
            logIndex(second, u"removed " + name(app, 1, QStringLiteral("blue")));
        QVERIFY2(stopped >= 0 && started > stopped && healthy > started && removed > healthy,
                 qPrintable(second.transcript()));
    }

    void unhealthyRevisionRollsBackBehindTheEntryPoint()
    {
        // Health on "/": app:v3 answers it with 500 and never becomes healthy.
        const QString app = QStringLiteral("unhealthy");
        const auto ws = workspace(app, QStringLiteral("/"));
        QVERIFY(ws);
        const DeployOutcome first =
            DeployTestBed::run(ws->context, deployRequest(app, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1")));

        const DeployOutcome broken =
            DeployTestBed::run(ws->context, deployRequest(app, QStringLiteral("v3")));
        QVERIFY_OUTCOME(broken, DeploymentStatus::RolledBack);
        QVERIFY2(broken.message.contains(QStringLiteral("not healthy")),
                 qPrintable(broken.describe()));
        // v1 had been stopped, not removed, when the health wait gave up: the rollback got past
        // it to a v1 serving through the entry point again.
        QVERIFY2(logIndex(broken, u"stopped " + name(app, 1, QStringLiteral("blue"))) >= 0,
                 qPrintable(broken.transcript()));
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1"), 10s));
        const QList<PairContainer> all = m_bed->containers(app);
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.first().identity.revision, 1);
        QVERIFY(all.first().isRunning());
        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(broken.id);
        QVERIFY(record);
        QCOMPARE(record->status, std::optional(DeploymentStatus::RolledBack));
        QCOMPARE(m_bed->ledger()->latestRevision(app, kStaging)->number, 1);
    }

    void leftoverHoldingTheNameIsRemoved()
    {
        const QString app = QStringLiteral("leftover");
        const auto ws = workspace(app);
        QVERIFY(ws);
        const DeployOutcome first =
            DeployTestBed::run(ws->context, deployRequest(app, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        // What an interrupted deployment could leave: a running container with the name the
        // next revision's container takes, and none of the pair's labels.
        const QString taken = name(app, 2, QStringLiteral("green"));
        const Result<QString> squatter = m_bed->docker().run(
            DockerTestBed::busyboxSpec(taken, {QStringLiteral("sleep"), QStringLiteral("3600")}));
        QVERIFY2(squatter.ok(), qPrintable(squatter ? QString() : squatter.error().toString()));

        const DeployOutcome second =
            DeployTestBed::run(ws->context, deployRequest(app, QStringLiteral("v2")));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        QVERIFY2(logIndex(second, u"removed a leftover container that held the name " + taken) >= 0,
                 qPrintable(second.transcript()));
        QVERIFY(!m_bed->docker().client().inspectContainer(*squatter).ok());
        const QList<PairContainer> live = m_bed->running(app);
        QCOMPARE(live.size(), 1);
        QCOMPARE(live.first().name, taken);
        QCOMPARE(live.first().identity.revision, 2);
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v2"), 10s));
    }

    void missingNetworkIsCreatedAgain()
    {
        const QString app = QStringLiteral("unplugged");
        const auto ws = workspace(app);
        QVERIFY(ws);
        const DeployOutcome first =
            DeployTestBed::run(ws->context, deployRequest(app, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        // Removed by hand: the network keeps its running containers, so they are cut off first.
        const QString network = environmentNetwork(kStaging);
        QString output;
        for (const PairContainer& container : m_bed->running(app))
            QVERIFY2(dockerCli({QStringLiteral("network"), QStringLiteral("disconnect"),
                                QStringLiteral("-f"), network, container.id},
                               &output),
                     qPrintable(output));
        QVERIFY2(dockerCli({QStringLiteral("network"), QStringLiteral("rm"), network}, &output),
                 qPrintable(output));
        const auto networkExists = [&] {
            const Result<QList<DockerNetwork>> networks = m_bed->docker().client().networks();
            return networks &&
                   std::any_of(networks->begin(), networks->end(),
                               [&](const DockerNetwork& n) { return n.name == network; });
        };
        QVERIFY(!networkExists());

        const DeployOutcome second =
            DeployTestBed::run(ws->context, deployRequest(app, QStringLiteral("v2")));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        QVERIFY2(logIndex(second, u"created the missing network " + network) >= 0,
                 qPrintable(second.transcript()));
        QVERIFY(networkExists());
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v2"), 10s));
        const QList<PairContainer> all = m_bed->containers(app);
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.first().identity.revision, 2);
    }

    // Last: the daemon restarts.
    void daemonRestartedBetweenDeployments()
    {
        // The job talks to the daemon through a relay, on an endpoint no other job used: the
        // first deployment negotiates the API version, the second one uses the one remembered
        // from before the restart.
        QTemporaryDir relayFolder;
        QVERIFY(relayFolder.isValid());
        DockerRelay relay(m_bed->docker().daemon().socketPath(),
                          relayFolder.filePath(QStringLiteral("docker.sock")));
        QVERIFY(relay.isListening());
        const QString app = QStringLiteral("restarted");
        auto ws = workspace(app);
        QVERIFY(ws);
        for (Target& target : ws->context.workspace.targets)
            target.host = relay.host();

        const DeployOutcome first =
            DeployTestBed::run(ws->context, deployRequest(app, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY2(callKinds(relay.calls()).contains(QStringLiteral("version")),
                 qPrintable(callKinds(relay.calls()).join(u", ")));
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1")));

        // Stopped as an administrator would, so its containerd is gone too before the new one
        // starts on the same folders.
        m_bed->docker().daemon().stop();
        QString error;
        QVERIFY2(m_bed->docker().daemon().restart(&error), qPrintable(error));
        relay.clear();

        const DeployOutcome second =
            DeployTestBed::run(ws->context, deployRequest(app, QStringLiteral("v2")));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        const QStringList kinds = callKinds(relay.calls());
        QVERIFY2(kinds.contains(QStringLiteral("create")) &&
                     !kinds.contains(QStringLiteral("version")) &&
                     !kinds.contains(QStringLiteral("ping")),
                 qPrintable(kinds.join(u", ")));
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v2"), 10s));
        const QList<PairContainer> live = m_bed->running(app);
        QCOMPARE(live.size(), 1);
        QCOMPARE(live.first().identity.revision, 2);
    }
};

QTEST_GUILESS_MAIN(TestDeployRecreate)
#include "tst_deployrecreate.moc"
