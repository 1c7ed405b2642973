// The deployment engine around its jobs, against a real dockerd and HAProxy: the pair lock,
// cancel before traffic moves, the reconciliation after a crash, previews, the status of a pair
// and a daemon restart mid-deploy.
#include "deploy/deploymentengine.h"
#include "deploy/pairworkload.h"
#include "fakes/deploytestbed.h"
#include "fakes/localhttpserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QLockFile>
#include <QTest>
#include <QThread>

#include <memory>

using namespace launchdeck;
using namespace launchdeck::deploy;
using launchdeck::test::DeployAppOptions;
using launchdeck::test::DeployOutcome;
using launchdeck::test::deployRequest;
using launchdeck::test::DeployTestBed;
using launchdeck::test::DeployWorkspace;
using launchdeck::test::waitForBody;

namespace {

using namespace std::chrono_literals;

const QString kStaging = QStringLiteral("staging");

} // namespace

class TestDeployEngine final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DeployTestBed> m_bed;

    std::optional<DeployWorkspace> workspace(DeployAppOptions options)
    {
        options.workspace = options.application;
        QString error;
        std::optional<DeployWorkspace> made = m_bed->workspace(options, &error);
        if (!made)
            qWarning("%s", qPrintable(error));
        return made;
    }

    // Docker's last health check results of the pair's running containers.
    QString healthLog(const QString& application)
    {
        QStringList lines;
        for (const PairContainer& container : m_bed->running(application)) {
            const Result<QJsonObject> inspect =
                m_bed->docker().client().inspectContainer(container.id);
            if (!inspect)
                continue;
            const QJsonObject health = inspect->value(QStringLiteral("State"))
                                           .toObject()
                                           .value(QStringLiteral("Health"))
                                           .toObject();
            lines.append(container.name + u": " +
                         health.value(QStringLiteral("Status")).toString());
            for (const QJsonValue& entry : health.value(QStringLiteral("Log")).toArray()) {
                const QJsonObject check = entry.toObject();
                lines.append(QStringLiteral("  exit %1 at %2: %3")
                                 .arg(check.value(QStringLiteral("ExitCode")).toInt())
                                 .arg(check.value(QStringLiteral("Start")).toString(),
                                      check.value(QStringLiteral("Output")).toString().trimmed()));
            }
        }
        return lines.join(u'\n');
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_bed = std::make_unique<DeployTestBed>();
        QString error;
        QVERIFY2(m_bed->start(&error), qPrintable(error));
    }

    // Each case leaves nothing running for the next: on a small host, Docker's health checks
    // of many idle containers every second slow down everything else.
    void cleanup() { m_bed->clearHost(); }

    void cleanupTestCase() { m_bed.reset(); }

    void secondJobForThePairFailsAtOnce()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("locked");
        const auto ws = workspace(options);
        QVERIFY(ws);
        DeploymentJob running(ws->context,
                              deployRequest(options.application, QStringLiteral("v1")));
        running.start();
        QVERIFY(QTest::qWaitFor([&] { return !running.deploymentId().isEmpty(); }, 30000));
        QElapsedTimer clock;
        clock.start();
        const DeployOutcome second = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v2")), 30s);
        QVERIFY_OUTCOME(second, DeploymentStatus::Failed);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(second.message.contains(QStringLiteral("another deployment")),
                 qPrintable(second.message));
        QVERIFY(running.isRunning());
        QVERIFY(QTest::qWaitFor([&] { return !running.isRunning(); }, 120000));
        QCOMPARE(running.status(), std::optional(DeploymentStatus::Completed));
    }

    void cancelBeforeTrafficMoves()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("cancelled");
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeployOutcome first = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        // Cancelled while HAProxy has yet to see the new group up: nothing moved, so nothing
        // is rolled back; the new containers go.
        DeploymentJob job(ws->context, deployRequest(options.application, QStringLiteral("v2")));
        QObject receiver;
        bool cancelled = false;
        connect(&job, &DeploymentJob::reported, &receiver, [&](const DeploymentEvent& event) {
            if (!cancelled && event.kind == DeploymentEvent::Kind::Stage &&
                event.stage == DeploymentStage::Deploying) {
                cancelled = true;
                job.cancel();
            }
        });
        job.start();
        QVERIFY(QTest::qWaitFor([&] { return !job.isRunning(); }, 120000));
        QVERIFY(cancelled);
        QCOMPARE(job.status(), std::optional(DeploymentStatus::Cancelled));
        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(job.deploymentId());
        QVERIFY(record);
        QCOMPARE(record->status, std::optional(DeploymentStatus::Cancelled));
        const QList<PairContainer> left = m_bed->containers(options.application);
        QCOMPARE(left.size(), 1);
        QCOMPARE(left.first().identity.revision, 1);
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1"), 10s));
        QCOMPARE(m_bed->ledger()->latestRevision(options.application, kStaging)->number, 1);
    }

    // Cancelled after traffic moved, when the old revision's containers are already gone: the
    // rollback starts them again instead of being cut short by the same cancel.
    void cancelWhileMonitoringRollsBack()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("cancelled-late");
        options.scaleDownDelay = QStringLiteral("0s");
        options.monitor = QStringLiteral("1s");
        const auto quick = workspace(options);
        QVERIFY(quick);
        const DeployOutcome first = DeployTestBed::run(
            quick->context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        options.monitor = QStringLiteral("600s");
        const auto ws = workspace(options);
        QVERIFY(ws);
        DeploymentJob job(ws->context, deployRequest(options.application, QStringLiteral("v2")));
        QObject receiver;
        bool cancelled = false;
        connect(&job, &DeploymentJob::reported, &receiver, [&](const DeploymentEvent& event) {
            if (event.kind != DeploymentEvent::Kind::Stage)
                return;
            if (!cancelled && event.stage == DeploymentStage::Monitoring) {
                cancelled = true;
                job.cancel();
            } else if (event.stage == DeploymentStage::RollingBack) {
                job.cancel(); // a second request does not cut the rollback short
            }
        });
        job.start();
        QVERIFY(QTest::qWaitFor([&] { return !job.isRunning(); }, 120000));
        QVERIFY(cancelled);
        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(job.deploymentId());
        QVERIFY(record);
        QVERIFY2(record->status == DeploymentStatus::RolledBack, qPrintable(record->message));
        const QList<PairContainer> left = m_bed->running(options.application);
        QVERIFY(!left.isEmpty());
        for (const PairContainer& container : left)
            QCOMPARE(container.identity.revision, 1);
        // The entry point kept the port it was started with by the first deployment.
        QVERIFY(waitForBody(quick->entryUrl, QStringLiteral("v1"), 10s));
    }

    void reconcileAfterACrash()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("reconciled");
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeploymentContext& context = ws->context;
        const DeployOutcome first =
            DeployTestBed::run(context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        // A console that died in DEPLOYING: the ledger has the deployment running and its
        // container of revision 2 runs in the idle group.
        DeploymentStart start;
        start.application = options.application;
        start.environment = kStaging;
        start.from = Revision{1, QStringLiteral("app:v1")};
        start.to = Revision{2, QStringLiteral("app:v2")};
        start.strategy = QStringLiteral("blue-green");
        start.who = QStringLiteral("tester");
        const Result<QString> begun = m_bed->ledger()->begin(start);
        QVERIFY(begun.ok());
        QVERIFY(m_bed->ledger()->recordTransition(*begun, DeploymentStage::Validating));
        QVERIFY(m_bed->ledger()->recordTransition(*begun, DeploymentStage::Deploying));
        const Application* app = context.workspace.application(options.application);
        const Environment* env = context.workspace.environment(kStaging);
        QVERIFY(app && env);
        PairWorkload workload(m_bed->docker().client(), options.application, kStaging);
        const Result<PairContainer> stray = workload.startReplica(
            revisionConfigFor(*app, *env, QStringLiteral("app:v2")),
            ContainerIdentity{options.application, kStaging, 2, *begun, QStringLiteral("green"), 1},
            {}, true, {});
        QVERIFY2(stray.ok(), qPrintable(stray ? QString() : stray.error().toString()));
        QCOMPARE(m_bed->running(options.application).size(), 2);

        const QList<ReconcileOutcome> outcomes = reconcileInterrupted(context);
        const auto mine =
            std::find_if(outcomes.begin(), outcomes.end(),
                         [&](const ReconcileOutcome& o) { return o.deploymentId == *begun; });
        QVERIFY(mine != outcomes.end());
        QVERIFY2(mine->resolved, qPrintable(mine->error));
        QCOMPARE(mine->stage, DeploymentStage::Deploying);
        QVERIFY2(mine->actions.contains(QStringLiteral("removed ") + stray->name),
                 qPrintable(mine->actions.join(u"; ")));
        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(*begun);
        QVERIFY(record);
        QCOMPARE(record->status, std::optional(DeploymentStatus::Interrupted));
        QVERIFY2(record->message.contains(QStringLiteral("removed")), qPrintable(record->message));
        const QList<PairContainer> live = m_bed->running(options.application);
        QCOMPARE(live.size(), 1);
        QCOMPARE(live.first().identity.revision, 1);
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1"), 10s));
        // Nothing is left for a second pass.
        const QList<ReconcileOutcome> again = reconcileInterrupted(context);
        QVERIFY(std::none_of(again.begin(), again.end(),
                             [&](const ReconcileOutcome& o) { return o.deploymentId == *begun; }));
    }

    // The ledger is shared by the workspaces of one data folder; a deployment another workspace
    // runs right now (holding the pair's lock) is not a crash to reconcile.
    void reconcileLeavesAnotherWorkspacesLiveDeployment()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("shared-name");
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeploymentContext& context = ws->context;
        DeploymentStart start;
        start.application = options.application;
        start.environment = kStaging;
        start.to = Revision{1, QStringLiteral("app:v1")};
        start.strategy = QStringLiteral("blue-green");
        start.who = QStringLiteral("tester");
        const Result<QString> begun = m_bed->ledger()->begin(start);
        QVERIFY(begun.ok());
        QVERIFY(m_bed->ledger()->recordTransition(*begun, DeploymentStage::Monitoring));

        // What a live console holds while it deploys that pair in another workspace.
        QVERIFY(QDir().mkpath(context.dataDir + QStringLiteral("/locks")));
        QLockFile other(context.dataDir +
                        QStringLiteral("/locks/%1-%2.lock").arg(options.application, kStaging));
        other.setStaleLockTime(0);
        QVERIFY(other.tryLock(0));
        const auto reconciled = [&](const QList<ReconcileOutcome>& outcomes) {
            return std::any_of(outcomes.begin(), outcomes.end(),
                               [&](const ReconcileOutcome& o) { return o.deploymentId == *begun; });
        };
        QVERIFY(!reconciled(reconcileInterrupted(context)));
        QVERIFY(!m_bed->ledger()->get(*begun)->status); // still running

        other.unlock(); // that console is gone: now it was cut off
        QVERIFY(reconciled(reconcileInterrupted(context)));
        QCOMPARE(m_bed->ledger()->get(*begun)->status, DeploymentStatus::Interrupted);
    }

    void previewNamesTheChange()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("previewed");
        options.strategy = QStringLiteral("recreate");
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeploymentRequest v2 = deployRequest(options.application, QStringLiteral("v2"));
        const Result<DeploymentPreview> before = previewDeployment(ws->context, v2);
        QVERIFY2(before.ok(), qPrintable(before ? QString() : before.error().toString()));
        QVERIFY(!before->from);
        QCOMPARE(before->to.number, 1);

        const DeployOutcome first = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        const Result<DeploymentPreview> preview = previewDeployment(ws->context, v2);
        QVERIFY2(preview.ok(), qPrintable(preview ? QString() : preview.error().toString()));
        QVERIFY(preview->from);
        QCOMPARE(preview->from->number, 1);
        QCOMPARE(preview->to.number, 2);
        QCOMPARE(preview->to.image, QStringLiteral("app:v2"));
        QCOMPARE(preview->strategy, Strategy::Type::Recreate);
        QVERIFY(preview->downtime);
        QVERIFY(preview->usesTraffic);
        QVERIFY(preview->estimatedMs > 0);
        const QString diff = preview->diff.join(u'\n');
        QVERIFY2(std::any_of(preview->diff.begin(), preview->diff.end(),
                             [](const QString& line) {
                                 return line.startsWith(u"- image") && line.contains(u"app:v1");
                             }),
                 qPrintable(diff));
        QVERIFY2(std::any_of(preview->diff.begin(), preview->diff.end(),
                             [](const QString& line) {
                                 return line.startsWith(u"+ image") && line.contains(u"app:v2");
                             }),
                 qPrintable(diff));

        DeploymentRequest blueGreen = v2;
        blueGreen.strategy = Strategy::Type::BlueGreen;
        const Result<DeploymentPreview> switching = previewDeployment(ws->context, blueGreen);
        QVERIFY(switching.ok());
        QVERIFY(!switching->downtime);
        DeploymentRequest missing = deployRequest(options.application, QStringLiteral("v9"));
        const Result<DeploymentPreview> absent = previewDeployment(ws->context, missing);
        QVERIFY(absent.ok());
        QVERIFY2(absent->notes.join(u'\n').contains(QStringLiteral("app:v9")),
                 qPrintable(absent->notes.join(u'\n')));
    }

    void statusAfterDeploys()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("status");
        options.replicas = 2;
        const auto ws = workspace(options);
        QVERIFY(ws);
        QList<PairStatus> statuses = deploymentStatus(ws->context, options.application, kStaging);
        QCOMPARE(statuses.size(), 1);
        QCOMPARE(statuses.first().health, PairStatus::Health::NotDeployed);

        for (const QString& version : {QStringLiteral("v1"), QStringLiteral("v2")}) {
            const DeployOutcome outcome =
                DeployTestBed::run(ws->context, deployRequest(options.application, version));
            QVERIFY_OUTCOME(outcome, DeploymentStatus::Completed);
        }
        // Docker's own health check runs in the container with a 1 s timeout: on a busy host
        // one late answer reads as unhealthy until the next check passes.
        const bool healthy = QTest::qWaitFor(
            [&] {
                statuses = deploymentStatus(ws->context, options.application, kStaging);
                return statuses.size() == 1 &&
                       statuses.first().health == PairStatus::Health::Healthy;
            },
            30000);
        QVERIFY2(healthy, qPrintable(healthLog(options.application)));
        statuses = deploymentStatus(ws->context, options.application);
        QCOMPARE(statuses.size(), 2); // staging and production
        const PairStatus& staging =
            statuses.first().environment == kStaging ? statuses.first() : statuses.last();
        QVERIFY2(staging.hostError.isEmpty(), qPrintable(staging.hostError));
        QVERIFY(staging.live);
        QCOMPARE(staging.live->number, 2);
        QCOMPARE(staging.live->image, QStringLiteral("app:v2"));
        QCOMPARE(staging.health, PairStatus::Health::Healthy);
        QCOMPARE(staging.runningReplicas, 2);
        QCOMPARE(staging.desiredReplicas, 2);
        QCOMPARE(staging.activeGroup, QStringLiteral("green"));
        QVERIFY(staging.last);
        QCOMPARE(staging.last->status, std::optional(DeploymentStatus::Completed));
        QVERIFY(!staging.running);
        const PairStatus& production =
            statuses.first().environment == kStaging ? statuses.last() : statuses.first();
        QCOMPARE(production.health, PairStatus::Health::NotDeployed);
    }

    // Last: the daemon goes away under a deployment.
    void daemonRestartFailsTheDeployment()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("restarted");
        options.strategy = QStringLiteral("recreate");
        options.traffic = false;
        options.hostPort = launchdeck::test::pickFreeLoopbackPort();
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeployOutcome first = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        DeploymentRequest request = deployRequest(options.application, QStringLiteral("v2"));
        request.autoRollback = false;
        bool restarted = false;
        QString restartError;
        const DeployOutcome cut =
            DeployTestBed::run(ws->context, request, 180s, [&](const DeploymentEvent& event) {
                if (restarted || event.kind != DeploymentEvent::Kind::Stage ||
                    event.stage != DeploymentStage::Deploying)
                    return;
                restarted = true;
                m_bed->docker().daemon().kill();
                QThread::msleep(500);
                if (!m_bed->docker().daemon().restart(&restartError))
                    restartError = u"restart failed: " + restartError;
            });
        QVERIFY(restarted);
        QVERIFY2(restartError.isEmpty(), qPrintable(restartError));
        QVERIFY_OUTCOME(cut, DeploymentStatus::Failed);
        QVERIFY2(cut.message.contains(m_bed->docker().daemon().socketPath()),
                 qPrintable(cut.describe()));
        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(cut.id);
        QVERIFY(record);
        QCOMPARE(record->status, std::optional(DeploymentStatus::Failed));
        QVERIFY(record->finishedAt.isValid());
        DeploymentFilter unfinished;
        unfinished.unfinishedOnly = true;
        unfinished.application = options.application;
        QVERIFY(m_bed->ledger()->list(unfinished).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDeployEngine)
#include "tst_deployengine.moc"
