// Rows of the history database as plain values.
#pragma once

#include "pipeline/runtypes.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace launchdeck {

struct RunRecord
{
    QString id;
    QString pipeline;
    QString pipelineFile;
    QString workspace;
    QString runDir;
    RunStatus status = RunStatus::Running;
    QDateTime startedAt;
    QDateTime finishedAt; // invalid while running
    qint64 durationMs = 0;
};

struct StepRecord
{
    QString runId;
    QString name;
    int position = 0;
    QString stage;
    RunStatus status = RunStatus::Queued;
    int attempt = 0;
    std::optional<int> exitCode;
    QDateTime startedAt;
    QDateTime finishedAt;
    qint64 durationMs = 0;
    QString logPath;
    QString message;
};

struct ArtifactRecord
{
    QString runId;
    QString step;
    QString path; // relative to the run's folder
    qint64 sizeBytes = 0;
};

// One status change of anything the history tracks: a run, a step, later a deployment.
struct TransitionRecord
{
    QString entityType; // "run", "step", ...
    QString entityId;   // "<run-id>" or "<run-id>/<step>"
    QString status;
    QDateTime at;
    QString detail;
};

struct RunFilter
{
    QString pipeline;                // empty: all
    std::optional<RunStatus> status; // none: all
    QDateTime since;                 // invalid: no lower bound
    int limit = 200;
};

} // namespace launchdeck
