// Values the pipeline runner emits across threads: statuses, log lines and step/run events.
#pragma once

#include "pipeline/logbatch.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace launchdeck {

enum class RunStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Skipped,
    Cancelled,
    TimedOut,
    Interrupted
};

QString runStatusName(RunStatus status);
std::optional<RunStatus> runStatusFromName(QStringView name);
// Queued and running are the only statuses that still change.
constexpr bool isFinished(RunStatus status)
{
    return status != RunStatus::Queued && status != RunStatus::Running;
}

struct RunInfo
{
    QString runId;
    QString pipeline;
    QString pipelineFile;
    QString workspace;
    QString runDir; // <data>/runs/<run-id>
    QDateTime startedAt;
    QStringList steps;  // in file order
    QStringList stages; // the stage of each step, same order
};

struct StepEvent
{
    QString runId;
    QString step;
    int index = 0; // position in the pipeline
    RunStatus status = RunStatus::Queued;
    int exitCode = -1; // -1: no exit code (skipped, killed, a built-in kind)
    int attempt = 0;   // 1-based; 0 when the step never started
    qint64 durationMs = 0;
    QDateTime startedAt;
    QDateTime finishedAt;
    QString logPath;
    QString message;       // why it ended as it did, e.g. "timed out after 30s"
    QStringList artifacts; // copied into the run folder, relative to it
};

struct RunResult
{
    QString runId;
    RunStatus status = RunStatus::Succeeded;
    QDateTime finishedAt;
    qint64 durationMs = 0;
};

} // namespace launchdeck

Q_DECLARE_METATYPE(launchdeck::RunInfo)
Q_DECLARE_METATYPE(launchdeck::StepEvent)
Q_DECLARE_METATYPE(launchdeck::RunResult)
Q_DECLARE_METATYPE(launchdeck::RunStatus)
