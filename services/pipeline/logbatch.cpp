// Lookup of lines across the chunks of a batch.
#include "pipeline/logbatch.h"

#include <algorithm>

namespace launchdeck {

qsizetype LogBatch::chunkIndex(qsizetype i) const
{
    Q_ASSERT(i >= 0 && i < m_lineCount);
    // Few chunks per batch (one per step that printed): a binary search is plenty.
    const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), i);
    return (it - m_starts.begin()) - 1;
}

const LogEntry& LogBatch::entry(qsizetype i) const
{
    const qsizetype c = chunkIndex(i);
    return m_chunks[c].entries[i - m_starts[c]];
}

QByteArrayView LogBatch::bytes(qsizetype i) const
{
    const qsizetype c = chunkIndex(i);
    const LogChunk& chunk = m_chunks[c];
    return chunk.view(chunk.entries[i - m_starts[c]]);
}

LogLine LogBatch::line(qsizetype i) const
{
    const qsizetype c = chunkIndex(i);
    const LogChunk& chunk = m_chunks[c];
    const LogEntry& e = chunk.entries[i - m_starts[c]];
    return {chunk.runId,     chunk.step,      QString::fromUtf8(chunk.view(e)),
            chunk.number(e), chunk.timeMs(e), e.continuation(),
            e.note()};
}

void LogBatch::append(LogChunk chunk)
{
    if (chunk.entries.isEmpty())
        return;
    m_starts.append(m_lineCount);
    m_lineCount += chunk.entries.size();
    m_byteCount += chunk.bytes.size();
    m_chunks.append(std::move(chunk));
}

void LogBatch::append(const LogBatch& other)
{
    for (const LogChunk& chunk : other.m_chunks)
        append(chunk);
}

LogBatch::const_iterator LogBatch::begin() const
{
    return const_iterator(this, 0, 0);
}

LogLine LogBatch::const_iterator::operator*() const
{
    const LogChunk& chunk = m_batch->m_chunks[m_chunk];
    const LogEntry& e = chunk.entries[m_entry];
    return {chunk.runId,     chunk.step,      QString::fromUtf8(chunk.view(e)),
            chunk.number(e), chunk.timeMs(e), e.continuation(),
            e.note()};
}

LogBatch::const_iterator& LogBatch::const_iterator::operator++()
{
    if (++m_entry >= m_batch->m_chunks[m_chunk].entries.size()) {
        ++m_chunk;
        m_entry = 0;
    }
    return *this;
}

} // namespace launchdeck
