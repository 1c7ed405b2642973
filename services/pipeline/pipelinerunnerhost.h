// Owns the pipeline runner's worker thread: starts it, forwards requests, and on destruction
// cancels what runs and joins the thread.
#pragma once

#include "pipeline/pipelinerunner.h"

#include <QObject>
#include <QThread>

namespace launchdeck {

class PipelineRunnerHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PipelineRunnerHost)

public:
    explicit PipelineRunnerHost(RunnerOptions options,
                                std::shared_ptr<const StepEngines> engines = {},
                                QObject* parent = nullptr);
    ~PipelineRunnerHost() override;

    // For connecting to its signals; it lives in the worker thread, so connections are queued
    // unless Qt::DirectConnection is asked for (the recorder does, to write in that thread).
    PipelineRunner* runner() const { return m_runner; }

    // Returns the run's id at once; the run starts in the worker thread.
    QString start(RunRequest request);
    void cancel(const QString& runId);
    void cancelAll();

private:
    QThread m_thread;
    PipelineRunner* m_runner;
};

} // namespace launchdeck
