// Splits a log file's tail into chunk entries the way the runner indexes live output.
#include "pipeline/logfilereader.h"

#include <QFile>

namespace launchdeck {

namespace {

constexpr qsizetype kChunkBytes = 4 * 1024 * 1024;

} // namespace

LogBatch readLogTail(const QString& runId, const QString& step, const QString& path,
                     qsizetype maxLines, qint64 maxBytes, qint64 timeMs)
{
    LogBatch batch;
    QFile file(path);
    if (maxLines <= 0 || !file.open(QIODevice::ReadOnly))
        return batch;
    const qint64 size = file.size();
    const qint64 start = std::max<qint64>(0, size - maxBytes);
    file.seek(start);
    const QByteArray bytes = file.readAll();

    // Line starts, keeping only the last maxLines (and dropping a first line cut by the seek).
    QList<qsizetype> starts;
    qsizetype from = 0;
    if (start > 0) {
        const qsizetype newline = bytes.indexOf('\n');
        from = newline < 0 ? bytes.size() : newline + 1;
    }
    for (qsizetype i = from; i < bytes.size();) {
        starts.append(i);
        const qsizetype newline = bytes.indexOf('\n', i);
        i = newline < 0 ? bytes.size() : newline + 1;
    }
    const qsizetype skip = std::max<qsizetype>(0, starts.size() - maxLines);
    const qint64 firstNumber = 1; // numbers count from the tail read, not the file's start

    LogChunk chunk;
    auto seal = [&] {
        if (!chunk.entries.isEmpty())
            batch.append(std::move(chunk));
        chunk = LogChunk();
    };
    for (qsizetype k = skip; k < starts.size(); ++k) {
        const qsizetype begin = starts[k];
        const qsizetype end = k + 1 < starts.size() ? starts[k + 1] : bytes.size();
        qsizetype length = end - begin;
        while (length > 0 &&
               (bytes[begin + length - 1] == '\n' || bytes[begin + length - 1] == '\r'))
            --length;
        if (chunk.entries.isEmpty()) {
            chunk.runId = runId;
            chunk.step = step;
            chunk.baseNumber = firstNumber + (k - skip);
            chunk.baseTimeMs = timeMs;
        }
        LogEntry entry;
        entry.offset = static_cast<quint32>(chunk.bytes.size());
        entry.lengthAndFlag = static_cast<quint32>(length);
        entry.numberDelta = static_cast<quint32>(firstNumber + (k - skip) - chunk.baseNumber);
        chunk.bytes.append(bytes.constData() + begin, length);
        chunk.entries.append(entry);
        if (chunk.bytes.size() >= kChunkBytes)
            seal();
    }
    seal();
    return batch;
}

} // namespace launchdeck
