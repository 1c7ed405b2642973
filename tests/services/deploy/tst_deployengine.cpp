// The deployment engine against a real dockerd and HAProxy: blue-green under load without a
// failed request, a canary whose analysis fails, a rollback while monitoring, recreate on a
// declared host port, rolling replicas, a daemon restart mid-deploy, the pair lock, the
// reconciliation after a crash, previews and the status of a pair.
#include "deploy/deploymentengine.h"
#include "deploy/pairworkload.h"
#include "fakes/deploytestbed.h"
#include "fakes/httpget.h"
#include "fakes/localhttpserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>
#include <QThread>

#include <memory>
#include <tuple>

using namespace launchdeck;
using namespace launchdeck::deploy;
using launchdeck::test::DeployAppOptions;
using launchdeck::test::DeployOutcome;
using launchdeck::test::deployRequest;
using launchdeck::test::DeployTestBed;
using launchdeck::test::DeployWorkspace;
using launchdeck::test::HttpAnswer;
using launchdeck::test::httpGet;
using launchdeck::test::LoadLoop;
using launchdeck::test::waitForBody;

namespace {

using namespace std::chrono_literals;

const QString kStaging = QStringLiteral("staging");

QList<DeploymentStage> stages(const DeploymentRecord& record)
{
    QList<DeploymentStage> list;
    for (const StageTransition& transition : record.transitions)
        list.append(transition.stage);
    return list;
}

QString stageNames(const QList<DeploymentStage>& list)
{
    QStringList names;
    for (DeploymentStage stage : list)
        names.append(deploymentStageName(stage));
    return names.join(u' ');
}

QString countsText(const LoadLoop::Counts& counts)
{
    QStringList bodies;
    for (auto it = counts.bodies.begin(); it != counts.bodies.end(); ++it)
        bodies.append(QStringLiteral("%1×%2").arg(it.key()).arg(it.value()));
    return QStringLiteral("%1 ok (%2), %3 failed (%4)")
        .arg(counts.successes)
        .arg(bodies.join(u", "))
        .arg(counts.failures)
        .arg(counts.failureSamples.join(u"; "));
}

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

    void imagesAnswerAsBuilt()
    {
        // The images themselves, started by hand: v3's "/" fails through index.cgi, /healthz
        // stays fine.
        for (const auto& [tag, status, body] :
             {std::tuple{QStringLiteral("app:v1"), 200L, QStringLiteral("v1")},
              std::tuple{QStringLiteral("app:v3"), 500L, QStringLiteral("broken")}}) {
            DockerContainerSpec spec;
            spec.name = QStringLiteral("probe-") + QString(tag).replace(u':', u'-');
            spec.image = tag;
            spec.networkMode = QStringLiteral("launchdeck-probe");
            DockerPortMapping port;
            port.containerPort = 80;
            port.hostIp = QStringLiteral("127.0.0.1");
            port.publish = true;
            spec.ports = {port};
            QVERIFY(m_bed->docker().client().ensureNetwork(spec.networkMode).ok());
            const Result<QString> id = m_bed->docker().run(spec);
            QVERIFY2(id.ok(), qPrintable(id ? QString() : id.error().toString()));
            const Result<QJsonObject> inspect = m_bed->docker().client().inspectContainer(*id);
            QVERIFY(inspect.ok());
            const int hostPort = publishedHostPort(*inspect, 80).value_or(0);
            QVERIFY(hostPort > 0);
            const QString base = QStringLiteral("http://127.0.0.1:%1").arg(hostPort);
            QVERIFY(
                QTest::qWaitFor([&] { return httpGet(base + u"/healthz").status == 200; }, 20000));
            const HttpAnswer root = httpGet(base + u"/");
            QCOMPARE(root.status, status);
            QCOMPARE(root.text(), body);
            QCOMPARE(httpGet(base + u"/cgi-bin/healthz").text(), QStringLiteral("ok"));
            QVERIFY(m_bed->docker().client().removeContainer(*id, true).ok());
        }
    }

    void blueGreenServesEveryRequest()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("bluegreen");
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeploymentContext& context = ws->context;

        const DeployOutcome first =
            DeployTestBed::run(context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        const QList<PairContainer> live = m_bed->running(options.application);
        QCOMPARE(live.size(), 1);
        QCOMPARE(live.first().identity.revision, 1);
        QCOMPARE(live.first().identity.deploymentId, first.id);
        QCOMPARE(live.first().identity.group, QStringLiteral("blue"));
        const Result<QList<DockerContainer>> listed =
            m_bed->docker().client().containers(true, pairFilter(options.application, kStaging));
        QVERIFY(listed.ok() && listed->size() == 1);
        const QMap<QString, QString> labelMap = listed->first().labels;
        QCOMPARE(labelMap.value(QStringLiteral("launchdeck.application")), options.application);
        QCOMPARE(labelMap.value(QStringLiteral("launchdeck.environment")), kStaging);
        QCOMPARE(labelMap.value(QStringLiteral("launchdeck.revision")), QStringLiteral("1"));
        QCOMPARE(labelMap.value(QStringLiteral("launchdeck.deployment")), first.id);
        QCOMPARE(labelMap.value(QStringLiteral("launchdeck.group")), QStringLiteral("blue"));

        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(first.id);
        QVERIFY(record);
        QCOMPARE(record->status, std::optional(DeploymentStatus::Completed));
        const QList<DeploymentStage> expected{
            DeploymentStage::Initialized, DeploymentStage::Validating, DeploymentStage::Testing,
            DeploymentStage::Deploying,   DeploymentStage::Monitoring, DeploymentStage::Completed};
        QCOMPARE(stageNames(stages(*record)), stageNames(expected));
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1")));

        LoadLoop load(ws->entryUrl);
        load.start();
        QVERIFY(load.waitForAnswers(20, 10s));
        qint64 failures = 0;
        qint64 successes = 0;
        const auto take = [&] {
            const LoadLoop::Counts counts = load.counts();
            failures += counts.failures;
            successes += counts.successes;
            load.reset();
            return counts;
        };
        const LoadLoop::Counts before = take();
        QVERIFY2(before.failures == 0 && before.bodies.keys() == QStringList{QStringLiteral("v1")},
                 qPrintable(countsText(before)));

        const DeployOutcome second =
            DeployTestBed::run(context, deployRequest(options.application, QStringLiteral("v2")));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        const LoadLoop::Counts during = take();
        QVERIFY2(during.failures == 0 && during.bodies.value(QStringLiteral("v2")) > 0,
                 qPrintable(countsText(during)));
        QVERIFY(load.waitForAnswers(20, 10s));
        const LoadLoop::Counts afterSwitch = take();
        QVERIFY2(afterSwitch.bodies.keys() == QStringList{QStringLiteral("v2")},
                 qPrintable(countsText(afterSwitch)));
        const QList<PairContainer> nowLive = m_bed->running(options.application);
        QCOMPARE(nowLive.size(), 1);
        QCOMPARE(nowLive.first().identity.revision, 2);
        QCOMPARE(nowLive.first().identity.group, QStringLiteral("green"));

        DeploymentRequest rollback;
        rollback.kind = DeploymentKind::Rollback;
        rollback.application = options.application;
        rollback.environment = kStaging;
        rollback.reason = QStringLiteral("v2 is not what we wanted");
        const DeployOutcome back = DeployTestBed::run(context, rollback);
        QVERIFY_OUTCOME(back, DeploymentStatus::Completed);
        const LoadLoop::Counts duringRollback = take();
        QVERIFY2(duringRollback.failures == 0, qPrintable(countsText(duringRollback)));
        QVERIFY(load.waitForAnswers(20, 10s));
        const LoadLoop::Counts afterRollback = take();
        QVERIFY2(afterRollback.bodies.keys() == QStringList{QStringLiteral("v1")},
                 qPrintable(countsText(afterRollback)));
        load.stop();
        take();
        QVERIFY2(failures == 0, qPrintable(QStringLiteral("%1 failed requests").arg(failures)));
        QVERIFY2(successes > 300, qPrintable(QStringLiteral("only %1 requests").arg(successes)));

        const std::optional<DeploymentRecord> rolledBack = m_bed->ledger()->get(back.id);
        QVERIFY(rolledBack);
        QCOMPARE(rolledBack->kind, DeploymentKind::Rollback);
        QCOMPARE(rolledBack->to.image, QStringLiteral("app:v1"));
        QCOMPARE(rolledBack->reason, rollback.reason);
        QCOMPARE(m_bed->ledger()->latestRevision(options.application, kStaging)->number, 1);
        DeploymentRequest nowhere = rollback;
        nowhere.toRevision = 7;
        const DeployOutcome refused = DeployTestBed::run(context, nowhere);
        QVERIFY_OUTCOME(refused, DeploymentStatus::Failed);
        QVERIFY2(refused.message.contains(QStringLiteral("never live")),
                 qPrintable(refused.message));
        const AuditVerification audit = m_bed->ledger()->verifyAudit();
        QVERIFY2(audit.intact(), qPrintable(audit.description));
    }

    void canaryAnalysisFailureRollsBack()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("canary");
        options.strategy = QStringLiteral("canary");
        options.canarySteps = {QStringLiteral("{set_weight: 50}"),
                               QStringLiteral("{analysis: error-rate}"),
                               QStringLiteral("{set_weight: 100}")};
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeployOutcome first = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1")));

        LoadLoop load(ws->entryUrl);
        load.start();
        const DeployOutcome canary = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v3")));
        QVERIFY_OUTCOME(canary, DeploymentStatus::RolledBack);
        const LoadLoop::Counts during = load.counts();
        // At 50 % the canary answered some of them with its 500s.
        QVERIFY2(during.failures > 0, qPrintable(countsText(during)));

        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(canary.id);
        QVERIFY(record);
        QCOMPARE(record->status, std::optional(DeploymentStatus::RolledBack));
        const QList<DeploymentStage> seen = stages(*record);
        const qsizetype failed = seen.indexOf(DeploymentStage::Failed);
        QVERIFY2(failed > 0 && seen.indexOf(DeploymentStage::RollingBack) > failed &&
                     seen.indexOf(DeploymentStage::RolledBack) >
                         seen.indexOf(DeploymentStage::RollingBack),
                 qPrintable(stageNames(seen)));
        const auto analysis =
            std::find_if(record->tests.begin(), record->tests.end(),
                         [](const TestResult& t) { return t.name == u"analysis error-rate"; });
        QVERIFY(analysis != record->tests.end());
        QVERIFY(!analysis->passed);

        load.reset();
        QVERIFY(load.waitForAnswers(50, 10s));
        load.stop();
        const LoadLoop::Counts after = load.counts();
        QVERIFY2(after.failures == 0 && after.bodies.keys() == QStringList{QStringLiteral("v1")},
                 qPrintable(countsText(after)));
        for (const PairContainer& container : m_bed->containers(options.application))
            QVERIFY2(container.identity.revision != record->to.number, qPrintable(container.name));
        QCOMPARE(m_bed->running(options.application).size(), 1);
    }

    void monitoringRollsBackOnHealthFailures()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("monitored");
        options.healthPath = QStringLiteral("/cgi-bin/healthz");
        options.monitor = QStringLiteral("20s");
        const auto ws = workspace(options);
        QVERIFY(ws);
        // v1 need not be watched as long as v4.
        DeploymentContext quick = ws->context;
        quick.workspace.applications.first().rollback.monitorWindow = 3s;
        const DeployOutcome first =
            DeployTestBed::run(quick, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        const DeployOutcome turning = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v4")));
        QVERIFY_OUTCOME(turning, DeploymentStatus::RolledBack);
        QVERIFY2(turning.message.contains(QStringLiteral("health check")),
                 qPrintable(turning.describe()));
        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(turning.id);
        QVERIFY(record);
        QVERIFY2(stages(*record).contains(DeploymentStage::Monitoring),
                 qPrintable(stageNames(stages(*record))));
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1"), 10s));
        const QList<PairContainer> live = m_bed->running(options.application);
        QCOMPARE(live.size(), 1);
        QCOMPARE(live.first().identity.revision, 1);
    }

    void recreateOnDeclaredHostPort()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("recreated");
        options.strategy = QStringLiteral("recreate");
        options.traffic = false;
        options.hostPort = launchdeck::test::pickFreeLoopbackPort();
        options.httpCheckTest = true;
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeployOutcome first = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1")));
        const DeployOutcome second = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v2")));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v2"), 10s));
        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(second.id);
        QVERIFY(record);
        QVERIFY(std::any_of(record->tests.begin(), record->tests.end(), [](const TestResult& t) {
            return t.name.startsWith(u"http_check") && t.passed;
        }));
        const QList<PairContainer> live = m_bed->running(options.application);
        QCOMPARE(live.size(), 1);
        QCOMPARE(live.first().identity.revision, 2);
        QCOMPARE(m_bed->containers(options.application).size(), 1);
    }

    void rollingReplacesEveryReplica()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("rolled");
        options.strategy = QStringLiteral("rolling");
        options.replicas = 2;
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeployOutcome first = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QCOMPARE(m_bed->running(options.application).size(), 2);
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1")));
        const DeployOutcome second = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v2")));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        const QList<PairContainer> live = m_bed->running(options.application);
        QCOMPARE(live.size(), 2);
        for (const PairContainer& container : live)
            QCOMPARE(container.identity.revision, 2);
        QCOMPARE(m_bed->containers(options.application).size(), 2);
        QMap<QString, int> bodies;
        for (int i = 0; i < 30; ++i)
            ++bodies[httpGet(ws->entryUrl).text()];
        QCOMPARE(bodies.keys(), QStringList{QStringLiteral("v2")});
    }

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
        QCOMPARE(statuses.first().health, QStringLiteral("not deployed"));

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
                return statuses.size() == 1 && statuses.first().health == u"healthy";
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
        QCOMPARE(staging.health, QStringLiteral("healthy"));
        QCOMPARE(staging.runningReplicas, 2);
        QCOMPARE(staging.desiredReplicas, 2);
        QCOMPARE(staging.activeGroup, QStringLiteral("green"));
        QVERIFY(staging.last);
        QCOMPARE(staging.last->status, std::optional(DeploymentStatus::Completed));
        QVERIFY(!staging.running);
        const PairStatus& production =
            statuses.first().environment == kStaging ? statuses.last() : statuses.first();
        QCOMPARE(production.health, QStringLiteral("not deployed"));
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
