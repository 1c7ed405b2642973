// Deployments read by the real Prometheus and Alertmanager: a canary judged by PromQL over the
// entry point's HAProxy exporter (a failing one rolls back, a healthy one passes), analysis
// against an unreachable Prometheus, empty and NaN answers, and rollbacks during MONITORING by an
// Alertmanager alert and by a PromQL trigger held for its duration — against a private dockerd,
// HAProxy, Prometheus and Alertmanager.
#include "deploy/analysis.h"
#include "deploy/deploymentengine.h"
#include "deploy/promqlreadings.h"
#include "fakes/deploytestbed.h"
#include "fakes/httpget.h"
#include "fakes/localhttpserver.h"
#include "fakes/monitoringstack.h"
#include "prometheus/prometheusclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimer>

#include <cmath>
#include <limits>
#include <memory>

using namespace launchdeck;
using namespace launchdeck::deploy;
using launchdeck::test::DeployAppOptions;
using launchdeck::test::DeployOutcome;
using launchdeck::test::deployRequest;
using launchdeck::test::DeployTestBed;
using launchdeck::test::DeployWorkspace;
using launchdeck::test::LoadLoop;
using launchdeck::test::MonitoringStack;
using launchdeck::test::MonitoringStackOptions;
using launchdeck::test::waitForBody;

namespace {

using namespace std::chrono_literals;

// Fires while the test's gauge "alarm" is raised, for the application "alerted" in staging.
const QByteArray kRules = "groups:\n"
                          "  - name: launchdeck-deploy-tests\n"
                          "    rules:\n"
                          "      - alert: CanaryBroken\n"
                          "        expr: launchdeck_test_value{name=\"alarm\"} > 0\n"
                          "        labels:\n"
                          "          application: alerted\n"
                          "          environment: staging\n"
                          "        annotations:\n"
                          "          summary: the test raised the alarm\n"
                          "      - alert: CanaryBroken\n"
                          "        expr: launchdeck_test_value{name=\"alarm-elsewhere\"} > 0\n"
                          "        labels:\n"
                          "          application: alerted\n"
                          "          environment: production\n";

// The 5xx share of the canary's servers on this workspace's entry point over the last 5 s: a
// window shorter than the pause before the analysis, since the slots serve one deployment after
// another.
const QString kCanaryErrorShare = QStringLiteral(
    "        error-rate:\n"
    "          metric: prometheus\n"
    "          query: 'sum(rate(haproxy_server_http_responses_total{proxy=\"$backend\","
    "server=~\"$canary\",code=\"5xx\",instance=\"$instance\"}[5s])) / "
    "sum(rate(haproxy_server_http_responses_total{proxy=\"$backend\",server=~\"$canary\","
    "instance=\"$instance\"}[5s]))'\n"
    "          interval: 1s\n"
    "          count: 3\n"
    "          inconclusive_limit: 1\n"
    "          success_condition: \"result < 0.05\"\n"
    "          failure_condition: \"result >= 0.2\"\n");

const TestResult* analysisResult(const DeploymentRecord& record, const QString& name)
{
    for (const TestResult& test : record.tests) {
        if (test.name == u"analysis " + name)
            return &test;
    }
    return nullptr;
}

} // namespace

class TestDeployMonitoring final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DeployTestBed> m_bed;
    std::unique_ptr<MonitoringStack> m_stack;
    QStringList m_scraped; // every entry point's exporter, all scraped by the one Prometheus
    QObject m_timers;      // context of the gauge changes timed from a job's events

    std::optional<DeployWorkspace> workspace(DeployAppOptions options)
    {
        options.workspace = options.application;
        QString error;
        std::optional<DeployWorkspace> made = m_bed->workspace(options, &error);
        if (!made) {
            qWarning("%s", qPrintable(error));
            return made;
        }
        if (!made->metricsListen.isEmpty()) {
            m_scraped.append(made->metricsListen);
            if (!m_stack->setTargets(m_scraped, &error)) {
                qWarning("%s", qPrintable(error));
                return std::nullopt;
            }
        }
        return made;
    }

    prometheus::PrometheusClient client() const
    {
        prometheus::ServerEndpoint endpoint;
        endpoint.url = m_stack->prometheusUrl();
        return prometheus::PrometheusClient(endpoint);
    }

    // The first value of `query` once Prometheus has one; NaN when it never did.
    double waitForValue(const QString& query, std::chrono::milliseconds timeout = 20s) const
    {
        const prometheus::PrometheusClient prometheus = client();
        double value = std::numeric_limits<double>::quiet_NaN();
        (void)QTest::qWaitFor(
            [&] {
                const Result<QList<SeriesValue>> values = readQuery(prometheus, query);
                if (!values || values->isEmpty())
                    return false;
                value = values->first().value;
                return true;
            },
            int(timeout.count()));
        return value;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_bed = std::make_unique<DeployTestBed>();
        QString error;
        QVERIFY2(m_bed->start(&error), qPrintable(error));
        MonitoringStackOptions options;
        options.rules = kRules;
        m_stack = std::make_unique<MonitoringStack>(options);
        QVERIFY2(m_stack->start(&error), qPrintable(error));
        for (const char* gauge : {"alarm", "alarm-elsewhere", "trigger", "spike"})
            m_stack->setGauge(QString::fromLatin1(gauge), 0);
    }

    void cleanup() { m_bed->clearHost(); }

    void cleanupTestCase()
    {
        m_bed.reset();
        m_stack.reset();
    }

    void readingsOfTheRealPrometheus()
    {
        m_stack->setGauge(QStringLiteral("reading-a"), 0.001);
        m_stack->setGauge(QStringLiteral("reading-b"), 0.5);
        m_stack->setGauge(QStringLiteral("reading-nan"), std::numeric_limits<double>::quiet_NaN());
        QCOMPARE(waitForValue(QStringLiteral("count(launchdeck_test_value{name=~\"reading-.*\"})")),
                 3.0);
        const prometheus::PrometheusClient prometheus = client();
        AnalysisTemplate analysis;
        analysis.name = QStringLiteral("error-rate");
        analysis.metric = QStringLiteral("prometheus");
        analysis.count = 10;
        analysis.failureLimit = analysis.inconclusiveLimit = analysis.consecutiveErrorLimit = 10;
        analysis.successCondition = QStringLiteral("result < 0.05");
        analysis.failureCondition = QStringLiteral("result >= 0.2");
        Result<AnalysisRun> created = AnalysisRun::create(analysis);
        QVERIFY(created.ok());
        AnalysisRun run = std::move(created).value();
        const auto measure = [&](const QString& query) {
            const Result<QList<SeriesValue>> values = readQuery(prometheus, query);
            return values ? run.measureEach(*values)
                          : run.measure(std::nullopt, values.error().toString());
        };

        // Several series: one bad one fails the measurement and is named.
        const Measurement both =
            measure(QStringLiteral("launchdeck_test_value{name=~\"reading-[ab]\"}"));
        QCOMPARE(both.phase, MeasurementPhase::Failed);
        QCOMPARE(both.value, std::optional(0.5));
        QVERIFY2(both.message.contains(u"name=\"reading-b\"") && both.message.contains(u"of 2"),
                 qPrintable(both.message));
        QCOMPARE(measure(QStringLiteral("launchdeck_test_value{name=\"reading-a\"}")).phase,
                 MeasurementPhase::Successful);
        QCOMPARE(measure(QStringLiteral("sum(launchdeck_test_value{name=\"reading-a\"})")).phase,
                 MeasurementPhase::Successful);

        // No series at all: an Error, as Argo cannot evaluate a condition over it.
        const Measurement empty =
            measure(QStringLiteral("launchdeck_test_value{name=\"never-set\"}"));
        QCOMPARE(empty.phase, MeasurementPhase::Error);
        QVERIFY2(empty.message.contains(u"empty result"), qPrintable(empty.message));

        // NaN, as a scalar and as a series: through the conditions, neither holds.
        const Measurement scalarNan = measure(QStringLiteral("0/0"));
        QCOMPARE(scalarNan.phase, MeasurementPhase::Inconclusive);
        QVERIFY(scalarNan.value && std::isnan(*scalarNan.value));
        QCOMPARE(measure(QStringLiteral("launchdeck_test_value{name=\"reading-nan\"}")).phase,
                 MeasurementPhase::Inconclusive);

        // A query Prometheus refuses: an Error with its words.
        const Measurement refused = measure(QStringLiteral("sum(launchdeck_test_value"));
        QCOMPARE(refused.phase, MeasurementPhase::Error);
        QVERIFY2(refused.message.contains(u"parse error"), qPrintable(refused.message));
    }

    void canaryFailsByPromqlAndAHealthyOnePasses()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("promcanary");
        options.strategy = QStringLiteral("canary");
        options.trafficMetrics = true;
        options.prometheus = m_stack->prometheusUrl();
        options.canarySteps = {
            QStringLiteral("{set_weight: 50}"), QStringLiteral("{pause: {duration: 4s}}"),
            QStringLiteral("{analysis: error-rate}"), QStringLiteral("{set_weight: 100}")};
        options.analysisYaml = kCanaryErrorShare;
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeployOutcome first = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1")));
        // Prometheus scrapes the exporter the first deployment brought up.
        QCOMPARE(waitForValue(QStringLiteral("up{instance=\"%1\"}").arg(ws->metricsListen)), 1.0);

        LoadLoop load(ws->entryUrl);
        load.start();
        const DeployOutcome broken = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v3")));
        QVERIFY_OUTCOME(broken, DeploymentStatus::RolledBack);
        QVERIFY2(broken.message.contains(u"error-rate: Failed"), qPrintable(broken.describe()));
        QVERIFY2(broken.transcript().contains(u"PromQL on " + m_stack->prometheusUrl()),
                 qPrintable(broken.describe()));
        const std::optional<DeploymentRecord> brokenRecord = m_bed->ledger()->get(broken.id);
        QVERIFY(brokenRecord);
        const TestResult* failed = analysisResult(*brokenRecord, QStringLiteral("error-rate"));
        QVERIFY(failed && !failed->passed);
        const QJsonArray failedValues = failed->metrics.value(QStringLiteral("values")).toArray();
        QVERIFY2(!failedValues.isEmpty() && failedValues.last().toDouble() >= 0.2,
                 qPrintable(broken.describe()));

        // The broken canary's answers leave the window before the next canary is measured.
        const QString greenErrors =
            QStringLiteral("sum(rate(haproxy_server_http_responses_total{server=~\"green.*\","
                           "code=\"5xx\",instance=\"%1\"}[5s]))")
                .arg(ws->metricsListen);
        QTRY_COMPARE_WITH_TIMEOUT(waitForValue(greenErrors), 0.0, 20000);
        load.reset();
        const DeployOutcome healthy = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v2")));
        load.stop();
        QVERIFY_OUTCOME(healthy, DeploymentStatus::Completed);
        const std::optional<DeploymentRecord> healthyRecord = m_bed->ledger()->get(healthy.id);
        QVERIFY(healthyRecord);
        const TestResult* passed = analysisResult(*healthyRecord, QStringLiteral("error-rate"));
        QVERIFY(passed && passed->passed);
        // Measured shares of real requests, not NaN readings let through as inconclusive.
        const QJsonArray passedValues = passed->metrics.value(QStringLiteral("values")).toArray();
        QCOMPARE(passedValues.size(), 3);
        for (const QJsonValue& value : passedValues)
            QVERIFY2(value.isDouble() && value.toDouble() < 0.05,
                     qPrintable(QString::fromUtf8(
                                    QJsonDocument(passedValues).toJson(QJsonDocument::Compact)) +
                                u'\n' + healthy.transcript().right(2000)));
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v2"), 10s));
    }

    void unreachablePrometheusGivesErrorMeasurements()
    {
        const quint16 closed = launchdeck::test::pickFreeLoopbackPort();
        DeployAppOptions options;
        options.application = QStringLiteral("promdown");
        options.strategy = QStringLiteral("canary");
        options.prometheus = QStringLiteral("http://127.0.0.1:%1").arg(closed);
        options.canarySteps = {QStringLiteral("{set_weight: 50}"),
                               QStringLiteral("{analysis: error-rate}")};
        options.analysisYaml = QStringLiteral("        error-rate:\n"
                                              "          metric: prometheus\n"
                                              "          query: vector(0)\n"
                                              "          interval: 1s\n"
                                              "          count: 5\n"
                                              "          consecutive_error_limit: 2\n"
                                              "          success_condition: \"result < 1\"\n");
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeployOutcome first = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        const DeployOutcome second = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v2")));
        QVERIFY_OUTCOME(second, DeploymentStatus::RolledBack);
        QVERIFY2(
            second.message.contains(
                u"error-rate: Error after 3 of 5 measurements (3 consecutive errors > limit 2)"),
            qPrintable(second.describe()));
        // Each error names the server it could not reach.
        const QString server = QStringLiteral("127.0.0.1:%1").arg(closed);
        QCOMPARE(second.transcript().count(u"→ Error"), 3);
        QVERIFY2(second.message.contains(server), qPrintable(second.describe()));
    }

    void preflightNamesTheEnvironmentWithoutPrometheus()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("promless");
        options.strategy = QStringLiteral("canary");
        options.canarySteps = {QStringLiteral("{set_weight: 50}"),
                               QStringLiteral("{analysis: error-rate}")};
        options.analysisYaml = QStringLiteral("        error-rate:\n"
                                              "          metric: prometheus\n"
                                              "          query: vector(0)\n"
                                              "          success_condition: \"result < 1\"\n");
        const auto ws = workspace(options);
        QVERIFY(ws);
        const DeployOutcome refused = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(refused, DeploymentStatus::Failed);
        QVERIFY2(refused.transcript().contains(
                     u"analysis 'error-rate' queries Prometheus, and environment staging has no "
                     u"Prometheus server"),
                 qPrintable(refused.describe()));
        QVERIFY(m_bed->containers(options.application).isEmpty());
    }

    void alertmanagerAlertRollsBackDuringMonitoring()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("alerted");
        options.alertmanager = m_stack->alertmanagerUrl();
        options.monitor = QStringLiteral("60s");
        options.triggersYaml = QStringLiteral("        alerts: [CanaryBroken]\n");
        const auto ws = workspace(options);
        QVERIFY(ws);
        DeploymentContext quick = ws->context;
        quick.workspace.applications.first().rollback.monitorWindow = 2s;
        const DeployOutcome first =
            DeployTestBed::run(quick, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        // The same alert for another environment is no reason to roll staging back.
        m_stack->setGauge(QStringLiteral("alarm-elsewhere"), 1);
        bool raised = false;
        const DeployOutcome alerted = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v2")), 180s,
            [&](const DeploymentEvent& event) {
                if (!raised && event.kind == DeploymentEvent::Kind::Stage &&
                    event.stage == DeploymentStage::Monitoring) {
                    raised = true;
                    // Let a few readings see only the other environment's alert first.
                    QTimer::singleShot(3000, &m_timers,
                                       [this] { m_stack->setGauge(QStringLiteral("alarm"), 1); });
                }
            });
        m_stack->setGauge(QStringLiteral("alarm"), 0);
        m_stack->setGauge(QStringLiteral("alarm-elsewhere"), 0);
        QVERIFY_OUTCOME(alerted, DeploymentStatus::RolledBack);
        QVERIFY2(alerted.message.contains(u"monitoring: alert CanaryBroken firing since ") &&
                     alerted.message.contains(u"the test raised the alarm"),
                 qPrintable(alerted.describe()));
        const std::optional<DeploymentRecord> record = m_bed->ledger()->get(alerted.id);
        QVERIFY(record);
        QVERIFY(std::any_of(
            record->transitions.begin(), record->transitions.end(),
            [](const StageTransition& t) { return t.stage == DeploymentStage::Monitoring; }));
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v1"), 10s));
    }

    void promqlTriggerTripsOnlyOnceHeldForItsDuration()
    {
        DeployAppOptions options;
        options.application = QStringLiteral("triggered");
        options.prometheus = m_stack->prometheusUrl();
        options.monitor = QStringLiteral("14s");
        options.triggersYaml =
            QStringLiteral("        prometheus:\n"
                           "          - query: 'max(launchdeck_test_value{name=\"trigger\"})'\n"
                           "            condition: \"result > 0\"\n"
                           "            for: 3s\n"
                           "          - query: 'max(launchdeck_test_value{name=\"spike\"})'\n"
                           "            condition: \"result > 0\"\n"
                           "            for: 6s\n");
        const auto ws = workspace(options);
        QVERIFY(ws);
        DeploymentContext quick = ws->context;
        quick.workspace.applications.first().rollback.monitorWindow = 2s;
        const DeployOutcome first =
            DeployTestBed::run(quick, deployRequest(options.application, QStringLiteral("v1")));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);

        // A spike shorter than its `for`: seen by Prometheus, yet no rollback.
        bool spiked = false;
        const DeployOutcome calm = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v2")), 180s,
            [&](const DeploymentEvent& event) {
                if (!spiked && event.kind == DeploymentEvent::Kind::Stage &&
                    event.stage == DeploymentStage::Monitoring) {
                    spiked = true;
                    m_stack->setGauge(QStringLiteral("spike"), 1);
                    QTimer::singleShot(2000, &m_timers,
                                       [this] { m_stack->setGauge(QStringLiteral("spike"), 0); });
                }
            });
        QVERIFY_OUTCOME(calm, DeploymentStatus::Completed);
        QCOMPARE(waitForValue(
                     QStringLiteral("max_over_time(launchdeck_test_value{name=\"spike\"}[2m])")),
                 1.0);

        // Held past its `for`: the rollback names the query, its value, the condition and how
        // long it held.
        bool raised = false;
        const DeployOutcome tripped = DeployTestBed::run(
            ws->context, deployRequest(options.application, QStringLiteral("v1")), 180s,
            [&](const DeploymentEvent& event) {
                if (!raised && event.kind == DeploymentEvent::Kind::Stage &&
                    event.stage == DeploymentStage::Monitoring) {
                    raised = true;
                    m_stack->setGauge(QStringLiteral("trigger"), 1);
                }
            });
        m_stack->setGauge(QStringLiteral("trigger"), 0);
        QVERIFY_OUTCOME(tripped, DeploymentStatus::RolledBack);
        QVERIFY2(tripped.message.contains(
                     u"monitoring: PromQL trigger 'max(launchdeck_test_value{name=\"trigger\"})' "
                     u"at 1 met 'result > 0' for ") &&
                     tripped.message.contains(u"(for: 3 s)"),
                 qPrintable(tripped.describe()));
        QVERIFY(waitForBody(ws->entryUrl, QStringLiteral("v2"), 10s));
    }
};

QTEST_GUILESS_MAIN(TestDeployMonitoring)
#include "tst_deploymonitoring.moc"
