// The application's tests against a candidate, the same on every target: HTTP checks, load
// tests and the workspace's pipelines, each given the candidate's URL (CANDIDATE_URL).
#include "deploy/deploymentlifecycle.h"

#include "http/httpcheck.h"
#include "http/loadtest.h"
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"
#include "validation/validatingstepengines.h"

#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QTimer>

namespace launchdeck::deploy {

namespace {

QString testUrl(const QString& base, const QString& path)
{
    if (path.startsWith(u"http://") || path.startsWith(u"https://"))
        return path;
    return base + (path.startsWith(u'/') ? path : u'/' + path);
}

} // namespace

bool DeploymentLifecycle::runApplicationTests(const QString& base, const QString& candidate,
                                              int progressFrom, int progressTo)
{
    const Application& app = m_application;
    progress(progressFrom);
    log(QStringLiteral("candidate %1 answers at %2").arg(candidate, base));
    bool passed = true;
    int index = 0;
    for (const AppTest& appTest : app.tests) {
        if (cancelled())
            return false;
        ++index;
        if (appTest.kind == AppTest::Kind::HttpCheck) {
            http::HttpCheckSpec spec;
            spec.url = testUrl(base, appTest.path);
            spec.method = appTest.method;
            spec.expectStatus = appTest.expectStatus;
            spec.timeout = appTest.timeout;
            spec.retries = appTest.retries;
            const http::HttpCheckResult result = http::runHttpCheck(spec, &m_control.cancel);
            testResult(QStringLiteral("http_check %1").arg(appTest.path), result.passed,
                       QJsonObject{{QStringLiteral("status"), result.status},
                                   {QStringLiteral("ms"), qint64(result.elapsed.count())},
                                   {QStringLiteral("attempts"), result.attempts}},
                       http::formatHttpCheckResult(spec, result));
            passed = passed && result.passed;
        } else if (appTest.kind == AppTest::Kind::LoadTest) {
            http::LoadTestSpec spec;
            spec.url = testUrl(base, appTest.path);
            spec.method = appTest.method;
            spec.users = appTest.users;
            spec.duration = appTest.duration;
            spec.thresholds.p95 = appTest.p95Latency;
            spec.thresholds.maxErrorRate = appTest.maxErrorRate;
            spec.thresholds.minRequestsPerSecond = appTest.minRequestsPerSecond;
            const http::LoadTestResult result = http::runLoadTest(spec, &m_control.cancel);
            testResult(QStringLiteral("load_test %1").arg(appTest.path), result.passed,
                       QJsonObject{{QStringLiteral("requests"), result.requests},
                                   {QStringLiteral("success_rate"), result.successRate},
                                   {QStringLiteral("rps"), result.requestsPerSecond},
                                   {QStringLiteral("mean_ms"), result.meanMs},
                                   {QStringLiteral("p50_ms"), result.p50Ms},
                                   {QStringLiteral("p95_ms"), result.p95Ms},
                                   {QStringLiteral("p99_ms"), result.p99Ms}},
                       http::formatLoadTestSummary(spec, result));
            passed = passed && result.passed;
        } else {
            // A pipeline of the workspace, by name or file name, with the candidate's URL.
            std::optional<Pipeline> pipeline;
            Diagnostics findings;
            for (const QString& path : m_context.workspace.pipelineFiles) {
                Diagnostics out;
                std::optional<Pipeline> loaded = loadPipeline(path, out);
                if (loaded && (loaded->name == appTest.pipeline ||
                               QFileInfo(path).completeBaseName() == appTest.pipeline)) {
                    pipeline = loaded;
                    break;
                }
            }
            if (!pipeline) {
                testResult(QStringLiteral("pipeline %1").arg(appTest.pipeline), false, {},
                           QStringLiteral("no pipeline named '%1' in the workspace")
                               .arg(appTest.pipeline));
                passed = false;
                continue;
            }
            RunnerOptions options;
            options.dataDir = m_context.dataDir;
            options.keyringService = m_context.keyringService;
            options.useKeyring = m_context.useKeyring;
            PipelineRunnerHost host(options, std::make_shared<ValidatingStepEngines>());
            RunRequest run;
            run.pipeline = *pipeline;
            run.workspace = m_context.workspace.root;
            run.envOverrides = {{QStringLiteral("CANDIDATE_URL"), base},
                                {QStringLiteral("LAUNCHDECK_APPLICATION"), app.name},
                                {QStringLiteral("LAUNCHDECK_ENVIRONMENT"), m_environment.name},
                                {QStringLiteral("LAUNCHDECK_IMAGE"), m_plan.to.image}};
            QEventLoop loop;
            RunResult outcome;
            QObject::connect(
                host.runner(), &PipelineRunner::stepFinished, &loop, [this](const StepEvent& step) {
                    log(QStringLiteral("pipeline step %1: %2 in %3 ms%4")
                            .arg(step.step, runStatusName(step.status))
                            .arg(step.durationMs)
                            .arg(step.message.isEmpty() ? QString() : u" (" + step.message + u')'));
                });
            QObject::connect(host.runner(), &PipelineRunner::runFinished, &loop,
                             [&](const RunResult& result) {
                                 outcome = result;
                                 loop.quit();
                             });
            QTimer cancelWatch;
            QString runId;
            QObject::connect(&cancelWatch, &QTimer::timeout, &loop, [&] {
                if (cancelled())
                    host.cancel(runId);
            });
            cancelWatch.start(100);
            runId = host.start(run);
            loop.exec();
            const bool ok = outcome.status == RunStatus::Succeeded;
            testResult(QStringLiteral("pipeline %1").arg(pipeline->name), ok,
                       QJsonObject{{QStringLiteral("run"), outcome.runId},
                                   {QStringLiteral("duration_ms"), outcome.durationMs}},
                       QStringLiteral("pipeline %1 %2 in %3 ms")
                           .arg(pipeline->name, runStatusName(outcome.status))
                           .arg(outcome.durationMs));
            passed = passed && ok;
        }
        progress(progressFrom +
                 (progressTo - progressFrom) * index / qMax(1, int(app.tests.size())));
    }
    return passed && !cancelled();
}

} // namespace launchdeck::deploy
