// Docker log lines as LogModel batches: masking, stream mapping, and dropping the lines a
// reopened stream repeats.
#include "dockerlogfeed.h"
#include "logchunkbuilder.h"

#include <QJsonArray>

#include <algorithm>
#include <array>

namespace launchdeck {

namespace {

// stderr is told apart in the view's own colour language: the delegate draws SGR colours and
// every plain-text role strips them, so search and copy see the line as the container wrote it.
constexpr QByteArrayView kStderrColour = "\x1b[31m";

} // namespace

QString DockerLogFeed::stepOf(DockerLogStream stream)
{
    switch (stream) {
    case DockerLogStream::Stderr:
        return stderrStep();
    case DockerLogStream::DaemonError:
        return QStringLiteral("daemon");
    case DockerLogStream::Stdin:
    case DockerLogStream::Stdout:
        break;
    }
    return stdoutStep();
}

bool DockerLogFeed::looksSecret(QStringView name)
{
    static const std::array<QLatin1String, 7> kWords = {
        QLatin1String("PASSWORD"),   QLatin1String("PASSWD"), QLatin1String("PASSPHRASE"),
        QLatin1String("SECRET"),     QLatin1String("TOKEN"),  QLatin1String("KEY"),
        QLatin1String("CREDENTIAL"),
    };
    return std::any_of(kWords.begin(), kWords.end(), [&](QLatin1String word) {
        return name.contains(word, Qt::CaseInsensitive);
    });
}

QStringList DockerLogFeed::secretValues(const QJsonObject& inspect)
{
    QStringList values;
    const QJsonArray env =
        inspect.value(QLatin1String("Config")).toObject().value(QLatin1String("Env")).toArray();
    for (const QJsonValue& entry : env) {
        const QString text = entry.toString();
        const qsizetype equals = text.indexOf(u'=');
        if (equals <= 0 || !looksSecret(QStringView(text).left(equals)))
            continue;
        const QString value = text.mid(equals + 1);
        if (value.trimmed().size() >= kMinSecretLength && !values.contains(value))
            values.append(value);
    }
    return values;
}

void DockerLogFeed::setMaskedValues(const QStringList& values)
{
    m_maskedValues = values;
    m_masker = SecretMasker(kMask);
    for (const QString& value : values)
        m_masker.add(value);
}

void DockerLogFeed::restart()
{
    m_nextNumber = 1;
    m_lastTime = QDateTime();
    m_countAtLast = 0;
    m_resumeTime = QDateTime();
    m_resumeSkip = 0;
}

void DockerLogFeed::resumeAfterLastLine()
{
    m_resumeTime = m_lastTime;
    m_resumeSkip = m_countAtLast;
}

bool DockerLogFeed::isRepeat(const DockerLogLine& line)
{
    if (!m_resumeTime.isValid())
        return false;
    if (!line.timestamp.isValid()) {
        // Nothing to compare with: show everything rather than guess.
        m_resumeTime = QDateTime();
        return false;
    }
    if (line.timestamp < m_resumeTime)
        return true;
    if (line.timestamp == m_resumeTime && m_resumeSkip > 0) {
        --m_resumeSkip;
        return true;
    }
    // The daemon writes a container's log in arrival order, so the first newer line ends the
    // repeats.
    m_resumeTime = QDateTime();
    return false;
}

void DockerLogFeed::noteSeen(const QDateTime& time)
{
    if (!time.isValid())
        return;
    if (time == m_lastTime) {
        ++m_countAtLast;
    } else if (!m_lastTime.isValid() || time > m_lastTime) {
        m_lastTime = time;
        m_countAtLast = 1;
    }
}

LogBatch DockerLogFeed::convert(const QList<DockerLogLine>& lines)
{
    LogBatch batch;
    LogChunkBuilder builder(batch);
    for (const DockerLogLine& line : lines) {
        if (isRepeat(line))
            continue;
        noteSeen(line.timestamp);
        QByteArray text = line.text;
        m_masker.mask(text);
        const bool error =
            line.stream == DockerLogStream::Stderr || line.stream == DockerLogStream::DaemonError;
        const QByteArrayView prefix = error ? kStderrColour : QByteArrayView();
        const qint64 timeMs = line.timestamp.isValid() ? line.timestamp.toMSecsSinceEpoch() : 0;
        const qint64 number = m_nextNumber++;
        builder.startStep(stepOf(line.stream));
        qsizetype at = 0;
        do {
            qsizetype end = std::min(text.size(), at + kMaxLineBytes);
            // Never cut inside a UTF-8 sequence.
            while (end < text.size() && end > at + 1 &&
                   (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
                --end;
            builder.add(prefix, QByteArrayView(text.constData() + at, end - at), number, timeMs,
                        at > 0);
            at = end;
        } while (at < text.size());
    }
    builder.finish();
    return batch;
}

} // namespace launchdeck
