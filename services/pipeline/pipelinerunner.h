// Runs pipelines locally: steps as process groups in parallel along the `needs` graph, live
// masked output batched to listeners, full logs on disk. Lives in a worker thread.
#pragma once

#include "pipeline/logbacklog.h"
#include "pipeline/pipeline.h"
#include "pipeline/runtypes.h"

#include <QMutex>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <map>
#include <memory>

namespace launchdeck {

class StepEngines;

struct RunnerOptions
{
    QString dataDir;                             // runs are kept in <dataDir>/runs/<run-id>
    int maxParallel = 0;                         // 0: the number of cores
    std::chrono::milliseconds killGrace{5000};   // SIGTERM to SIGKILL
    std::chrono::milliseconds batchInterval{50}; // how often lines reach listeners
    std::size_t ringCapacity = 20000;            // recent lines kept in memory...
    qsizetype ringBytes = 16 * 1024 * 1024;      // ...and at most this many bytes of them
    qsizetype maxLineBytes = 64 * 1024;          // longer lines are split into continuations
    qsizetype maxBatchLines = 50'000;            // a batch leaves early when this full...
    qsizetype maxBatchBytes = 1024 * 1024;       // ...or holds this many bytes
    QString keyringService = QStringLiteral("launchdeck");
    std::chrono::milliseconds keyringTimeout{2000};
    bool useKeyring = true;
};

struct RunRequest
{
    QString runId; // empty: one is made
    Pipeline pipeline;
    QString workspace; // steps run here; empty: the folder above the pipeline's folder
    EnvList envOverrides;
    QStringList onlySteps; // non-empty: run just these; the others count as succeeded
};

class PipelineRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PipelineRunner)

public:
    // Without engines the runner has HttpStepEngines, which fail a validate step: a runner for
    // the workspace's pipelines is given ValidatingStepEngines (services/validation).
    explicit PipelineRunner(RunnerOptions options, std::shared_ptr<const StepEngines> engines = {},
                            QObject* parent = nullptr);
    ~PipelineRunner() override;

    static QString newRunId();
    const RunnerOptions& options() const { return m_options; }

    // The newest lines of all runs (at most ringCapacity, ringBytes), oldest first; callable
    // from any thread.
    LogBatch recentLines() const;

public Q_SLOTS:
    void start(const launchdeck::RunRequest& request);
    void cancel(const QString& runId);
    void cancelAll();

Q_SIGNALS:
    void runStarted(const launchdeck::RunInfo& run);
    void stepStarted(const launchdeck::StepEvent& step);
    void linesAvailable(const launchdeck::LogBatch& batch);
    void stepFinished(const launchdeck::StepEvent& step);
    void runFinished(const launchdeck::RunResult& result);

private:
    struct Run;
    struct Step;

    void beginSteps(Run& run);
    void schedule();
    void launch(Run& run, int index);
    void launchProcess(Run& run, int index);
    void launchBuiltin(Run& run, int index);
    void attemptEnded(const QString& runId, int index, RunStatus status, int exitCode,
                      const QString& message);
    void finishStep(Run& run, int index, RunStatus status, const QString& message);
    void finishRunIfDone(const QString& runId);
    void flushLines();
    bool dependenciesDone(const Run& run, int index) const;
    int running() const;

    RunnerOptions m_options;
    std::shared_ptr<const StepEngines> m_engines;
    std::map<QString, std::unique_ptr<Run>> m_runs;
    QTimer m_flushTimer;
    mutable QMutex m_recentMutex;
    LogBacklog m_recent;
};

} // namespace launchdeck
