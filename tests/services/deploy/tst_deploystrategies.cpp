// Deployment strategies against a real dockerd and HAProxy: blue-green under load without a
// failed request, a canary whose analysis fails, a rollback while monitoring, recreate on a
// declared host port and rolling replicas, from images that answer as they were built.
#include "deploy/deploymentengine.h"
#include "deploy/pairworkload.h"
#include "fakes/deploytestbed.h"
#include "fakes/httpget.h"
#include "fakes/localhttpserver.h"

#include <QTest>

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

class TestDeployStrategies final : public QObject
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
};

QTEST_GUILESS_MAIN(TestDeployStrategies)
#include "tst_deploystrategies.moc"
