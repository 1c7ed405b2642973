// Canary analysis: Argo's measurement limits, readings of several values (a PromQL vector), empty
// results and NaN, the error rate from HAProxy's counters, metric values and the rollback
// triggers (the condition parser has its own suite in the core).
#include "deploy/analysis.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace launchdeck;
using namespace launchdeck::deploy;

namespace {

AnalysisTemplate errorRateTemplate(int count, int failureLimit = 0, int inconclusiveLimit = 0,
                                   int consecutiveErrorLimit = 4)
{
    AnalysisTemplate analysis;
    analysis.name = QStringLiteral("error-rate");
    analysis.metric = QStringLiteral("error_rate");
    analysis.count = count;
    analysis.successCondition = QStringLiteral("result < 0.01");
    analysis.failureCondition = QStringLiteral("result >= 0.05");
    analysis.failureLimit = failureLimit;
    analysis.inconclusiveLimit = inconclusiveLimit;
    analysis.consecutiveErrorLimit = consecutiveErrorLimit;
    return analysis;
}

AnalysisRun makeRun(const AnalysisTemplate& analysis)
{
    auto run = AnalysisRun::create(analysis);
    if (!run)
        qFatal("%s", qPrintable(run.error().toString()));
    return std::move(run).value();
}

TrafficCounters counters(qint64 requests, qint64 http5xx, qint64 failures, int responseTimeMs = 0)
{
    return TrafficCounters{requests, http5xx, failures, responseTimeMs};
}

// The trigger's reason, or "-" when the reading tripped none.
QString reason(const std::optional<QString>& tripped)
{
    return tripped.value_or(QStringLiteral("-"));
}

} // namespace

class TestAnalysis final : public QObject
{
    Q_OBJECT

private slots:
    void phaseNames()
    {
        QCOMPARE(measurementPhaseName(MeasurementPhase::Successful), u"Successful");
        QCOMPARE(measurementPhaseName(MeasurementPhase::Failed), u"Failed");
        QCOMPARE(measurementPhaseName(MeasurementPhase::Inconclusive), u"Inconclusive");
        QCOMPARE(measurementPhaseName(MeasurementPhase::Error), u"Error");
        QCOMPARE(analysisPhaseName(AnalysisPhase::Running), u"Running");
        QCOMPARE(analysisPhaseName(AnalysisPhase::Successful), u"Successful");
        QCOMPARE(analysisPhaseName(AnalysisPhase::Failed), u"Failed");
        QCOMPARE(analysisPhaseName(AnalysisPhase::Inconclusive), u"Inconclusive");
        QCOMPARE(analysisPhaseName(AnalysisPhase::Error), u"Error");
    }

    void createRejectsBadTemplates()
    {
        AnalysisTemplate bad = errorRateTemplate(3);
        bad.failureCondition = QStringLiteral("result => 0.05");
        const auto badRun = AnalysisRun::create(bad);
        QVERIFY(!badRun.ok());
        QCOMPARE(badRun.error().message,
                 QStringLiteral("analysis 'error-rate': condition 'result => 0.05': unknown "
                                "operator at column 8"));
        QCOMPARE(badRun.error().where, QStringLiteral("analysis error-rate"));

        AnalysisTemplate none = errorRateTemplate(3);
        none.successCondition.clear();
        none.failureCondition = QStringLiteral("  ");
        const auto noneRun = AnalysisRun::create(none);
        QVERIFY(!noneRun.ok());
        QVERIFY(noneRun.error().message.startsWith(u"analysis 'error-rate': "));
        QCOMPARE(noneRun.error().where, QStringLiteral("analysis error-rate"));
    }

    void measurementPhases()
    {
        AnalysisRun run = makeRun(errorRateTemplate(10, 10, 10));
        QCOMPARE(run.measure(0.001).phase, MeasurementPhase::Successful);
        QCOMPARE(run.measure(0.02).phase, MeasurementPhase::Inconclusive);
        QCOMPARE(run.measure(0.05).phase, MeasurementPhase::Failed);
        const Measurement& error = run.measure(std::nullopt, QStringLiteral("no traffic"));
        QCOMPARE(error.phase, MeasurementPhase::Error);
        QCOMPARE(error.message, QStringLiteral("no traffic"));
        QVERIFY(!error.value.has_value());
        QCOMPARE(run.successes(), 1);
        QCOMPARE(run.inconclusives(), 1);
        QCOMPARE(run.failures(), 1);
        QCOMPARE(run.consecutiveErrors(), 1);
        QCOMPARE(run.phase(), AnalysisPhase::Running);
        QCOMPARE(run.measurements().size(), 4);

        const QDateTime when = QDateTime(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC);
        QCOMPARE(run.measure(0.0, {}, when).at, when);
    }

    void failureWinsWhenBothHold()
    {
        AnalysisTemplate overlapping = errorRateTemplate(5, 5);
        overlapping.successCondition = QStringLiteral("result < 1");
        overlapping.failureCondition = QStringLiteral("result > 0.5");
        AnalysisRun run = makeRun(overlapping);
        QCOMPARE(run.measure(0.7).phase, MeasurementPhase::Failed);
        QCOMPARE(run.measure(0.2).phase, MeasurementPhase::Successful);
    }

    void singleConditionNegatesTheOther()
    {
        AnalysisTemplate successOnly = errorRateTemplate(5, 5);
        successOnly.failureCondition.clear();
        AnalysisRun a = makeRun(successOnly);
        QCOMPARE(a.measure(0.001).phase, MeasurementPhase::Successful);
        QCOMPARE(a.measure(0.02).phase, MeasurementPhase::Failed);

        AnalysisTemplate failureOnly = errorRateTemplate(5, 5);
        failureOnly.successCondition.clear();
        AnalysisRun b = makeRun(failureOnly);
        QCOMPARE(b.measure(0.02).phase, MeasurementPhase::Successful);
        QCOMPARE(b.measure(0.06).phase, MeasurementPhase::Failed);
    }

    void allSuccessfulEndsAtCount()
    {
        AnalysisRun run = makeRun(errorRateTemplate(3));
        run.measure(0.001);
        run.measure(0.002);
        QCOMPARE(run.phase(), AnalysisPhase::Running);
        QVERIFY(!run.isDone());
        QCOMPARE(run.summary(),
                 QStringLiteral("error-rate: Running, 2 of 3 measurements, last 0.002"));
        run.measure(0.003);
        QCOMPARE(run.phase(), AnalysisPhase::Successful);
        QVERIFY(run.isDone());
        QCOMPARE(run.successes(), 3);
        QCOMPARE(run.summary(),
                 QStringLiteral("error-rate: Successful after 3 of 3 measurements, last 0.003"));
    }

    void countBelowOneMeansOne()
    {
        AnalysisRun run = makeRun(errorRateTemplate(0));
        run.measure(0.001);
        QCOMPARE(run.phase(), AnalysisPhase::Successful);
    }

    void failsWhenFailuresExceedTheLimit()
    {
        AnalysisRun run = makeRun(errorRateTemplate(5, 1));
        run.measure(0.42);
        QCOMPARE(run.phase(), AnalysisPhase::Running);
        run.measure(0.001);
        run.measure(0.42);
        QCOMPARE(run.phase(), AnalysisPhase::Failed);
        QCOMPARE(run.failures(), 2);
        QCOMPARE(
            run.summary(),
            QStringLiteral(
                "error-rate: Failed after 3 of 5 measurements (2 failed > limit 1), last 0.42"));

        // Later readings are kept but neither change the phase nor the summary.
        run.measure(0.001);
        run.measure(0.001);
        QCOMPARE(run.measurements().size(), 5);
        QCOMPARE(run.phase(), AnalysisPhase::Failed);
        QCOMPARE(
            run.summary(),
            QStringLiteral(
                "error-rate: Failed after 3 of 5 measurements (2 failed > limit 1), last 0.42"));
    }

    void inconclusive()
    {
        AnalysisRun run = makeRun(errorRateTemplate(5));
        run.measure(0.001);
        run.measure(0.02);
        QCOMPARE(run.phase(), AnalysisPhase::Inconclusive);
        QCOMPARE(run.summary(), QStringLiteral("error-rate: Inconclusive after 2 of 5 measurements "
                                               "(1 inconclusive > limit 0), last 0.02"));

        AnalysisRun tolerant = makeRun(errorRateTemplate(3, 0, 1));
        tolerant.measure(0.02);
        QCOMPARE(tolerant.phase(), AnalysisPhase::Running);
        tolerant.measure(0.001);
        tolerant.measure(0.001);
        QCOMPARE(tolerant.phase(), AnalysisPhase::Successful);
    }

    void consecutiveErrors()
    {
        AnalysisRun run = makeRun(errorRateTemplate(10, 0, 0, 4));
        for (int i = 0; i < 4; ++i)
            run.measure(std::nullopt, QStringLiteral("connection refused"));
        QCOMPARE(run.phase(), AnalysisPhase::Running);
        QCOMPARE(run.consecutiveErrors(), 4);
        run.measure(std::nullopt, QStringLiteral("connection refused"));
        QCOMPARE(run.phase(), AnalysisPhase::Error);
        QCOMPARE(run.consecutiveErrors(), 5);
        QCOMPARE(run.summary(),
                 QStringLiteral("error-rate: Error after 5 of 10 measurements (5 consecutive "
                                "errors > limit 4), last error: connection refused"));
    }

    void errorsResetOnAReading()
    {
        AnalysisRun run = makeRun(errorRateTemplate(10, 0, 0, 2));
        run.measure(std::nullopt, QStringLiteral("timeout"));
        run.measure(std::nullopt, QStringLiteral("timeout"));
        QCOMPARE(run.consecutiveErrors(), 2);
        run.measure(0.001);
        QCOMPARE(run.consecutiveErrors(), 0);
        run.measure(std::nullopt, QStringLiteral("timeout"));
        run.measure(std::nullopt, QStringLiteral("timeout"));
        QCOMPARE(run.phase(), AnalysisPhase::Running);
        run.measure(std::nullopt, QStringLiteral("timeout"));
        QCOMPARE(run.phase(), AnalysisPhase::Error);
    }

    void errorRate_data()
    {
        QTest::addColumn<TrafficCounters>("before");
        QTest::addColumn<TrafficCounters>("after");
        QTest::addColumn<bool>("defined");
        QTest::addColumn<double>("rate");

        QTest::newRow("no errors") << counters(100, 0, 0) << counters(300, 0, 0) << true << 0.0;
        QTest::newRow("5xx and failures")
            << counters(100, 10, 2) << counters(300, 13, 5) << true << 0.03;
        QTest::newRow("all failed") << counters(0, 0, 0) << counters(4, 4, 0) << true << 1.0;
        QTest::newRow("no traffic") << counters(100, 1, 1) << counters(100, 1, 1) << false << 0.0;
        QTest::newRow("requests went backwards")
            << counters(100, 0, 0) << counters(20, 0, 0) << false << 0.0;
        QTest::newRow("5xx went backwards")
            << counters(100, 10, 0) << counters(200, 2, 0) << false << 0.0;
        QTest::newRow("failures went backwards")
            << counters(100, 0, 7) << counters(200, 0, 1) << false << 0.0;
    }
    void errorRate()
    {
        QFETCH(TrafficCounters, before);
        QFETCH(TrafficCounters, after);
        QFETCH(bool, defined);
        QFETCH(double, rate);
        const auto value = deploy::errorRate(before, after);
        QCOMPARE(value.has_value(), defined);
        if (defined)
            QVERIFY2(qAbs(*value - rate) < 1e-12, qPrintable(QString::number(*value)));
    }

    void metricValues()
    {
        const TrafficCounters before = counters(100, 0, 0, 40);
        const TrafficCounters after = counters(200, 5, 0, 120);

        const auto rate = metricValue(QStringLiteral("error_rate"), before, after, 0);
        QVERIFY(rate.ok());
        QVERIFY(rate->has_value());
        QVERIFY(qAbs(**rate - 0.05) < 1e-12);

        for (const QString& name : {QStringLiteral("latency_p95"), QStringLiteral("latency")}) {
            const auto latency = metricValue(name, before, after, 0);
            QVERIFY(latency.ok());
            QCOMPARE(latency->value_or(-1), 120.0);
            const auto idle = metricValue(name, after, after, 0);
            QVERIFY(idle.ok());
            QVERIFY(!idle->has_value());
        }

        const auto restarts = metricValue(QStringLiteral("restarts"), before, after, 2);
        QVERIFY(restarts.ok());
        QCOMPARE(restarts->value_or(-1), 2.0);

        const auto idleRate = metricValue(QStringLiteral("error_rate"), after, after, 0);
        QVERIFY(idleRate.ok());
        QVERIFY(!idleRate->has_value());

        const auto prometheus = metricValue(QStringLiteral("prometheus"), before, after, 0);
        QVERIFY(!prometheus.ok());
        QCOMPARE(prometheus.error().message,
                 QStringLiteral("metric 'prometheus' needs a Prometheus server, which Docker "
                                "analysis does not read"));
        const auto unknown = metricValue(QStringLiteral("x"), before, after, 0);
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().message, QStringLiteral("unknown metric 'x'"));
    }

    void healthFailuresDefaultToThree()
    {
        MonitorTriggers triggers{RollbackPolicy{}};
        MonitorReading unhealthy;
        unhealthy.healthy = false;
        QCOMPARE(reason(triggers.observe(unhealthy)), QStringLiteral("-"));
        QCOMPARE(reason(triggers.observe(unhealthy)), QStringLiteral("-"));
        QCOMPARE(triggers.consecutiveHealthFailures(), 2);
        QCOMPARE(reason(triggers.observe(MonitorReading{})), QStringLiteral("-"));
        QCOMPARE(triggers.consecutiveHealthFailures(), 0);
        QCOMPARE(reason(triggers.observe(unhealthy)), QStringLiteral("-"));
        QCOMPARE(reason(triggers.observe(unhealthy)), QStringLiteral("-"));
        QCOMPARE(reason(triggers.observe(unhealthy)),
                 QStringLiteral("3 consecutive health check failures (limit 3)"));
    }

    void healthFailuresFromThePolicy()
    {
        RollbackPolicy policy;
        policy.healthFailures = 1;
        MonitorTriggers triggers(policy);
        MonitorReading unhealthy;
        unhealthy.healthy = false;
        QCOMPARE(reason(triggers.observe(unhealthy)),
                 QStringLiteral("1 consecutive health check failure (limit 1)"));
    }

    void restarts()
    {
        MonitorReading reading;
        reading.restarts = 5;
        MonitorTriggers unset{RollbackPolicy{}};
        QCOMPARE(reason(unset.observe(reading)), QStringLiteral("-"));

        RollbackPolicy policy;
        policy.restarts = 2;
        MonitorTriggers triggers(policy);
        reading.restarts = 1;
        QCOMPARE(reason(triggers.observe(reading)), QStringLiteral("-"));
        reading.restarts = 2;
        QCOMPARE(reason(triggers.observe(reading)), QStringLiteral("2 restarts (limit 2)"));
    }

    void oomKillAlwaysTrips()
    {
        MonitorTriggers triggers{RollbackPolicy{}};
        MonitorReading reading;
        QCOMPARE(reason(triggers.observe(reading)), QStringLiteral("-"));
        reading.oomKilled = true;
        reading.restarts = 1;
        QCOMPARE(reason(triggers.observe(reading)),
                 QStringLiteral("container killed for lack of memory"));
    }

    void errorRateTrigger()
    {
        MonitorReading reading;
        reading.errorRate = 0.5;
        MonitorTriggers unset{RollbackPolicy{}};
        QCOMPARE(reason(unset.observe(reading)), QStringLiteral("-"));

        RollbackPolicy policy;
        policy.errorRate = 0.05;
        MonitorTriggers triggers(policy);
        reading.errorRate = 0.05;
        QCOMPARE(reason(triggers.observe(reading)), QStringLiteral("-"));
        reading.errorRate.reset();
        QCOMPARE(reason(triggers.observe(reading)), QStringLiteral("-"));
        reading.errorRate = 0.075;
        QCOMPARE(reason(triggers.observe(reading)), QStringLiteral("error rate 7.5% above 5%"));
        reading.errorRate = 0.12345;
        QCOMPARE(reason(triggers.observe(reading)), QStringLiteral("error rate 12.3% above 5%"));
    }

    void latencyTrigger()
    {
        RollbackPolicy policy;
        policy.latencyP95 = std::chrono::milliseconds(500);
        MonitorTriggers triggers(policy);
        MonitorReading reading;
        reading.responseTimeMs = 500;
        QCOMPARE(reason(triggers.observe(reading)), QStringLiteral("-"));
        reading.responseTimeMs.reset();
        QCOMPARE(reason(triggers.observe(reading)), QStringLiteral("-"));
        reading.responseTimeMs = 620;
        QCOMPARE(reason(triggers.observe(reading)),
                 QStringLiteral("response time 620 ms above 500 ms"));
    }

    void memoryTrigger()
    {
        RollbackPolicy policy;
        policy.memoryShare = 0.9;
        MonitorTriggers triggers(policy);
        MonitorReading reading;
        reading.memoryShare = 0.9;
        QCOMPARE(reason(triggers.observe(reading)), QStringLiteral("-"));
        reading.memoryShare = 0.93;
        QCOMPARE(reason(triggers.observe(reading)),
                 QStringLiteral("memory at 93% of its limit (limit 90%)"));
    }

    // ---- several values at once (a PromQL vector), an empty result, NaN ----

    void seriesFailOnOneAndSucceedOnAll()
    {
        const QString g1 = QStringLiteral("{server=\"green1\"}");
        const QString g2 = QStringLiteral("{server=\"green2\"}");
        const QString g3 = QStringLiteral("{server=\"green3\"}");
        AnalysisRun run = makeRun(errorRateTemplate(5, 5, 5));
        const Measurement good = run.measureEach({{g1, 0.001}, {g2, 0.0}});
        QCOMPARE(good.phase, MeasurementPhase::Successful);
        QCOMPARE(good.value, std::optional(0.001));
        QVERIFY2(good.message.endsWith(u"held for all 2 series"), qPrintable(good.message));

        const Measurement oneBad = run.measureEach({{g1, 0.001}, {g2, 0.3}, {g3, 0.02}});
        QCOMPARE(oneBad.phase, MeasurementPhase::Failed);
        QCOMPARE(oneBad.value, std::optional(0.3));
        QCOMPARE(oneBad.message,
                 u"failure condition 'result >= 0.05' held for " + g2 + u" (one of 3 series)");

        // One in between and none bad: neither every series good nor one bad.
        const Measurement between = run.measureEach({{g1, 0.001}, {g3, 0.02}});
        QCOMPARE(between.phase, MeasurementPhase::Inconclusive);
        QCOMPARE(between.value, std::optional(0.02));
        QVERIFY2(between.message.contains(g3), qPrintable(between.message));

        QCOMPARE(run.successes(), 1);
        QCOMPARE(run.failures(), 1);
        QCOMPARE(run.inconclusives(), 1);
        QCOMPARE(run.measurements().size(), 3);
    }

    void oneValueReadsAsThatValue()
    {
        AnalysisRun run = makeRun(errorRateTemplate(5, 5, 5));
        const Measurement scalar = run.measureEach({{QString(), 0.3}});
        QCOMPARE(scalar.phase, MeasurementPhase::Failed);
        QCOMPARE(scalar.message, QStringLiteral("failure condition 'result >= 0.05' held"));
        const Measurement series = run.measureEach({{QStringLiteral("{code=\"5xx\"}"), 0.001}});
        QCOMPARE(series.phase, MeasurementPhase::Successful);
        QCOMPARE(series.message,
                 QStringLiteral("success condition 'result < 0.01' held for {code=\"5xx\"}"));
    }

    void emptyResultIsAnError()
    {
        // Argo cannot evaluate result[0] over an empty vector: an Error measurement, counted
        // against consecutive_error_limit like any other.
        AnalysisRun run = makeRun(errorRateTemplate(5, 0, 0, 1));
        const Measurement empty = run.measureEach({});
        QCOMPARE(empty.phase, MeasurementPhase::Error);
        QVERIFY(!empty.value);
        QVERIFY2(empty.message.contains(u"empty result"), qPrintable(empty.message));
        QCOMPARE(run.phase(), AnalysisPhase::Running);
        run.measureEach({});
        QCOMPARE(run.phase(), AnalysisPhase::Error);
        QVERIFY2(run.summary().endsWith(u"(2 consecutive errors > limit 1), last error: the query "
                                        u"returned an empty result (no series)"),
                 qPrintable(run.summary()));
    }

    void nanGoesThroughTheConditions()
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        // Both conditions: neither holds for NaN, so it is inconclusive.
        AnalysisRun both = makeRun(errorRateTemplate(5, 5, 5));
        const Measurement inconclusive = both.measure(nan);
        QCOMPARE(inconclusive.phase, MeasurementPhase::Inconclusive);
        QVERIFY(inconclusive.value && std::isnan(*inconclusive.value));
        QCOMPARE(both.measureEach({{QStringLiteral("{server=\"green1\"}"), 0.001},
                                   {QStringLiteral("{server=\"green2\"}"), nan}})
                     .phase,
                 MeasurementPhase::Inconclusive);
        QCOMPARE(both.summary(),
                 QStringLiteral("error-rate: Running, 2 of 5 measurements, last NaN"));

        // One condition: the other is its negation, so NaN fails a success condition and
        // passes a failure condition, as Argo documents.
        AnalysisTemplate successOnly = errorRateTemplate(5, 5);
        successOnly.failureCondition.clear();
        QCOMPARE(makeRun(successOnly).measure(nan).phase, MeasurementPhase::Failed);
        AnalysisTemplate failureOnly = errorRateTemplate(5, 5);
        failureOnly.successCondition.clear();
        QCOMPARE(makeRun(failureOnly).measure(nan).phase, MeasurementPhase::Successful);
        // Only != holds for NaN.
        AnalysisTemplate notEqual = errorRateTemplate(5, 5);
        notEqual.successCondition = QStringLiteral("result != 0");
        notEqual.failureCondition.clear();
        QCOMPARE(makeRun(notEqual).measure(nan).phase, MeasurementPhase::Successful);
    }
};

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
