// Runner signals to history rows.
#include "store/pipelinerecorder.h"

#include "pipeline/pipelinerunner.h"
#include "pipeline/processtree.h"
#include "store/historystore.h"

#include <QLoggingCategory>

namespace launchdeck {

Result<int> openHistoryAndRecover(HistoryStore& store)
{
    Result<int> opened = store.open();
    if (opened)
        processtree::endProcessesOfRuns(store.interruptedRuns());
    return opened;
}

Q_LOGGING_CATEGORY(lcRecorder, "launchdeck.pipeline")

PipelineRecorder::PipelineRecorder(HistoryStore* store, PipelineRunner* runner, QObject* parent)
    : QObject(parent)
    , m_store(store)
{
    // Direct: the store call runs in the runner's thread, so a row exists before any queued
    // listener sees the event, and a killed console has recorded everything it showed.
    connect(
        runner, &PipelineRunner::runStarted, this,
        [this](const RunInfo& run) { count(m_store->recordRunStarted(run)); },
        Qt::DirectConnection);
    connect(
        runner, &PipelineRunner::stepStarted, this,
        [this](const StepEvent& step) { count(m_store->recordStepStarted(step)); },
        Qt::DirectConnection);
    connect(
        runner, &PipelineRunner::stepFinished, this,
        [this](const StepEvent& step) { count(m_store->recordStepFinished(step)); },
        Qt::DirectConnection);
    connect(
        runner, &PipelineRunner::runFinished, this,
        [this](const RunResult& result) { count(m_store->recordRunFinished(result)); },
        Qt::DirectConnection);
}

void PipelineRecorder::count(bool ok)
{
    if (ok)
        return;
    m_failedWrites.ref();
    qCWarning(lcRecorder) << "history write failed:" << m_store->lastError();
}

} // namespace launchdeck
