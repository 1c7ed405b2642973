// Canary analysis and rollback triggers: the condition parser, Argo's measurement bookkeeping,
// the error rate from HAProxy's counters and the monitoring window's triggers.
#include "deploy/analysis.h"

#include <algorithm>
#include <cmath>

namespace launchdeck::deploy {

namespace {

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

bool isOperatorChar(QChar c)
{
    return c == u'<' || c == u'>' || c == u'=' || c == u'!';
}

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// A share as a percentage with at most one decimal: 0.075 -> "7.5%", 0.05 -> "5%".
QString percent(double share)
{
    QString text = QString::number(std::round(share * 1000.0) / 10.0, 'f', 1);
    if (text.endsWith(u".0"))
        text.chop(2);
    return text + u'%';
}

QString number(double value)
{
    return QString::number(value, 'g', 6);
}

} // namespace

Result<AnalysisCondition> AnalysisCondition::parse(const QString& text)
{
    AnalysisCondition condition;
    condition.m_text = text;
    if (condition.isEmpty())
        return condition;

    const QStringView input(text);
    const qsizetype size = input.size();
    qsizetype pos = 0;
    const auto fail = [&text](qsizetype at, QStringView what) {
        return Error{QStringLiteral("condition '%1': %2 at column %3")
                         .arg(text, what.toString(), QString::number(at + 1)),
                     {}};
    };
    const auto skipSpace = [&] {
        while (pos < size && input[pos].isSpace())
            ++pos;
    };
    const auto isParenthesis = [&] {
        return pos < size && (input[pos] == u'(' || input[pos] == u')');
    };

    QList<Term> allOf;
    for (;;) {
        skipSpace();
        if (isParenthesis())
            return fail(pos, u"parentheses are not supported");
        const qsizetype wordStart = pos;
        while (pos < size && isWordChar(input[pos]))
            ++pos;
        if (input.sliced(wordStart, pos - wordStart) != u"result")
            return fail(wordStart, u"expected 'result'");

        skipSpace();
        const qsizetype opStart = pos;
        while (pos < size && isOperatorChar(input[pos]))
            ++pos;
        const QStringView op = input.sliced(opStart, pos - opStart);
        Term term;
        if (op.isEmpty())
            return fail(opStart, u"expected a comparison operator");
        else if (op == u"<")
            term.op = Term::Op::Less;
        else if (op == u"<=")
            term.op = Term::Op::LessEqual;
        else if (op == u">")
            term.op = Term::Op::Greater;
        else if (op == u">=")
            term.op = Term::Op::GreaterEqual;
        else if (op == u"==")
            term.op = Term::Op::Equal;
        else if (op == u"!=")
            term.op = Term::Op::NotEqual;
        else
            return fail(opStart, u"unknown operator");

        skipSpace();
        const qsizetype numberStart = pos;
        if (pos < size && (input[pos] == u'-' || input[pos] == u'+'))
            ++pos;
        while (pos < size && (isDigit(input[pos]) || input[pos] == u'.'))
            ++pos;
        if (pos < size && (input[pos] == u'e' || input[pos] == u'E')) {
            ++pos;
            if (pos < size && (input[pos] == u'-' || input[pos] == u'+'))
                ++pos;
            while (pos < size && isDigit(input[pos]))
                ++pos;
        }
        bool ok = false;
        term.value = input.sliced(numberStart, pos - numberStart).toDouble(&ok);
        if (!ok || !std::isfinite(term.value))
            return fail(numberStart, u"expected a number");
        skipSpace();
        if (pos < size && input[pos] == u'%') {
            term.value /= 100.0;
            ++pos;
        }
        allOf.append(term);

        skipSpace();
        if (pos == size)
            break;
        if (isParenthesis())
            return fail(pos, u"parentheses are not supported");
        const QStringView joiner = input.sliced(pos, std::min<qsizetype>(2, size - pos));
        if (joiner == u"||") {
            condition.m_anyOf.append(allOf);
            allOf.clear();
        } else if (joiner != u"&&") {
            return fail(pos, u"expected && or ||");
        }
        pos += 2;
    }
    condition.m_anyOf.append(allOf);
    return condition;
}

bool AnalysisCondition::evaluate(double result) const
{
    const auto holds = [result](const Term& term) {
        switch (term.op) {
        case Term::Op::Less:
            return result < term.value;
        case Term::Op::LessEqual:
            return result <= term.value;
        case Term::Op::Greater:
            return result > term.value;
        case Term::Op::GreaterEqual:
            return result >= term.value;
        case Term::Op::Equal:
            return result == term.value;
        case Term::Op::NotEqual:
            return result != term.value;
        }
        return false;
    };
    return std::any_of(m_anyOf.cbegin(), m_anyOf.cend(), [&holds](const QList<Term>& allOf) {
        return std::all_of(allOf.cbegin(), allOf.cend(), holds);
    });
}

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
        // As Argo: with one condition only, the other is its negation, so a template with just a
        // success condition fails readings that miss it rather than leaving them inconclusive.
        const bool hasSuccess = !m_success.isEmpty();
        const bool hasFailure = !m_failure.isEmpty();
        bool succeeded = m_success.evaluate(*value);
        bool failed = m_failure.evaluate(*value);
        if (!hasFailure)
            failed = !succeeded;
        if (!hasSuccess)
            succeeded = !failed;
        const QString success = m_success.text().trimmed();
        const QString failure = m_failure.text().trimmed();
        if (failed) {
            measurement.phase = MeasurementPhase::Failed;
            measurement.message =
                hasFailure ? QStringLiteral("failure condition '%1' held").arg(failure)
                           : QStringLiteral("success condition '%1' did not hold").arg(success);
        } else if (succeeded) {
            measurement.phase = MeasurementPhase::Successful;
            measurement.message =
                hasSuccess ? QStringLiteral("success condition '%1' held").arg(success)
                           : QStringLiteral("failure condition '%1' did not hold").arg(failure);
        } else {
            measurement.phase = MeasurementPhase::Inconclusive;
            measurement.message =
                QStringLiteral("neither '%1' nor '%2' held").arg(success, failure);
        }
    }
    m_measurements.append(measurement);
    // The counters stop with the decision, so the summary keeps describing it.
    if (isDone())
        return m_measurements.constLast();

    switch (measurement.phase) {
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
    m_consecutiveErrors =
        measurement.phase == MeasurementPhase::Error ? m_consecutiveErrors + 1 : 0;

    const int taken = m_successes + m_failures + m_inconclusives + m_errors;
    if (m_failures > m_template.failureLimit)
        m_phase = AnalysisPhase::Failed;
    else if (m_inconclusives > m_template.inconclusiveLimit)
        m_phase = AnalysisPhase::Inconclusive;
    else if (m_consecutiveErrors > m_template.consecutiveErrorLimit)
        m_phase = AnalysisPhase::Error;
    else if (taken >= std::max(m_template.count, 1))
        m_phase = AnalysisPhase::Successful;
    return m_measurements.constLast();
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
            text += u", last " + number(*last.value);
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
