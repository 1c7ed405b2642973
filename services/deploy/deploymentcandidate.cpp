// The TESTING stage of a deployment: the candidate (the new revision's containers in the idle
// group, or a lone container on a loopback port) and the application's tests against it.
#include "deploy/deploymentrun.h"

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

QString baseUrl(const PairContainer& container)
{
    return QStringLiteral("http://127.0.0.1:%1").arg(container.trafficPort);
}

QString testUrl(const QString& base, const QString& path)
{
    if (path.startsWith(u"http://") || path.startsWith(u"https://"))
        return path;
    return base + (path.startsWith(u'/') ? path : u'/' + path);
}

} // namespace

// ---- TESTING ---------------------------------------------------------------------------------

bool DeploymentRun::test()
{
    const Application& app = m_subject.application;
    const RevisionConfig& config = m_subject.toConfig;
    // The candidate: the new revision's containers in the idle group behind the entry point
    // (blue-green and canary start them all, rolling the first), or one container on a loopback
    // port of its own that goes away after the tests.
    const bool traffic = m_subject.usesTraffic && m_subject.strategy != Strategy::Type::Recreate;
    const int count = !traffic                                        ? 1
                      : m_subject.strategy == Strategy::Type::Rolling ? 1
                                                                      : config.replicas;
    const QString group = traffic ? m_newGroup : QStringLiteral("candidate");
    if (!traffic && app.tests.isEmpty()) {
        // A lone candidate would only repeat the health check the replacement itself waits for.
        log(QStringLiteral("no tests declared; the new containers' health is checked as they "
                           "replace the old ones"));
        return !cancelled();
    }
    if (traffic) {
        // Leftovers of the idle group (an earlier failed attempt) make way.
        const Result<QList<PairContainer>> all = m_workload->containers();
        if (!all) {
            log(all.error().toString());
            return false;
        }
        QList<PairContainer> stale;
        for (const PairContainer& container : *all) {
            if (container.identity.group == group &&
                (!m_subject.from || container.identity.revision != m_subject.from->number))
                stale.append(container);
        }
        if (!stale.isEmpty()) {
            log(QStringLiteral("removing %1 leftover container(s) of the %2 group")
                    .arg(stale.size())
                    .arg(group));
            note(removeContainers(stale, true));
        }
    }
    const Result<QList<PairContainer>> started =
        startGroup(config, m_subject.to, group, 1, count, true);
    if (!started) {
        testResult(QStringLiteral("start"), false, {}, started.error().toString());
        return false;
    }
    const Result<bool> healthy = waitGroupHealthy(*started, config);
    if (!healthy) {
        testResult(QStringLiteral("health"), false, {}, healthy.error().toString());
        return false;
    }
    progress(18);
    const PairContainer candidate = started->first();
    const QString base = baseUrl(candidate);
    log(QStringLiteral("candidate %1 answers at %2").arg(candidate.name, base));

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
            run.envOverrides = {
                {QStringLiteral("CANDIDATE_URL"), base},
                {QStringLiteral("LAUNCHDECK_APPLICATION"), app.name},
                {QStringLiteral("LAUNCHDECK_ENVIRONMENT"), m_subject.environment.name},
                {QStringLiteral("LAUNCHDECK_IMAGE"), config.image}};
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
        progress(18 + 15 * index / qMax(1, int(app.tests.size())));
    }
    if (!traffic) {
        // The lone candidate is not part of the rollout.
        note(removeContainers(*started, true));
        m_started.clear();
    }
    return passed && !cancelled();
}

} // namespace launchdeck::deploy
