// The local pipeline runner: scheduling along the dependency graph, retries, cancel, batching.
#include "pipeline/pipelinerunner.h"

#include "core/units.h"
#include "pipeline/artifacts.h"
#include "pipeline/httpstepengines.h"
#include "pipeline/pipelinegraph.h"
#include "pipeline/runstate.h"
#include "pipeline/secretresolver.h"
#include "pipeline/stepprocess.h"

#include <QDir>
#include <QRandomGenerator>
#include <QThread>

#include <algorithm>

namespace launchdeck {

namespace {

QString fileNameFor(const QString& step, const QStringList& taken)
{
    QString name;
    for (const QChar c : step)
        name.append(c.isLetterOrNumber() || c == u'-' || c == u'.' ? c : u'_');
    if (name.isEmpty() || name.startsWith(u'.'))
        name.prepend(u's');
    QString unique = name;
    for (int n = 2; taken.contains(unique) || unique == u"run"; ++n)
        unique = name + u'-' + QString::number(n);
    return unique;
}

bool countsAsSuccess(const PipelineStep& spec, RunStatus status, bool kept)
{
    if (status == RunStatus::Succeeded || kept)
        return true;
    return spec.continueOnError && (status == RunStatus::Failed || status == RunStatus::TimedOut);
}

bool failedHard(const PipelineStep& spec, RunStatus status)
{
    return !spec.continueOnError && (status == RunStatus::Failed || status == RunStatus::TimedOut);
}

QString workspaceFor(const RunRequest& request)
{
    if (!request.workspace.isEmpty())
        return QDir(request.workspace).absolutePath();
    QDir dir = QFileInfo(request.pipeline.path).absoluteDir();
    if (dir.dirName() == u"pipelines")
        dir.cdUp();
    return dir.absolutePath();
}

} // namespace

PipelineRunner::PipelineRunner(RunnerOptions options, std::shared_ptr<const StepEngines> engines,
                               QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_engines(engines ? std::move(engines) : std::make_shared<HttpStepEngines>())
    , m_flushTimer(this) // a child, so it moves to the worker thread with the runner
    , m_recent(static_cast<qsizetype>(m_options.ringCapacity), m_options.ringBytes)
{
    if (m_options.maxParallel <= 0)
        m_options.maxParallel = std::max(1, QThread::idealThreadCount());
    m_flushTimer.setInterval(m_options.batchInterval);
    connect(&m_flushTimer, &QTimer::timeout, this, &PipelineRunner::flushLines);
}

PipelineRunner::~PipelineRunner()
{
    for (auto& [id, run] : m_runs) {
        for (Step& step : run->steps) {
            if (step.process)
                step.process->killNow();
            if (step.channel)
                step.channel->cancel = true;
        }
    }
}

QString PipelineRunner::newRunId()
{
    return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-")) +
           QString::number(QRandomGenerator::global()->bounded(0x100000, 0xFFFFFF), 16);
}

LogBatch PipelineRunner::recentLines() const
{
    const QMutexLocker lock(&m_recentMutex);
    return m_recent.newest();
}

void PipelineRunner::start(const RunRequest& request)
{
    auto owned = std::make_unique<Run>();
    Run& run = *owned;
    run.request = request;
    run.request.workspace = workspaceFor(request);
    run.clock.start();
    const Pipeline& pipeline = request.pipeline;
    run.info.runId = request.runId.isEmpty() ? newRunId() : request.runId;
    run.info.pipeline = pipeline.name;
    run.info.pipelineFile = pipeline.path;
    run.info.workspace = run.request.workspace;
    run.info.runDir =
        QDir(m_options.dataDir).absoluteFilePath(QStringLiteral("runs/") + run.info.runId);
    run.info.startedAt = QDateTime::currentDateTimeUtc();
    run.dependencies = effectiveDependencies(pipeline);
    run.steps.resize(static_cast<size_t>(pipeline.steps.size()));
    QStringList taken;
    for (qsizetype i = 0; i < pipeline.steps.size(); ++i) {
        run.info.steps.append(pipeline.steps[i].name);
        run.info.stages.append(pipeline.steps[i].stage);
        Step& step = run.steps[static_cast<size_t>(i)];
        step.fileName = fileNameFor(pipeline.steps[i].name, taken);
        taken.append(step.fileName);
    }
    run.log = std::make_unique<StepLog>(run.info.runId, QString(), run.info.runDir + u"/run.log",
                                        &run.masker, m_options.maxLineBytes);
    QString error;
    if (!QDir().mkpath(run.info.runDir) || !run.log->open(&error)) {
        run.broken = true;
        run.log->note(error.isEmpty() ? QStringLiteral("cannot create %1").arg(run.info.runDir)
                                      : error);
    }
    const QString runId = run.info.runId;
    m_runs[runId] = std::move(owned);
    m_flushTimer.start();
    Q_EMIT runStarted(run.info);

    auto* resolver = new SecretResolver(m_options.keyringService, m_options.keyringTimeout,
                                        m_options.useKeyring, this);
    connect(resolver, &SecretResolver::resolved, this,
            [this, runId, resolver](const ResolvedSecrets& secrets) {
                resolver->deleteLater();
                const auto it = m_runs.find(runId);
                if (it == m_runs.end())
                    return;
                Run& r = *it->second;
                for (const auto& [name, value] : secrets.values)
                    r.masker.add(value);
                for (const QString& note : secrets.notes)
                    r.log->note(note);
                // A value given at run time may replace a secret: it is masked as one.
                for (const auto& [name, value] : r.request.envOverrides) {
                    if (r.request.pipeline.secrets.contains(name))
                        r.masker.add(value);
                }
                r.environment = QProcessEnvironment::systemEnvironment();
                for (const auto& [name, value] : r.request.pipeline.env)
                    r.environment.insert(name, value);
                r.secrets = secrets.values;
                r.ready = true;
                schedule();
            });
    resolver->resolve(pipeline.secrets, QProcessEnvironment::systemEnvironment());
}

void PipelineRunner::cancel(const QString& runId)
{
    const auto it = m_runs.find(runId);
    if (it == m_runs.end() || it->second->cancelled)
        return;
    Run& run = *it->second;
    run.cancelled = true;
    run.log->note(QStringLiteral("run cancelled"));
    for (size_t i = 0; i < run.steps.size(); ++i) {
        Step& step = run.steps[i];
        if (step.process)
            step.process->terminate(RunStatus::Cancelled, QStringLiteral("cancelled"));
        else if (step.channel)
            step.channel->cancel = true;
        else if (step.retryTimer)
            finishStep(run, static_cast<int>(i), RunStatus::Cancelled, QStringLiteral("cancelled"));
    }
    schedule();
}

void PipelineRunner::cancelAll()
{
    QStringList ids;
    for (const auto& [id, run] : m_runs)
        ids.append(id);
    for (const QString& id : ids)
        cancel(id);
}

int PipelineRunner::running() const
{
    int count = 0;
    for (const auto& [id, run] : m_runs)
        count += static_cast<int>(std::count_if(run->steps.begin(), run->steps.end(),
                                                [](const Step& s) { return s.occupiesSlot; }));
    return count;
}

bool PipelineRunner::dependenciesDone(const Run& run, int index) const
{
    const QList<int>& needs = run.dependencies[index];
    return std::all_of(needs.begin(), needs.end(),
                       [&](int n) { return isFinished(run.steps[static_cast<size_t>(n)].status); });
}

void PipelineRunner::schedule()
{
    QStringList ids;
    for (const auto& [id, run] : m_runs)
        ids.append(id);
    for (const QString& id : ids) {
        Run& run = *m_runs[id];
        if (!run.ready)
            continue;
        const Pipeline& pipeline = run.request.pipeline;
        for (int i = 0; i < static_cast<int>(run.steps.size()); ++i) {
            Step& step = run.steps[static_cast<size_t>(i)];
            const PipelineStep& spec = pipeline.steps[i];
            if (step.status != RunStatus::Queued)
                continue;
            if (run.cancelled || run.broken) {
                finishStep(run, i, run.cancelled ? RunStatus::Cancelled : RunStatus::Skipped,
                           run.cancelled ? QStringLiteral("run cancelled")
                                         : QStringLiteral("run folder not writable"));
                continue;
            }
            if (!dependenciesDone(run, i))
                continue;
            if (step.attempt == 0 && !run.request.onlySteps.isEmpty() &&
                !run.request.onlySteps.contains(spec.name)) {
                step.kept = true;
                finishStep(run, i, RunStatus::Skipped, QStringLiteral("not selected for this run"));
                continue;
            }
            if (step.attempt == 0) {
                const QList<int>& needs = run.dependencies[i];
                const auto ok = [&](int n) {
                    const Step& s = run.steps[static_cast<size_t>(n)];
                    return countsAsSuccess(pipeline.steps[n], s.status, s.kept);
                };
                const QList<int> before = ancestors(run.dependencies, i);
                const bool anyFailed = std::any_of(before.begin(), before.end(), [&](int n) {
                    return failedHard(pipeline.steps[n], run.steps[static_cast<size_t>(n)].status);
                });
                if (spec.when == WhenCondition::OnSuccess &&
                    !std::all_of(needs.begin(), needs.end(), ok)) {
                    finishStep(run, i, RunStatus::Skipped,
                               QStringLiteral("a step it needs did not succeed"));
                    continue;
                }
                if (spec.when == WhenCondition::OnFailure && !anyFailed) {
                    finishStep(run, i, RunStatus::Skipped,
                               QStringLiteral("nothing before it failed"));
                    continue;
                }
            }
            if (running() >= m_options.maxParallel)
                continue;
            launch(run, i);
        }
    }
    for (const QString& id : ids)
        finishRunIfDone(id);
}

void PipelineRunner::launch(Run& run, int index)
{
    Step& step = run.steps[static_cast<size_t>(index)];
    const PipelineStep& spec = run.request.pipeline.steps[index];
    step.status = RunStatus::Running;
    step.occupiesSlot = true;
    ++step.attempt;
    if (step.attempt == 1) {
        step.startedAt = QDateTime::currentDateTimeUtc();
        step.clock.start();
        step.log = std::make_unique<StepLog>(run.info.runId, spec.name,
                                             run.info.runDir + u'/' + step.fileName + u".log",
                                             &run.masker, m_options.maxLineBytes);
        QString error;
        if (!step.log->open(&error))
            run.log->note(error);
    } else {
        step.log->note(
            QStringLiteral("attempt %1 of %2").arg(step.attempt).arg(spec.retryCount + 1));
    }
    StepEvent event;
    event.runId = run.info.runId;
    event.step = spec.name;
    event.index = index;
    event.status = RunStatus::Running;
    event.attempt = step.attempt;
    event.startedAt = step.startedAt;
    event.logPath = step.log->filePath();
    Q_EMIT stepStarted(event);
    if (spec.kind == StepKind::Run)
        launchProcess(run, index);
    else
        launchBuiltin(run, index);
}

void PipelineRunner::attemptEnded(const QString& runId, int index, RunStatus status, int exitCode,
                                  const QString& message)
{
    const auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;
    Run& run = *it->second;
    Step& step = run.steps[static_cast<size_t>(index)];
    const PipelineStep& spec = run.request.pipeline.steps[index];
    if (step.process) {
        step.process->deleteLater();
        step.process = nullptr;
    }
    step.channel.reset();
    step.occupiesSlot = false;
    step.exitCode = exitCode;
    const bool retry = (status == RunStatus::Failed || status == RunStatus::TimedOut) &&
                       !run.cancelled && step.attempt <= spec.retryCount;
    if (retry) {
        const int doublings = std::min(step.attempt - 1, 16);
        const auto delay = std::min<std::chrono::milliseconds>(
            spec.retryBackoff * (1LL << doublings), std::chrono::minutes(5));
        step.log->note(QStringLiteral("attempt %1 %2; retrying in %3")
                           .arg(step.attempt)
                           .arg(run.masker.mask(message), formatDuration(delay)));
        step.retryTimer = new QTimer(this);
        step.retryTimer->setSingleShot(true);
        connect(step.retryTimer, &QTimer::timeout, this, [this, runId, index] {
            const auto found = m_runs.find(runId);
            if (found == m_runs.end())
                return;
            Step& s = found->second->steps[static_cast<size_t>(index)];
            s.retryTimer->deleteLater();
            s.retryTimer = nullptr;
            s.status = RunStatus::Queued;
            schedule();
        });
        step.retryTimer->start(delay);
        schedule();
        return;
    }
    finishStep(run, index, status, message);
    schedule();
}

void PipelineRunner::finishStep(Run& run, int index, RunStatus status, const QString& message)
{
    Step& step = run.steps[static_cast<size_t>(index)];
    const PipelineStep& spec = run.request.pipeline.steps[index];
    if (step.retryTimer) {
        step.retryTimer->stop();
        step.retryTimer->deleteLater();
        step.retryTimer = nullptr;
    }
    step.status = status;
    StepEvent event;
    event.runId = run.info.runId;
    event.step = spec.name;
    event.index = index;
    event.status = status;
    event.exitCode = step.exitCode;
    event.attempt = step.attempt;
    event.startedAt = step.startedAt;
    event.finishedAt = QDateTime::currentDateTimeUtc();
    event.durationMs = step.clock.isValid() ? step.clock.elapsed() : 0;
    event.message = run.masker.mask(message);
    if (step.log) {
        event.logPath = step.log->filePath();
        if (status == RunStatus::Succeeded && !spec.artifacts.isEmpty()) {
            const ArtifactCopy copy = copyArtifacts(
                spec.artifacts, QDir(run.request.workspace).absoluteFilePath(spec.workingDirectory),
                run.info.runDir + QStringLiteral("/artifacts/") + step.fileName, run.info.runDir);
            event.artifacts = copy.copied;
            for (const QString& problem : copy.problems)
                step.log->note(problem);
        }
        step.log->note(
            QStringLiteral("%1 %2 after %3%4")
                .arg(spec.name, runStatusName(status),
                     formatDuration(std::chrono::milliseconds(event.durationMs)),
                     event.message.isEmpty() ? QString() : QStringLiteral(": ") + event.message));
        step.log->flush();
    }
    Q_EMIT stepFinished(event);
}

void PipelineRunner::finishRunIfDone(const QString& runId)
{
    const auto it = m_runs.find(runId);
    if (it == m_runs.end() || !it->second->ready)
        return;
    Run& run = *it->second;
    const bool busy = std::any_of(run.steps.begin(), run.steps.end(), [](const Step& s) {
        return !isFinished(s.status) || s.process || s.channel || s.retryTimer;
    });
    if (busy)
        return;
    RunResult result;
    result.runId = runId;
    result.status = RunStatus::Succeeded;
    for (size_t i = 0; i < run.steps.size(); ++i) {
        if (failedHard(run.request.pipeline.steps[static_cast<qsizetype>(i)], run.steps[i].status))
            result.status = RunStatus::Failed;
    }
    if (run.broken)
        result.status = RunStatus::Failed;
    if (run.cancelled)
        result.status = RunStatus::Cancelled;
    result.finishedAt = QDateTime::currentDateTimeUtc();
    result.durationMs = run.clock.elapsed();
    // The steps' last lines go out first, so the run's closing note is the last line of all.
    flushLines();
    run.log->note(QStringLiteral("run %1 after %2")
                      .arg(runStatusName(result.status),
                           formatDuration(std::chrono::milliseconds(result.durationMs))));
    flushLines();
    m_runs.erase(it);
    if (m_runs.empty())
        m_flushTimer.stop();
    Q_EMIT runFinished(result);
}

void PipelineRunner::flushLines()
{
    LogBatch batch;
    for (auto& [id, run] : m_runs) {
        for (LogChunk& chunk : run->log->takePending())
            batch.append(std::move(chunk));
        for (Step& step : run->steps) {
            if (!step.log)
                continue;
            if (step.channel) {
                for (const QString& line : step.channel->take())
                    step.log->note(line);
            }
            for (LogChunk& chunk : step.log->takePending())
                batch.append(std::move(chunk));
        }
    }
    if (batch.isEmpty())
        return;
    {
        // The backlog shares the blocks with the batch: no copy, and its bounds drop whole
        // chunks, so memory stays flat however chatty or long-lined the steps are.
        const QMutexLocker lock(&m_recentMutex);
        m_recent.push(batch);
    }
    Q_EMIT linesAvailable(batch);
}

} // namespace launchdeck
