// The in-memory backlog of recent output: whole chunks kept in a ring bounded by lines and by
// bytes, so memory stays flat on chatty steps and a 100 MB line cannot pile up.
#pragma once

#include "pipeline/logbatch.h"

#include <deque>

namespace launchdeck {

class LogBacklog final
{
public:
    LogBacklog(qsizetype maxLines, qsizetype maxBytes);

    qsizetype maxLines() const { return m_maxLines; }
    qsizetype maxBytes() const { return m_maxBytes; }
    // What newest() returns, and the memory held (bytes and entries) against maxBytes().
    qsizetype lineCount() const;
    qsizetype byteCount() const { return m_bytes; }
    // How many lines newest() no longer returns, since construction or the last clear().
    qint64 dropped() const { return m_dropped + (m_lines - lineCount()); }

    // The chunk shares its bytes with the batch it came in: no copy.
    void push(const LogChunk& chunk);
    void push(const LogBatch& batch);

    // The newest lines, at most maxLines(), oldest first.
    LogBatch newest() const;

    void clear();

private:
    static qsizetype weight(const LogChunk& chunk);

    qsizetype m_maxLines;
    qsizetype m_maxBytes;
    std::deque<LogChunk> m_chunks;
    qsizetype m_lines = 0;
    qsizetype m_bytes = 0;
    qint64 m_dropped = 0;
};

} // namespace launchdeck
