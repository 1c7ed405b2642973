// The status of a pair while a deployment of it runs, against a real dockerd and HAProxy: a
// first deployment in MONITORING reports the revision it rolls out with its healthy replicas,
// and a redeploy reports the live revision and the one rolled out, whose containers serve.
#include "deploy/deploymentengine.h"
#include "fakes/deploytestbed.h"

#include <QTest>

#include <memory>

using namespace launchdeck;
using namespace launchdeck::deploy;
using launchdeck::test::DeployAppOptions;
using launchdeck::test::deployRequest;
using launchdeck::test::DeployTestBed;
using launchdeck::test::DeployWorkspace;

namespace {

using namespace std::chrono_literals;

const QString kStaging = QStringLiteral("staging");
constexpr int kStageTimeoutMs = 180'000;
// Docker's own health check runs in the container with a 1 s timeout: on a busy host one late
// answer reads as unhealthy or starting until the next check passes.
constexpr int kHealthyTimeoutMs = 60'000;

QString describe(const PairStatus& status)
{
    return QStringLiteral("live %1, running %2 at %3, serving r%4, %5 %6/%7, host '%8'")
        .arg(status.live ? QString::number(status.live->number) : QStringLiteral("none"),
             status.running ? QString::number(status.running->to.number) : QStringLiteral("none"),
             status.running ? deploymentStageName(status.running->stage) : QString())
        .arg(status.servingRevision)
        .arg(pairHealthName(status.health))
        .arg(status.runningReplicas)
        .arg(status.desiredReplicas)
        .arg(status.hostError);
}

} // namespace

class TestDeployStatus final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DeployTestBed> m_bed;

    std::optional<DeployWorkspace> workspace(const QString& application)
    {
        return m_bed->monitoredWorkspace(application);
    }

    // Starts `job` and waits until it reports MONITORING.
    static bool reachMonitoring(DeploymentJob& job)
    {
        QObject receiver;
        bool monitoring = false;
        QString transcript;
        connect(&job, &DeploymentJob::reported, &receiver, [&](const DeploymentEvent& event) {
            if (event.kind == DeploymentEvent::Kind::Log ||
                event.kind == DeploymentEvent::Kind::Stage)
                transcript += deploymentStageName(event.stage) + u": " + event.text + u'\n';
            if (event.kind == DeploymentEvent::Kind::Stage &&
                event.stage == DeploymentStage::Monitoring)
                monitoring = true;
        });
        job.start();
        if (!QTest::qWaitFor([&] { return monitoring || !job.isRunning(); }, kStageTimeoutMs) ||
            !monitoring)
            qWarning("no MONITORING:\n%s", qPrintable(transcript));
        return monitoring;
    }

    // The pair's status once Docker calls every serving replica healthy.
    static PairStatus healthyStatus(const DeploymentContext& context, const QString& application)
    {
        PairStatus status;
        const bool healthy = QTest::qWaitFor(
            [&] {
                const QList<PairStatus> statuses = deploymentStatus(context, application, kStaging);
                if (statuses.size() != 1)
                    return false;
                status = statuses.first();
                return status.health == PairStatus::Health::Healthy && status.runningReplicas == 2;
            },
            kHealthyTimeoutMs);
        if (!healthy)
            qWarning("not healthy within %d ms: %s", kHealthyTimeoutMs,
                     qPrintable(describe(status)));
        return status;
    }

    static void cancelAndWait(DeploymentJob& job)
    {
        job.cancel();
        QVERIFY(job.wait(std::chrono::milliseconds(kStageTimeoutMs)));
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

    void firstDeploymentInMonitoring()
    {
        const QString application = QStringLiteral("first");
        const auto ws = workspace(application);
        QVERIFY(ws);
        DeploymentJob job(ws->context, deployRequest(application, QStringLiteral("v1")));
        QVERIFY(reachMonitoring(job));

        const PairStatus status = healthyStatus(ws->context, application);
        QVERIFY2(status.hostError.isEmpty(), qPrintable(status.hostError));
        QVERIFY2(status.running, qPrintable(describe(status)));
        QCOMPARE(status.running->id, job.deploymentId());
        QCOMPARE(status.running->stage, DeploymentStage::Monitoring);
        QCOMPARE(status.running->to, (Revision{1, QStringLiteral("app:v1")}));
        // Nothing completed yet: no live revision, but the revision rolled out serves.
        QVERIFY2(!status.live, qPrintable(describe(status)));
        QCOMPARE(status.servingRevision, 1);
        QVERIFY2(status.health == PairStatus::Health::Healthy, qPrintable(describe(status)));
        QCOMPARE(status.runningReplicas, 2);
        QCOMPARE(status.desiredReplicas, 2);
        QVERIFY(!status.activeGroup.isEmpty());

        cancelAndWait(job);
        const QList<PairStatus> after = deploymentStatus(ws->context, application, kStaging);
        QCOMPARE(after.size(), 1);
        QVERIFY2(!after.first().running, qPrintable(describe(after.first())));
        QCOMPARE(after.first().health, PairStatus::Health::NotDeployed);
    }

    void redeployInMonitoring()
    {
        const QString application = QStringLiteral("again");
        const auto ws = workspace(application);
        QVERIFY(ws);
        DeploymentContext quick = ws->context;
        quick.workspace.applications.first().rollback.monitorWindow = 3s;
        const launchdeck::test::DeployOutcome first =
            DeployTestBed::run(quick, deployRequest(application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        DeploymentJob job(ws->context, deployRequest(application, QStringLiteral("v2")));
        QVERIFY(reachMonitoring(job));
        const PairStatus status = healthyStatus(ws->context, application);
        QVERIFY2(status.live && status.running, qPrintable(describe(status)));
        QCOMPARE(*status.live, (Revision{1, QStringLiteral("app:v1")}));
        QCOMPARE(status.running->to, (Revision{2, QStringLiteral("app:v2")}));
        QCOMPARE(status.running->stage, DeploymentStage::Monitoring);
        // All traffic is on revision 2: its replicas make the health.
        QCOMPARE(status.servingRevision, 2);
        QVERIFY2(status.health == PairStatus::Health::Healthy, qPrintable(describe(status)));
        QCOMPARE(status.runningReplicas, 2);

        // Rolled back, revision 1 serves again.
        cancelAndWait(job);
        const PairStatus back = healthyStatus(ws->context, application);
        QVERIFY2(!back.running && back.servingRevision == 1 &&
                     back.health == PairStatus::Health::Healthy,
                 qPrintable(describe(back)));
    }
};

QTEST_GUILESS_MAIN(TestDeployStatus)
#include "tst_deploystatus.moc"
