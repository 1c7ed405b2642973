// The output of one step: masked in blocks, appended to the step's log file as is, and indexed
// into lines (offsets, not strings) for the next batch to listeners.
#pragma once

#include "pipeline/linesplitter.h"
#include "pipeline/logbatch.h"

#include <QFile>

#include <vector>

namespace launchdeck {

class SecretMasker;

class StepLog final
{
public:
    // A block is handed on once this full, so offsets stay small and backlog drops stay fine.
    static constexpr qsizetype kChunkBytes = 4 * 1024 * 1024;

    // `masker` is the run's: ::add-mask:: lines add to it, so later output of every step is masked.
    StepLog(QString runId, QString step, QString filePath, SecretMasker* masker,
            qsizetype maxLine = LineSplitter::kDefaultMaxLine);
    ~StepLog();

    // Opens the file for appending (attempts of one step share it).
    bool open(QString* error);
    QString filePath() const { return m_file.fileName(); }

    // Raw process output, in any chunking.
    void feed(QByteArrayView data);
    // The end of the current output stream (an attempt ended).
    void endStream();
    // A line Launchdeck itself adds (attempt headers, results of built-in steps, the step's
    // result): in the file like any line, flagged as a note in the batch and numbered after the
    // step's last output line, so the step's own lines keep their numbers 1, 2, 3...
    void note(const QString& text);

    // Writes bytes not yet in the file, so a killed console loses at most one batch interval.
    void flush();

    qsizetype pendingCount() const { return m_pendingLines + m_entryCount; }
    qsizetype pendingBytes() const { return m_pendingBytes + m_chunk.bytes.size(); }
    // Everything since the last call, in order; flushes first so the file is never behind.
    QList<LogChunk> takePending();
    qint64 lineCount() const { return m_number; } // the step's own lines, notes not counted

private:
    void addBlock(QByteArrayView bytes, bool endsLine);
    void appendMasked(QByteArrayView bytes);
    void index(qsizetype from, bool endsLine);
    void addEntry(qsizetype offset, qsizetype length, bool endsLine);
    void seal();

    SecretMasker* m_masker;
    QFile m_file;
    LineSplitter m_splitter;
    LogChunk m_chunk; // being filled: its bytes; its entries are in m_entries until sealed
    // The entries of m_chunk while it fills (the first m_entryCount), in room reused from chunk to
    // chunk; sealing copies them into the chunk's list.
    std::vector<LogEntry> m_entries;
    qsizetype m_entryCount = 0;
    qsizetype m_bytesHint = 0; // room a new chunk starts with
    qsizetype m_written = 0;   // bytes of m_chunk already in the file
    QList<LogChunk> m_sealed;
    qsizetype m_pendingLines = 0; // in m_sealed
    qsizetype m_pendingBytes = 0;
    QByteArray m_scratch;
    qint64 m_number = 0;
    qint64 m_now = 0;
    bool m_continuation = false; // the next entry continues a cut piece
    bool m_noting = false;       // the entries being added are a note
};

} // namespace launchdeck
