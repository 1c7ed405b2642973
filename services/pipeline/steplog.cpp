// Per-step log handling: masking, ::add-mask::, file output and pending lines.
#include "pipeline/steplog.h"

#include "pipeline/secretmasker.h"

#include <QDateTime>

namespace launchdeck {

namespace {
constexpr QByteArrayView kAddMask = "::add-mask::";
constexpr qsizetype kFileBufferBytes = 256 * 1024;
} // namespace

StepLog::StepLog(QString runId, QString step, QString filePath, SecretMasker* masker,
                 qsizetype maxLine)
    : m_runId(std::move(runId))
    , m_step(std::move(step))
    , m_masker(masker)
    , m_file(filePath)
    , m_splitter(std::make_unique<LineSplitter>(
          [this](QByteArrayView piece, bool continuation, bool endsLine) {
              addPiece(piece, continuation, endsLine);
          },
          maxLine, masker))
{}

StepLog::~StepLog()
{
    flush();
}

bool StepLog::open(QString* error)
{
    if (m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
        return true;
    if (error)
        *error = QStringLiteral("cannot write %1: %2").arg(m_file.fileName(), m_file.errorString());
    return false;
}

void StepLog::feed(QByteArrayView data)
{
    m_now = QDateTime::currentMSecsSinceEpoch();
    m_splitter->feed(data);
    if (m_fileBuffer.size() >= kFileBufferBytes)
        flush();
}

void StepLog::endStream()
{
    m_now = QDateTime::currentMSecsSinceEpoch();
    m_splitter->finish();
    flush();
}

void StepLog::note(const QString& text)
{
    m_now = QDateTime::currentMSecsSinceEpoch();
    const QByteArray bytes = text.toUtf8();
    addPiece(bytes, false, true);
}

void StepLog::addPiece(QByteArrayView piece, bool continuation, bool endsLine)
{
    QByteArrayView out = piece;
    if (!continuation && endsLine && piece.startsWith(kAddMask)) {
        // The value must never be shown, not even in the command that hides it.
        if (m_masker)
            m_masker->add(QString::fromUtf8(piece.sliced(kAddMask.size())));
        out = "::add-mask::***";
    } else if (m_masker && !m_masker->isEmpty()) {
        m_scratch = piece.toByteArray();
        if (m_masker->mask(m_scratch))
            out = m_scratch;
    }
    write(out);
    if (endsLine)
        write("\n");

    LogLine line;
    line.runId = m_runId;
    line.step = m_step;
    line.text = QString::fromUtf8(out);
    line.number = continuation ? m_number : ++m_number;
    line.timeMs = m_now;
    line.continuation = continuation;
    m_pendingChars += line.text.size();
    m_pending.append(std::move(line));
}

void StepLog::write(QByteArrayView bytes)
{
    m_fileBuffer.append(bytes);
}

void StepLog::flush()
{
    if (m_fileBuffer.isEmpty() || !m_file.isOpen())
        return;
    m_file.write(m_fileBuffer);
    m_fileBuffer.resize(0);
}

LogBatch StepLog::takePending()
{
    LogBatch batch;
    batch.swap(m_pending);
    m_pendingChars = 0;
    return batch;
}

} // namespace launchdeck
