// Log lines from a live source (a container's or a pod's log) gathered into LogModel chunks:
// consecutive lines of one step share a chunk, their times kept as deltas from the earliest.
#pragma once

#include "pipeline/logbatch.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace launchdeck {

class LogChunkBuilder final
{
public:
    explicit LogChunkBuilder(LogBatch& batch)
        : m_batch(batch)
    {}

    // Lines added from here on belong to `step`; a change of step closes the chunk.
    void startStep(const QString& step);
    // One line: `prefix` (e.g. a colour) then `text`; `timeMs` 0 when the line has no time.
    void add(QByteArrayView prefix, QByteArrayView text, qint64 number, qint64 timeMs,
             bool continuation);
    // Closes the chunk into the batch; the step stays for the lines that follow.
    void finish();

private:
    LogBatch& m_batch;
    LogChunk m_chunk;
    QList<qint64> m_times;
};

} // namespace launchdeck
