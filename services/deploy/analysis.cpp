// Canary analysis and rollback triggers: Argo's measurement bookkeeping,
// the error rate from HAProxy's counters and the monitoring window's triggers.
#include "deploy/analysis.h"

#include <algorithm>
#include <cmath>

namespace launchdeck::deploy {

namespace {

// A share as a percentage with at most one decimal: 0.075 -> "7.5%", 0.05 -> "5%".
QString percent(double share)
{
    QString text = QString::number(std::round(share * 1000.0) / 10.0, 'f', 1);
    if (text.endsWith(u".0"))
        text.chop(2);
    return text + u'%';
}

} // namespace

QString measurementPhaseName(MeasurementPhase phase)
{
    switch (phase) {
    case MeasurementPhase::Successful:
        return QStringLiteral("Successful");
    case MeasurementPhase::Failed:
        return QStringLiteral("Failed");
    case MeasurementPhase::Inconclusive:
        return QStringLiteral("Inconclusive");
    case MeasurementPhase::Error:
        return QStringLiteral("Error");
    }
    return {};
}

QString analysisPhaseName(AnalysisPhase phase)
{
    switch (phase) {
    case AnalysisPhase::Running:
        return QStringLiteral("Running");
    case AnalysisPhase::Successful:
        return QStringLiteral("Successful");
    case AnalysisPhase::Failed:
        return QStringLiteral("Failed");
    case AnalysisPhase::Inconclusive:
        return QStringLiteral("Inconclusive");
    case AnalysisPhase::Error:
        return QStringLiteral("Error");
    }
    return {};
}

AnalysisRun::AnalysisRun(AnalysisTemplate analysis, AnalysisCondition success,
                         AnalysisCondition failure)
    : m_template(std::move(analysis))
    , m_success(std::move(success))
    , m_failure(std::move(failure))
{}

Result<AnalysisRun> AnalysisRun::create(const AnalysisTemplate& analysis)
{
    const QString where = QStringLiteral("analysis ") + analysis.name;
    const auto failed = [&](const QString& what) {
        return Error{QStringLiteral("analysis '%1': %2").arg(analysis.name, what), where};
    };
    auto success = AnalysisCondition::parse(analysis.successCondition);
    if (!success)
        return failed(success.error().message);
    auto failure = AnalysisCondition::parse(analysis.failureCondition);
    if (!failure)
        return failed(failure.error().message);
    if (success->isEmpty() && failure->isEmpty())
        return failed(QStringLiteral("needs a success or a failure condition"));
    return AnalysisRun(analysis, std::move(success).value(), std::move(failure).value());
}

MeasurementPhase AnalysisRun::judge(double value, QString* why) const
{
    // As Argo: with one condition only, the other is its negation, so a template with just a
    // success condition fails readings that miss it rather than leaving them inconclusive. NaN
    // goes through the conditions as any value does (Argo stopped special-casing it in v0.10):
    // every comparison with it is false but !=, so with both conditions it is inconclusive.
    const bool hasSuccess = !m_success.isEmpty();
    const bool hasFailure = !m_failure.isEmpty();
    bool succeeded = m_success.evaluate(value);
    bool failed = m_failure.evaluate(value);
    if (!hasFailure)
        failed = !succeeded;
    if (!hasSuccess)
        succeeded = !failed;
    const QString success = m_success.text().trimmed();
    const QString failure = m_failure.text().trimmed();
    if (failed) {
        *why = hasFailure ? QStringLiteral("failure condition '%1' held").arg(failure)
                          : QStringLiteral("success condition '%1' did not hold").arg(success);
        return MeasurementPhase::Failed;
    }
    if (succeeded) {
        *why = hasSuccess ? QStringLiteral("success condition '%1' held").arg(success)
                          : QStringLiteral("failure condition '%1' did not hold").arg(failure);
        return MeasurementPhase::Successful;
    }
    *why = QStringLiteral("neither '%1' nor '%2' held").arg(success, failure);
    return MeasurementPhase::Inconclusive;
}

const Measurement& AnalysisRun::measure(std::optional<double> value, const QString& error,
                                        const QDateTime& at)
{
    Measurement measurement;
    measurement.at = at;
    measurement.value = value;
    if (!value) {
        measurement.phase = MeasurementPhase::Error;
        measurement.message =
            error.isEmpty() ? QStringLiteral("the metric could not be read") : error;
    } else {
        measurement.phase = judge(*value, &measurement.message);
    }
    return record(std::move(measurement));
}

const Measurement& AnalysisRun::measureEach(const QList<SeriesValue>& values, const QDateTime& at)
{
    if (values.isEmpty())
        return measure(std::nullopt,
                       QStringLiteral("the query returned an empty result (no series)"), at);
    if (values.size() == 1 && values.first().series.isEmpty())
        return measure(values.first().value, {}, at);
    Measurement measurement;
    measurement.at = at;
    int decidingRank = -1;
    QString decidingSeries;
    for (const SeriesValue& each : values) {
        QString why;
        const MeasurementPhase phase = judge(each.value, &why);
        // Failed outranks Inconclusive, which outranks Successful; the first of a rank decides.
        const int rank = phase == MeasurementPhase::Failed         ? 2
                         : phase == MeasurementPhase::Inconclusive ? 1
                                                                   : 0;
        if (rank > decidingRank) {
            decidingRank = rank;
            measurement.phase = phase;
            measurement.value = each.value;
            measurement.message = why;
            decidingSeries = each.series;
        }
    }
    const QString series = decidingSeries.isEmpty() ? QStringLiteral("{}") : decidingSeries;
    if (values.size() == 1)
        measurement.message += u" for " + series;
    else if (measurement.phase == MeasurementPhase::Successful)
        measurement.message += QStringLiteral(" for all %1 series").arg(values.size());
    else
        measurement.message +=
            QStringLiteral(" for %1 (one of %2 series)").arg(series).arg(values.size());
    return record(std::move(measurement));
}

const Measurement& AnalysisRun::record(Measurement measurement)
{
    m_measurements.append(std::move(measurement));
    const Measurement& last = m_measurements.constLast();
    // The counters stop with the decision, so the summary keeps describing it.
    if (isDone())
        return last;

    switch (last.phase) {
    case MeasurementPhase::Successful:
        ++m_successes;
        break;
    case MeasurementPhase::Failed:
        ++m_failures;
        break;
    case MeasurementPhase::Inconclusive:
        ++m_inconclusives;
        break;
    case MeasurementPhase::Error:
        ++m_errors;
        break;
    }
    m_consecutiveErrors = last.phase == MeasurementPhase::Error ? m_consecutiveErrors + 1 : 0;

    const int taken = m_successes + m_failures + m_inconclusives + m_errors;
    if (m_failures > m_template.failureLimit)
        m_phase = AnalysisPhase::Failed;
    else if (m_inconclusives > m_template.inconclusiveLimit)
        m_phase = AnalysisPhase::Inconclusive;
    else if (m_consecutiveErrors > m_template.consecutiveErrorLimit)
        m_phase = AnalysisPhase::Error;
    else if (taken >= std::max(m_template.count, 1))
        m_phase = AnalysisPhase::Successful;
    return last;
}

QString AnalysisRun::summary() const
{
    const int taken = m_successes + m_failures + m_inconclusives + m_errors;
    const int count = std::max(m_template.count, 1);
    QString text = m_template.name + u": " + analysisPhaseName(m_phase);
    text += (isDone() ? QStringLiteral(" after %1 of %2 measurements")
                      : QStringLiteral(", %1 of %2 measurements"))
                .arg(taken)
                .arg(count);
    switch (m_phase) {
    case AnalysisPhase::Failed:
        text +=
            QStringLiteral(" (%1 failed > limit %2)").arg(m_failures).arg(m_template.failureLimit);
        break;
    case AnalysisPhase::Inconclusive:
        text += QStringLiteral(" (%1 inconclusive > limit %2)")
                    .arg(m_inconclusives)
                    .arg(m_template.inconclusiveLimit);
        break;
    case AnalysisPhase::Error:
        text += QStringLiteral(" (%1 consecutive errors > limit %2)")
                    .arg(m_consecutiveErrors)
                    .arg(m_template.consecutiveErrorLimit);
        break;
    case AnalysisPhase::Running:
    case AnalysisPhase::Successful:
        break;
    }
    if (taken > 0) {
        const Measurement& last = m_measurements.at(taken - 1);
        if (last.value)
            text += u", last " + conditionValueText(*last.value);
        else
            text += u", last error: " + last.message;
    }
    return text;
}

std::optional<double> errorRate(const TrafficCounters& before, const TrafficCounters& after)
{
    const qint64 requests = after.requests - before.requests;
    const qint64 http5xx = after.http5xx - before.http5xx;
    const qint64 failures = after.failures - before.failures;
    if (requests <= 0 || http5xx < 0 || failures < 0)
        return std::nullopt;
    const double rate = static_cast<double>(http5xx + failures) / static_cast<double>(requests);
    // Connection errors may be counted apart from req_tot; a share never exceeds the whole.
    return std::min(rate, 1.0);
}

Result<std::optional<double>> metricValue(const QString& metric, const TrafficCounters& before,
                                          const TrafficCounters& after, int restartsDelta)
{
    if (metric == u"error_rate")
        return errorRate(before, after);
    if (metric == u"latency_p95" || metric == u"latency") {
        if (after.requests == before.requests)
            return std::optional<double>();
        return std::optional<double>(static_cast<double>(after.responseTimeMs));
    }
    if (metric == u"restarts")
        return std::optional<double>(static_cast<double>(restartsDelta));
    if (metric == u"prometheus")
        return Error{QStringLiteral("metric 'prometheus' needs a Prometheus server, which Docker "
                                    "analysis does not read"),
                     {}};
    return Error{QStringLiteral("unknown metric '%1'").arg(metric), {}};
}

MonitorTriggers::MonitorTriggers(RollbackPolicy policy)
    : m_policy(std::move(policy))
{}

std::optional<QString> MonitorTriggers::observe(const MonitorReading& reading)
{
    m_healthFailures = reading.healthy ? 0 : m_healthFailures + 1;
    const int healthLimit = m_policy.healthFailures.value_or(3);
    if (!reading.healthy && m_healthFailures >= healthLimit)
        return (m_healthFailures == 1
                    ? QStringLiteral("%1 consecutive health check failure (limit %2)")
                    : QStringLiteral("%1 consecutive health check failures (limit %2)"))
            .arg(m_healthFailures)
            .arg(healthLimit);
    if (reading.oomKilled)
        return QStringLiteral("container killed for lack of memory");
    if (m_policy.restarts && reading.restarts >= *m_policy.restarts)
        return (reading.restarts == 1 ? QStringLiteral("%1 restart (limit %2)")
                                      : QStringLiteral("%1 restarts (limit %2)"))
            .arg(reading.restarts)
            .arg(*m_policy.restarts);
    if (m_policy.errorRate && reading.errorRate && *reading.errorRate > *m_policy.errorRate)
        return QStringLiteral("error rate %1 above %2")
            .arg(percent(*reading.errorRate), percent(*m_policy.errorRate));
    if (m_policy.latencyP95 && reading.responseTimeMs &&
        *reading.responseTimeMs > m_policy.latencyP95->count())
        return QStringLiteral("response time %1 ms above %2 ms")
            .arg(*reading.responseTimeMs)
            .arg(m_policy.latencyP95->count());
    if (m_policy.memoryShare && reading.memoryShare && *reading.memoryShare > *m_policy.memoryShare)
        return QStringLiteral("memory at %1 of its limit (limit %2)")
            .arg(percent(*reading.memoryShare), percent(*m_policy.memoryShare));
    return std::nullopt;
}

} // namespace launchdeck::deploy
