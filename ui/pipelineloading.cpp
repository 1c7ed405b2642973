// Reading pipelines and past runs off the GUI thread.
#include "pipelineloading.h"

#include "pipeline/logfilereader.h"
#include "pipeline/pipelineparser.h"
#include "store/historystore.h"

#include <QDir>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

namespace {

QList<PipelineEntry> loadPipelines(const QStringList& files)
{
    QList<PipelineEntry> entries;
    for (const QString& file : std::as_const(files)) {
        Diagnostics out;
        PipelineEntry entry;
        entry.file = file;
        entry.pipeline = loadPipeline(file, out);
        for (const Diagnostic& d : std::as_const(out)) {
            if (isError(d.severity)) {
                entry.pipeline.reset();
                entry.problem = formatDiagnostic(d);
                break;
            }
        }
        entry.name = entry.pipeline ? entry.pipeline->name : QFileInfo(file).completeBaseName();
        entries.append(entry);
    }
    return entries;
}

RunDetails loadRunDetails(const std::shared_ptr<HistoryStore>& store, const QString& runId,
                          const QString& runDir, qsizetype maxLines)
{
    RunDetails details;
    details.runId = runId;
    details.steps = store->steps(runId);
    details.artifacts = store->artifacts(runId);
    // The run's own notes first, then each step's log in pipeline order; each keeps at most
    // an equal share so one chatty step cannot crowd out the others.
    const qsizetype logs = details.steps.size() + 1;
    const qsizetype share = std::max<qsizetype>(1000, maxLines / logs);
    details.lines.append(
        readLogTail(runId, QString(), QDir(runDir).filePath(QStringLiteral("run.log")), share));
    QList<StepRecord> ordered = details.steps;
    std::stable_sort(ordered.begin(), ordered.end(), [](const StepRecord& a, const StepRecord& b) {
        return a.startedAt < b.startedAt;
    });
    for (const StepRecord& step : std::as_const(ordered))
        if (!step.logPath.isEmpty())
            details.lines.append(readLogTail(runId, step.name, step.logPath, share,
                                             64 * 1024 * 1024, step.startedAt.toMSecsSinceEpoch()));
    return details;
}

} // namespace

QFuture<QList<PipelineEntry>> loadPipelinesAsync(const QStringList& files)
{
    return QtConcurrent::run(loadPipelines, files);
}

QFuture<RunDetails> loadRunDetailsAsync(std::shared_ptr<HistoryStore> store, const QString& runId,
                                        const QString& runDir, qsizetype maxLines)
{
    return QtConcurrent::run(loadRunDetails, std::move(store), runId, runDir, maxLines);
}

} // namespace launchdeck
