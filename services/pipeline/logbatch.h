// Log lines in bulk: one shared byte block per step plus an array of line offsets, so output
// crosses threads and sits in the backlog without a string per line; text is made on request.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QMetaType>
#include <QString>

namespace launchdeck {

// One line of a step's output, secrets already masked: the materialized form of a batch entry.
struct LogLine
{
    QString runId;
    QString step;
    QString text;              // without the line ending; ANSI sequences kept
    qint64 number = 0;         // 1-based within the step's log
    qint64 timeMs = 0;         // milliseconds since the epoch, when the line was read
    bool continuation = false; // true: continues the previous entry (an overlong line was split)
    bool note = false;         // true: written by Launchdeck (attempts, results), not by the step
};

// Where a line's bytes lie in its chunk's block; 16 bytes, as millions are made per second.
struct LogEntry
{
    static constexpr quint32 kContinuation = 0x8000'0000u;
    // A note of Launchdeck's own: not the step's output, and numbered after its last line.
    static constexpr quint32 kNote = 0x4000'0000u;

    quint32 offset = 0;
    quint32 lengthAndFlag = 0; // the length, kContinuation and kNote
    quint32 numberDelta = 0;   // from the chunk's baseNumber
    quint32 timeDelta = 0;     // milliseconds from the chunk's baseTimeMs

    quint32 length() const { return lengthAndFlag & ~(kContinuation | kNote); }
    bool continuation() const { return (lengthAndFlag & kContinuation) != 0; }
    bool note() const { return (lengthAndFlag & kNote) != 0; }
};
} // namespace launchdeck

// Plain data (all-zero is its default): lists of entries copy and grow as raw memory.
Q_DECLARE_TYPEINFO(launchdeck::LogEntry, Q_PRIMITIVE_TYPE);

namespace launchdeck {

// Consecutive lines of one step: the masked bytes as written to its log file, and the entries.
struct LogChunk
{
    QString runId;
    QString step;
    QByteArray bytes;
    QList<LogEntry> entries;
    qint64 baseNumber = 0;
    qint64 baseTimeMs = 0;

    QByteArrayView view(const LogEntry& entry) const
    {
        return QByteArrayView(bytes.constData() + entry.offset, entry.length());
    }
    qint64 number(const LogEntry& entry) const { return baseNumber + entry.numberDelta; }
    qint64 timeMs(const LogEntry& entry) const { return baseTimeMs + entry.timeDelta; }
};

class LogBatch final
{
public:
    qsizetype lineCount() const { return m_lineCount; }
    bool isEmpty() const { return m_lineCount == 0; }
    // Bytes of all blocks held (some may lie between entries, e.g. line endings).
    qsizetype byteCount() const { return m_byteCount; }

    // Index i runs over all lines of all chunks, 0 <= i < lineCount().
    const QString& runId(qsizetype i) const { return chunkOf(i).runId; }
    const QString& step(qsizetype i) const { return chunkOf(i).step; }
    QByteArrayView bytes(qsizetype i) const;
    QString text(qsizetype i) const { return QString::fromUtf8(bytes(i)); }
    qint64 number(qsizetype i) const { return chunkOf(i).number(entry(i)); }
    qint64 timeMs(qsizetype i) const { return chunkOf(i).timeMs(entry(i)); }
    bool isContinuation(qsizetype i) const { return entry(i).continuation(); }
    bool isNote(qsizetype i) const { return entry(i).note(); }
    LogLine line(qsizetype i) const;
    const LogEntry& entry(qsizetype i) const;

    const QList<LogChunk>& chunks() const { return m_chunks; }
    void append(LogChunk chunk);
    void append(const LogBatch& other);

    // Iterates the lines as LogLine values, made one at a time.
    class const_iterator final
    {
    public:
        const_iterator(const LogBatch* batch, qsizetype chunk, qsizetype entry)
            : m_batch(batch)
            , m_chunk(chunk)
            , m_entry(entry)
        {}
        LogLine operator*() const;
        const_iterator& operator++();
        bool operator==(const const_iterator& other) const = default;

    private:
        const LogBatch* m_batch;
        qsizetype m_chunk;
        qsizetype m_entry;
    };
    const_iterator begin() const;
    const_iterator end() const { return const_iterator(this, m_chunks.size(), 0); }

private:
    qsizetype chunkIndex(qsizetype i) const;
    const LogChunk& chunkOf(qsizetype i) const { return m_chunks[chunkIndex(i)]; }

    QList<LogChunk> m_chunks;  // none empty
    QList<qsizetype> m_starts; // index of each chunk's first line
    qsizetype m_lineCount = 0;
    qsizetype m_byteCount = 0;
};

} // namespace launchdeck

Q_DECLARE_METATYPE(launchdeck::LogLine)
Q_DECLARE_METATYPE(launchdeck::LogBatch)
