// LogChunkBuilder: see logchunkbuilder.h.
#include "logchunkbuilder.h"

namespace launchdeck {

void LogChunkBuilder::startStep(const QString& step)
{
    if (!m_chunk.entries.isEmpty() && m_chunk.step == step)
        return;
    finish();
    m_chunk.step = step;
}

void LogChunkBuilder::add(QByteArrayView prefix, QByteArrayView text, qint64 number, qint64 timeMs,
                          bool continuation)
{
    if (m_chunk.entries.isEmpty())
        m_chunk.baseNumber = number;
    LogEntry entry;
    entry.offset = static_cast<quint32>(m_chunk.bytes.size());
    m_chunk.bytes.append(prefix);
    m_chunk.bytes.append(text);
    entry.lengthAndFlag = static_cast<quint32>(prefix.size() + text.size()) |
                          (continuation ? LogEntry::kContinuation : 0u);
    entry.numberDelta = static_cast<quint32>(number - m_chunk.baseNumber);
    m_chunk.entries.append(entry);
    m_times.append(timeMs);
}

void LogChunkBuilder::finish()
{
    if (m_chunk.entries.isEmpty())
        return;
    // Times are deltas from the earliest known one; lines without a time keep 0, which the view
    // reads as unknown.
    qint64 base = 0;
    for (qint64 time : std::as_const(m_times))
        if (time > 0 && (base == 0 || time < base))
            base = time;
    m_chunk.baseTimeMs = base;
    for (qsizetype i = 0; i < m_chunk.entries.size(); ++i)
        m_chunk.entries[i].timeDelta =
            m_times[i] > 0 ? static_cast<quint32>(m_times[i] - base) : 0u;
    const QString step = m_chunk.step;
    m_batch.append(std::move(m_chunk));
    m_chunk = LogChunk();
    m_chunk.step = step;
    m_times.clear();
}

} // namespace launchdeck
