// Writes what the runner reports into the history database, in the runner's thread and before
// listeners in other threads hear of it, so the history is never behind the screen.
#pragma once

#include "core/result.h"

#include <QObject>

namespace launchdeck {

class HistoryStore;
class PipelineRunner;

// Opens the history (marking runs of a console that died as interrupted) and ends the step
// processes those runs left behind. The value is how many runs were interrupted. Blocking.
Result<int> openHistoryAndRecover(HistoryStore& store);

class PipelineRecorder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PipelineRecorder)

public:
    // Neither is owned; both must outlive the recorder.
    PipelineRecorder(HistoryStore* store, PipelineRunner* runner, QObject* parent = nullptr);

    int failedWrites() const { return m_failedWrites.loadRelaxed(); }

private:
    void count(bool ok);

    HistoryStore* m_store;
    QAtomicInt m_failedWrites;
};

} // namespace launchdeck
