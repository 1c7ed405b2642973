// Bounded backlog of log chunks.
#include "pipeline/logbacklog.h"

#include <algorithm>

namespace launchdeck {

LogBacklog::LogBacklog(qsizetype maxLines, qsizetype maxBytes)
    : m_maxLines(std::max<qsizetype>(1, maxLines))
    , m_maxBytes(std::max<qsizetype>(1, maxBytes))
{}

qsizetype LogBacklog::weight(const LogChunk& chunk)
{
    return chunk.bytes.capacity() +
           chunk.entries.capacity() * static_cast<qsizetype>(sizeof(LogEntry));
}

qsizetype LogBacklog::lineCount() const
{
    return std::min(m_lines, m_maxLines);
}

void LogBacklog::push(const LogChunk& chunk)
{
    if (chunk.entries.isEmpty())
        return;
    m_chunks.push_back(chunk);
    m_lines += chunk.entries.size();
    m_bytes += weight(chunk);
    // Whole chunks leave, so up to one chunk more than maxLines may be held; newest() trims it.
    // The newest chunk always stays, whatever its size.
    while (m_chunks.size() > 1) {
        const LogChunk& oldest = m_chunks.front();
        const qsizetype lines = oldest.entries.size();
        if (m_lines - lines < m_maxLines && m_bytes <= m_maxBytes)
            break;
        m_lines -= lines;
        m_bytes -= weight(oldest);
        m_dropped += lines;
        m_chunks.pop_front();
    }
}

void LogBacklog::push(const LogBatch& batch)
{
    for (const LogChunk& chunk : batch.chunks())
        push(chunk);
}

LogBatch LogBacklog::newest() const
{
    LogBatch batch;
    qsizetype skip = m_lines - lineCount();
    for (const LogChunk& chunk : m_chunks) {
        if (skip >= chunk.entries.size()) {
            skip -= chunk.entries.size();
            continue;
        }
        if (skip == 0) {
            batch.append(chunk);
            continue;
        }
        LogChunk tail = chunk;
        tail.entries = chunk.entries.mid(skip);
        skip = 0;
        batch.append(std::move(tail));
    }
    return batch;
}

void LogBacklog::clear()
{
    m_chunks.clear();
    m_lines = 0;
    m_bytes = 0;
    m_dropped = 0;
}

} // namespace launchdeck
