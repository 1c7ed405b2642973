// Argo Rollouts-style analysis of a canary and the triggers that end a monitoring window: the
// conditions ("result < 0.01"), the measurement bookkeeping with Argo's limits, the error rate
// and response time drawn from HAProxy's counters, and the rollback triggers of an application.
#pragma once

#include "core/analysiscondition.h"
#include "core/result.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace launchdeck::deploy {

using launchdeck::AnalysisCondition;

enum class MeasurementPhase { Successful, Failed, Inconclusive, Error };
enum class AnalysisPhase { Running, Successful, Failed, Inconclusive, Error };

QString measurementPhaseName(MeasurementPhase phase); // "Successful", …
QString analysisPhaseName(AnalysisPhase phase);

// One value of a reading that has several: a PromQL vector gives one per series.
struct SeriesValue
{
    QString series; // its labels, `{server="green1"}`; empty for a scalar
    double value = 0;
};

struct Measurement
{
    QDateTime at;
    std::optional<double> value; // none when the metric could not be read
    MeasurementPhase phase = MeasurementPhase::Inconclusive;
    QString message; // the reading error, or which condition held
};

// One run of an analysis template. Argo's semantics: each measurement is Successful when the
// success condition holds, Failed when the failure condition holds (failure wins when both do),
// else Inconclusive; an unreadable metric is an Error. The run Fails as soon as failures exceed
// failureLimit, is Inconclusive when inconclusives exceed inconclusiveLimit, errors when
// consecutive errors exceed consecutiveErrorLimit, and is Successful once `count` measurements
// were taken without any of these.
class AnalysisRun final
{
public:
    // Fails when a condition does not parse (naming the template and the condition).
    static Result<AnalysisRun> create(const AnalysisTemplate& analysis);

    const AnalysisTemplate& analysis() const { return m_template; }
    // Records one reading (value, or an error text when it could not be read) and returns it.
    const Measurement& measure(std::optional<double> value, const QString& error = {},
                               const QDateTime& at = QDateTime::currentDateTimeUtc());
    // Records one reading of several values, each judged alone: Failed when any is Failed,
    // else Inconclusive when any is Inconclusive, else Successful — so the failure condition
    // needs one bad series and success needs every series good. The measurement keeps the
    // deciding value (the first that failed, the first inconclusive, or the first). No value at
    // all is an Error, as Argo's conditions cannot be evaluated over an empty result.
    const Measurement& measureEach(const QList<SeriesValue>& values,
                                   const QDateTime& at = QDateTime::currentDateTimeUtc());

    AnalysisPhase phase() const { return m_phase; }
    bool isDone() const { return m_phase != AnalysisPhase::Running; }
    const QList<Measurement>& measurements() const { return m_measurements; }
    int successes() const { return m_successes; }
    int failures() const { return m_failures; }
    int inconclusives() const { return m_inconclusives; }
    int consecutiveErrors() const { return m_consecutiveErrors; }
    // "error-rate: Failed after 3 of 5 measurements (2 failed > limit 1), last 0.42"
    QString summary() const;

private:
    AnalysisRun(AnalysisTemplate analysis, AnalysisCondition success, AnalysisCondition failure);
    // The phase of one value and the words saying why.
    MeasurementPhase judge(double value, QString* why) const;
    const Measurement& record(Measurement measurement);

    AnalysisTemplate m_template;
    AnalysisCondition m_success;
    AnalysisCondition m_failure;
    QList<Measurement> m_measurements;
    AnalysisPhase m_phase = AnalysisPhase::Running;
    int m_successes = 0;
    int m_failures = 0;
    int m_inconclusives = 0;
    int m_errors = 0;
    int m_consecutiveErrors = 0;
};

// Summed HAProxy counters of a group of servers at one moment.
struct TrafficCounters
{
    qint64 requests = 0;    // req_tot
    qint64 http5xx = 0;     // hrsp_5xx
    qint64 failures = 0;    // econ + eresp: requests that got no answer from the server
    int responseTimeMs = 0; // rtime, averaged over the servers that answered
};

// Share of requests between two readings that failed (5xx or no answer); none when no request
// was served in between or the counters went backwards (HAProxy restarted).
std::optional<double> errorRate(const TrafficCounters& before, const TrafficCounters& after);

// The value of an analysis template's metric between two readings: error_rate as above,
// latency_p95 as HAProxy's average response time of the later reading in milliseconds (HAProxy
// keeps no percentiles), restarts as `restartsDelta`. Fails for metrics it cannot compute
// (prometheus), naming the metric.
Result<std::optional<double>> metricValue(const QString& metric, const TrafficCounters& before,
                                          const TrafficCounters& after, int restartsDelta);

// One look at the new revision during MONITORING.
struct MonitorReading
{
    bool healthy = true; // every replica answered its health check
    int restarts = 0;    // restarts plus OOM kills since the window began, all replicas
    bool oomKilled = false;
    std::optional<double> errorRate;   // since the previous reading; none: no traffic
    std::optional<int> responseTimeMs; // HAProxy's average
    std::optional<double> memoryShare; // the highest replica's usage ÷ its limit
    QString unhealthyWhy; // when not healthy: what was seen, e.g. "pod web-1: not Ready"
};

// The application's rollback triggers over a monitoring window: feed readings in order; the
// first reading that trips a trigger returns the reason, e.g. "3 consecutive health check
// failures (limit 3)", "error rate 7.5% above 5%", "2 restarts (limit 2)", "container killed
// for lack of memory", "memory at 93% of its limit (limit 90%)". Health failures default to 3
// when the policy names none; other triggers only apply when the policy sets them.
class MonitorTriggers final
{
public:
    explicit MonitorTriggers(RollbackPolicy policy);
    std::optional<QString> observe(const MonitorReading& reading);
    int consecutiveHealthFailures() const { return m_healthFailures; }

private:
    RollbackPolicy m_policy;
    int m_healthFailures = 0;
};

} // namespace launchdeck::deploy
