// The output of one step: split into lines, masked, appended to the step's log file and queued
// for the next batch to listeners.
#pragma once

#include "pipeline/linesplitter.h"
#include "pipeline/runtypes.h"

#include <QFile>

#include <memory>

namespace launchdeck {

class SecretMasker;

class StepLog final
{
public:
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
    // A line Launchdeck itself adds (attempt headers, results of built-in steps).
    void note(const QString& text);

    // Writes buffered bytes to the file so a killed console loses at most one batch interval.
    void flush();

    qsizetype pendingCount() const { return m_pending.size(); }
    qsizetype pendingChars() const { return m_pendingChars; }
    LogBatch takePending();
    qint64 lineCount() const { return m_number; }

private:
    void addPiece(QByteArrayView piece, bool continuation, bool endsLine);
    void write(QByteArrayView bytes);

    QString m_runId;
    QString m_step;
    SecretMasker* m_masker;
    QFile m_file;
    std::unique_ptr<LineSplitter> m_splitter;
    QByteArray m_fileBuffer;
    QByteArray m_scratch;
    LogBatch m_pending;
    qsizetype m_pendingChars = 0;
    qint64 m_number = 0;
    qint64 m_now = 0;
};

} // namespace launchdeck
