// Starting one attempt of a step: a `run` step as a shell in its own process group, a built-in
// kind (validate, http_check, load_test) on a pool thread with a cancel flag and a timeout.
#include "pipeline/runstate.h"
#include "pipeline/stepprocess.h"

#include <QDir>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

void PipelineRunner::launchProcess(Run& run, int index)
{
    Step& step = run.steps[static_cast<size_t>(index)];
    const PipelineStep& spec = run.request.pipeline.steps[index];
    const QString runId = run.info.runId;
    const QString workDir = QDir(run.request.workspace).absoluteFilePath(spec.workingDirectory);
    if (!QFileInfo(workDir).isDir()) {
        const QString message = QStringLiteral("working directory %1 does not exist").arg(workDir);
        QMetaObject::invokeMethod(
            this,
            [this, runId, index, message] {
                attemptEnded(runId, index, RunStatus::Failed, -1, message);
            },
            Qt::QueuedConnection);
        return;
    }
    StepLaunch launch;
    launch.program = spec.shell.first();
    launch.arguments = spec.shell.mid(1) + QStringList{QStringLiteral("-c"), spec.run};
    // Each level wins over the ones before it: the system's environment, the pipeline's env, the
    // step's env, the secrets, then values given at run time (`--env`, the tab's overrides), which
    // win over every level of the file. Launchdeck's own variables come last: they are facts.
    launch.environment = run.environment;
    for (const auto& [name, value] : spec.env)
        launch.environment.insert(name, value);
    for (const auto& [name, value] : run.secrets)
        launch.environment.insert(name, value);
    for (const auto& [name, value] : run.request.envOverrides)
        launch.environment.insert(name, value);
    launch.environment.insert(QStringLiteral("LAUNCHDECK_RUN_ID"), runId);
    launch.environment.insert(QStringLiteral("LAUNCHDECK_RUN_DIR"), run.info.runDir);
    launch.environment.insert(QStringLiteral("LAUNCHDECK_WORKSPACE"), run.request.workspace);
    const QString marker = QStringLiteral("%1/%2/%3").arg(runId).arg(index).arg(step.attempt);
    launch.environment.insert(QStringLiteral("LAUNCHDECK_STEP"), spec.name);
    launch.environment.insert(QStringLiteral("LAUNCHDECK_STEP_ID"), marker);
    launch.marker = QByteArray("LAUNCHDECK_STEP_ID=") + marker.toUtf8();
    launch.workingDirectory = workDir;
    launch.timeout = spec.timeout;
    launch.killGrace = m_options.killGrace;

    auto* process = new StepProcess(std::move(launch), step.log.get(), this);
    StepLog* log = step.log.get();
    connect(process, &StepProcess::outputRead, this, [this, log] {
        if (log->pendingCount() >= m_options.maxBatchLines ||
            log->pendingBytes() >= m_options.maxBatchBytes)
            flushLines();
    });
    connect(process, &StepProcess::finished, this,
            [this, runId, index](RunStatus status, int exitCode, const QString& message) {
                attemptEnded(runId, index, status, exitCode, message);
            });
    step.process = process;
    process->start();
}

void PipelineRunner::launchBuiltin(Run& run, int index)
{
    Step& step = run.steps[static_cast<size_t>(index)];
    const PipelineStep spec = run.request.pipeline.steps[index];
    const QString runId = run.info.runId;
    const QString workspace = run.request.workspace;
    auto channel = std::make_shared<BuiltinChannel>();
    step.channel = channel;
    step.builtinTimedOut = false;
    std::shared_ptr<const StepEngines> engines = m_engines;
    auto* watcher = new QFutureWatcher<BuiltinOutcome>(this);
    connect(watcher, &QFutureWatcher<BuiltinOutcome>::finished, this,
            [this, runId, index, watcher] {
                watcher->deleteLater();
                const BuiltinOutcome outcome = watcher->result();
                const auto it = m_runs.find(runId);
                if (it == m_runs.end())
                    return;
                Step& s = it->second->steps[static_cast<size_t>(index)];
                for (const QString& line : s.channel->take())
                    s.log->note(line);
                RunStatus status = outcome.status;
                QString message = outcome.message;
                if (s.builtinTimedOut) {
                    status = RunStatus::TimedOut;
                    message = QStringLiteral("timed out");
                } else if (it->second->cancelled) {
                    status = RunStatus::Cancelled;
                }
                attemptEnded(runId, index, status, -1, message);
            });
    if (spec.timeout) {
        QTimer::singleShot(*spec.timeout, watcher, [this, runId, index, channel] {
            const auto it = m_runs.find(runId);
            if (it != m_runs.end())
                it->second->steps[static_cast<size_t>(index)].builtinTimedOut = true;
            channel->cancel = true;
        });
    }
    watcher->setFuture(QtConcurrent::run([spec, workspace, engines, channel]() -> BuiltinOutcome {
        switch (spec.kind) {
        case StepKind::Validate:
            return engines->validate(spec.validate, workspace, *channel);
        case StepKind::HttpCheck:
            return engines->httpCheck(spec.httpCheck, *channel);
        case StepKind::LoadTest:
            return engines->loadTest(spec.loadTest, *channel);
        case StepKind::Run:
            break;
        }
        return {RunStatus::Failed, QStringLiteral("a run step cannot run in-process")};
    }));
}

} // namespace launchdeck
