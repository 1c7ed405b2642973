// What the Pipelines tab reads from disk, as blocking functions for QtConcurrent: the
// workspace's pipeline files parsed, and a past run's steps, artifacts and log tails.
#pragma once

#include "pipeline/logbatch.h"
#include "pipeline/pipeline.h"
#include "store/historytypes.h"
#include "workspace/workspace.h"

#include <QFuture>

#include <memory>
#include <optional>

namespace launchdeck {

class HistoryStore;

struct PipelineEntry
{
    QString file;
    QString name;
    std::optional<Pipeline> pipeline; // nullopt: it has errors
    QString problem;                  // the first error, for the tooltip
};

struct RunDetails
{
    QString runId;
    QList<StepRecord> steps;
    QList<ArtifactRecord> artifacts;
    LogBatch lines;
};

// The pipelines of these files (the session's), each parsed.
QFuture<QList<PipelineEntry>> loadPipelinesAsync(const QStringList& files);
QFuture<RunDetails> loadRunDetailsAsync(std::shared_ptr<HistoryStore> store, const QString& runId,
                                        const QString& runDir, qsizetype maxLines);

} // namespace launchdeck
