// Demultiplexing Docker log frames into lines.
#include "docker/dockerlogdemuxer.h"

#include <QtEndian>

namespace launchdeck {

namespace {

constexpr qsizetype headerSize = 8;

} // namespace

DockerLogDemuxer::DockerLogDemuxer(bool multiplexed, bool timestamps)
    : m_multiplexed(multiplexed)
    , m_timestamps(timestamps)
{}

QList<DockerLogLine> DockerLogDemuxer::feed(QByteArrayView bytes)
{
    QList<DockerLogLine> lines;
    if (!m_multiplexed) {
        appendPayload(DockerLogStream::Stdout, bytes, lines);
        return lines;
    }
    m_frameBuffer.append(bytes.data(), bytes.size());
    qsizetype offset = 0;
    while (m_frameBuffer.size() - offset >= headerSize) {
        const auto* header = reinterpret_cast<const uchar*>(m_frameBuffer.constData() + offset);
        const quint32 size = qFromBigEndian<quint32>(header + 4);
        if (m_frameBuffer.size() - offset - headerSize < qsizetype(size))
            break;
        const quint8 type = header[0];
        const auto stream =
            type <= 3 ? static_cast<DockerLogStream>(type) : DockerLogStream::DaemonError;
        const QByteArrayView payload(m_frameBuffer.constData() + offset + headerSize, size);
        if (stream == DockerLogStream::DaemonError) {
            // An error is whole in its frame and has no newline to wait for.
            QByteArray text = payload.toByteArray();
            while (text.endsWith('\n'))
                text.chop(1);
            lines.append(DockerLogLine{stream, {}, text});
        } else {
            appendPayload(stream, payload, lines);
        }
        offset += headerSize + size;
    }
    m_frameBuffer.remove(0, offset);
    return lines;
}

QList<DockerLogLine> DockerLogDemuxer::flush()
{
    QList<DockerLogLine> lines;
    for (int stream = 0; stream < 4; ++stream) {
        if (!m_partial[stream].isEmpty()) {
            lines.append(makeLine(static_cast<DockerLogStream>(stream), m_partial[stream]));
            m_partial[stream].clear();
        }
    }
    return lines;
}

qsizetype DockerLogDemuxer::pendingBytes() const
{
    qsizetype total = m_frameBuffer.size();
    for (const QByteArray& partial : m_partial)
        total += partial.size();
    return total;
}

void DockerLogDemuxer::appendPayload(DockerLogStream stream, QByteArrayView payload,
                                     QList<DockerLogLine>& out)
{
    QByteArray& partial = m_partial[static_cast<int>(stream)];
    qsizetype start = 0;
    while (start < payload.size()) {
        const qsizetype newline = payload.indexOf('\n', start);
        if (newline < 0) {
            partial.append(payload.data() + start, payload.size() - start);
            return;
        }
        partial.append(payload.data() + start, newline - start);
        if (partial.endsWith('\r'))
            partial.chop(1);
        out.append(makeLine(stream, partial));
        partial.clear();
        start = newline + 1;
    }
}

DockerLogLine DockerLogDemuxer::makeLine(DockerLogStream stream, QByteArray text) const
{
    DockerLogLine line{stream, {}, std::move(text)};
    if (m_timestamps) {
        const qsizetype space = line.text.indexOf(' ');
        const QDateTime time = QDateTime::fromString(
            QString::fromLatin1(line.text.left(space < 0 ? line.text.size() : space)),
            Qt::ISODateWithMs);
        if (time.isValid()) {
            line.timestamp = time;
            line.text = space < 0 ? QByteArray() : line.text.mid(space + 1);
        }
    }
    return line;
}

} // namespace launchdeck
