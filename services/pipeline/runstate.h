// The runner's bookkeeping of a run and its steps, shared by the files that implement it.
#pragma once

#include "pipeline/pipelinerunner.h"
#include "pipeline/secretmasker.h"
#include "pipeline/stepengines.h"
#include "pipeline/steplog.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QProcessEnvironment>

#include <memory>
#include <vector>

namespace launchdeck {

class StepProcess;

struct PipelineRunner::Step
{
    RunStatus status = RunStatus::Queued;
    bool kept = false; // not selected for this run: counts as succeeded
    int attempt = 0;
    int exitCode = -1;
    QDateTime startedAt;
    QElapsedTimer clock;
    QString fileName;
    std::unique_ptr<StepLog> log;
    StepProcess* process = nullptr;
    std::shared_ptr<BuiltinChannel> channel;
    bool builtinTimedOut = false;
    bool occupiesSlot = false;
    QTimer* retryTimer = nullptr;
};

struct PipelineRunner::Run
{
    RunRequest request;
    RunInfo info;
    QList<QList<int>> dependencies;
    std::vector<Step> steps;
    SecretMasker masker;
    QProcessEnvironment environment; // the system's, then the pipeline's env
    EnvList secrets;                 // resolved values of the pipeline's secrets
    std::unique_ptr<StepLog> log;    // lines about the run itself
    QElapsedTimer clock;
    bool ready = false;
    bool cancelled = false;
    bool broken = false; // the run folder could not be written
};

} // namespace launchdeck
