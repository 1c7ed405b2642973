// Judging and presenting a load test's figures: thresholds and the k6-style summary.
#include "http/loadtest.h"

#include <QStringList>

#include <algorithm>

namespace launchdeck::http {

namespace {

QString formatMs(double ms)
{
    if (ms < 1.0)
        return QString::number(ms * 1000.0, 'f', 0) + u"µs";
    if (ms < 1000.0)
        return QString::number(ms, 'f', 2) + u"ms";
    return QString::number(ms / 1000.0, 'f', 2) + u's';
}

QString formatPercent(double rate)
{
    return QString::number(rate * 100.0, 'f', 2) + u'%';
}

QString formatBytes(qint64 bytes)
{
    if (bytes < 1000)
        return QString::number(bytes) + u" B";
    if (bytes < 1000 * 1000)
        return QString::number(double(bytes) / 1e3, 'f', 1) + u" kB";
    return QString::number(double(bytes) / 1e6, 'f', 1) + u" MB";
}

// "http_reqs......................: " as k6 aligns its metric names.
QString metric(const QString& name, const QString& value)
{
    constexpr qsizetype width = 24;
    return u"  " + name + QString(std::max<qsizetype>(2, width - name.size()), u'.') + u": " +
           value;
}

} // namespace

void evaluateThresholds(const LoadThresholds& thresholds, LoadTestResult& result)
{
    result.thresholdOutcomes.clear();
    const double errorRate = result.requests > 0 ? 1.0 - result.successRate : 1.0;
    if (thresholds.p95) {
        const double limit = double(thresholds.p95->count());
        result.thresholdOutcomes.append(
            {u"p95 <= " + QString::number(thresholds.p95->count()) + u" ms",
             u"p95 = " + formatMs(result.p95Ms), result.requests > 0 && result.p95Ms <= limit});
    }
    if (thresholds.maxErrorRate) {
        result.thresholdOutcomes.append(
            {u"error rate <= " + formatPercent(*thresholds.maxErrorRate),
             u"error rate = " + formatPercent(errorRate), errorRate <= *thresholds.maxErrorRate});
    }
    if (thresholds.minRequestsPerSecond) {
        result.thresholdOutcomes.append(
            {u"requests/s >= " + QString::number(*thresholds.minRequestsPerSecond, 'f', 1),
             u"requests/s = " + QString::number(result.requestsPerSecond, 'f', 1),
             result.requestsPerSecond >= *thresholds.minRequestsPerSecond});
    }
    result.passed = std::all_of(result.thresholdOutcomes.cbegin(), result.thresholdOutcomes.cend(),
                                [](const ThresholdOutcome& outcome) { return outcome.passed; });
}

QString formatLoadTestSummary(const LoadTestSpec& spec, const LoadTestResult& result)
{
    QStringList lines;
    const QString verdict = result.cancelled ? QStringLiteral("CANCELLED")
                            : result.passed  ? QStringLiteral("PASSED")
                                             : QStringLiteral("FAILED");
    lines << u"load test " + spec.method.toUpper() + u' ' + spec.url + u": " + verdict;
    if (!result.error.isEmpty())
        lines << u"  error: " + result.error;
    for (const ThresholdOutcome& outcome : result.thresholdOutcomes)
        lines << (outcome.passed ? QStringLiteral("  ✓ ") : QStringLiteral("  ✗ ")) + outcome.name +
                     u" (" + outcome.actual + u')';

    lines << metric(QStringLiteral("http_reqs"),
                    QString::number(result.requests) + u"  " +
                        QString::number(result.requestsPerSecond, 'f', 1) + u"/s");
    const double errorRate = result.requests > 0 ? 1.0 - result.successRate : 0.0;
    lines << metric(QStringLiteral("http_req_failed"),
                    formatPercent(errorRate) + u"  " + QString::number(result.failures) + u" of " +
                        QString::number(result.requests));
    lines << metric(QStringLiteral("http_req_duration"),
                    u"avg=" + formatMs(result.meanMs) + u" min=" + formatMs(result.minMs) +
                        u" med=" + formatMs(result.p50Ms) + u" p(90)=" + formatMs(result.p90Ms) +
                        u" p(95)=" + formatMs(result.p95Ms) + u" p(99)=" + formatMs(result.p99Ms) +
                        u" max=" + formatMs(result.maxMs));
    if (!result.statusCounts.isEmpty()) {
        QStringList statuses;
        for (auto it = result.statusCounts.cbegin(); it != result.statusCounts.cend(); ++it)
            statuses << QString::number(it.key()) + u'=' + QString::number(it.value());
        lines << metric(QStringLiteral("http_status"), statuses.join(u' '));
    }
    for (auto it = result.errorCounts.cbegin(); it != result.errorCounts.cend(); ++it)
        lines << metric(QStringLiteral("transport_errors"),
                        QString::number(it.value()) + u"  " + it.key());
    lines << metric(QStringLiteral("data_received"), formatBytes(result.bytesReceived));
    lines << metric(QStringLiteral("vus_max"), QString::number(result.peakUsers));
    lines << metric(QStringLiteral("duration"), formatMs(double(result.elapsed.count())));
    return lines.join(u'\n') + u'\n';
}

} // namespace launchdeck::http
