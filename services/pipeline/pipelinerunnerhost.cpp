// The runner's thread and the queued calls into it.
#include "pipeline/pipelinerunnerhost.h"

#include "pipeline/stepengines.h"
#include "pipeline/streammemory.h"

namespace launchdeck {

PipelineRunnerHost::PipelineRunnerHost(RunnerOptions options,
                                       std::shared_ptr<const StepEngines> engines, QObject* parent)
    : QObject(parent)
    , m_runner(new PipelineRunner(std::move(options), std::move(engines)))
{
    keepStreamMemoryForReuse();
    m_thread.setObjectName(QStringLiteral("pipeline-runner"));
    m_runner->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_runner, &QObject::deleteLater);
    m_thread.start();
}

PipelineRunnerHost::~PipelineRunnerHost()
{
    // The runner's destructor, run in its thread as the loop ends, SIGKILLs what still runs.
    m_thread.quit();
    m_thread.wait();
}

QString PipelineRunnerHost::start(RunRequest request)
{
    if (request.runId.isEmpty())
        request.runId = PipelineRunner::newRunId();
    const QString id = request.runId;
    QMetaObject::invokeMethod(
        m_runner, [runner = m_runner, request] { runner->start(request); }, Qt::QueuedConnection);
    return id;
}

void PipelineRunnerHost::cancel(const QString& runId)
{
    QMetaObject::invokeMethod(
        m_runner, [runner = m_runner, runId] { runner->cancel(runId); }, Qt::QueuedConnection);
}

void PipelineRunnerHost::cancelAll()
{
    QMetaObject::invokeMethod(
        m_runner, [runner = m_runner] { runner->cancelAll(); }, Qt::QueuedConnection);
}

} // namespace launchdeck
