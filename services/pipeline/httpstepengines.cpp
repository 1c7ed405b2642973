// Translating pipeline steps into HTTP engine specs and their results into log lines; the
// validate step's stand-in for a runner given no validation engine.
#include "pipeline/httpstepengines.h"

#include "http/httpcheck.h"
#include "http/loadtest.h"

namespace launchdeck {

BuiltinOutcome HttpStepEngines::httpCheck(const HttpCheckStep& step, BuiltinChannel& channel) const
{
    http::HttpCheckSpec spec;
    spec.url = step.url;
    spec.expectStatus = step.expectStatus;
    spec.timeout = step.timeout;
    spec.retries = step.retries;
    const http::HttpCheckResult result = http::runHttpCheck(spec, &channel.cancel);
    channel.append(http::formatHttpCheckResult(spec, result));
    if (result.cancelled)
        return {RunStatus::Cancelled, QStringLiteral("cancelled")};
    if (!result.passed)
        return {RunStatus::Failed, result.error};
    return {};
}

BuiltinOutcome HttpStepEngines::loadTest(const LoadTestStep& step, BuiltinChannel& channel) const
{
    http::LoadTestSpec spec;
    spec.url = step.url;
    spec.method = step.method;
    spec.users = step.users;
    if (step.duration)
        spec.duration = *step.duration;
    for (const LoadStage& stage : step.stages)
        spec.stages.append({stage.duration, stage.target});
    spec.thresholds.p95 = step.p95Latency;
    spec.thresholds.maxErrorRate = step.errorRate;
    spec.thresholds.minRequestsPerSecond = step.minRps;
    const http::LoadTestResult result = http::runLoadTest(
        spec, &channel.cancel, [&channel](const http::LoadTestProgress& progress) {
            channel.append(
                QStringLiteral("%1/%2 s  users %3/%4  requests %5  failures %6  %7 req/s")
                    .arg(progress.elapsed.count() / 1000)
                    .arg(progress.total.count() / 1000)
                    .arg(progress.users)
                    .arg(progress.targetUsers)
                    .arg(progress.requests)
                    .arg(progress.failures)
                    .arg(progress.requestsPerSecond, 0, 'f', 1));
        });
    const QStringList summary = http::formatLoadTestSummary(spec, result).split(u'\n');
    for (const QString& line : summary)
        channel.append(line);
    if (result.cancelled)
        return {RunStatus::Cancelled, QStringLiteral("cancelled")};
    if (!result.passed)
        return {RunStatus::Failed,
                result.error.isEmpty() ? QStringLiteral("thresholds not met") : result.error};
    return {};
}

BuiltinOutcome HttpStepEngines::validate(const ValidateStep& step, const QString&,
                                         BuiltinChannel&) const
{
    return {RunStatus::Failed,
            QStringLiteral("cannot validate %1: this runner was given no validation engine")
                .arg(step.path)};
}

} // namespace launchdeck
