// libFuzzer entry for the demuxer of /containers/{id}/logs bodies. The first byte picks the mode
// (bit 0: multiplexed frames, bit 1: timestamps) and, with its other bits, the read sizes; the
// rest is the body. Fed whole and fed in pieces it must give the same lines, never more text than
// the frames carried, and keep exactly the bytes of an unfinished frame pending.
#include "docker/dockerlogdemuxer.h"
#include "fuzzsupport.h"

#include <QtEndian>

#include <optional>

using launchdeck::DockerLogDemuxer;
using launchdeck::DockerLogLine;
using launchdeck::DockerLogStream;
using launchdeck::fuzz::fail;

namespace {

constexpr const char* kName = "fuzz_dockerlogs";
constexpr qsizetype kHeaderSize = 8;

struct Decoded
{
    QList<DockerLogLine> lines;
    qsizetype pending = 0;
};

Decoded decode(QByteArrayView body, bool multiplexed, bool timestamps,
               std::optional<std::uint32_t> chunkSeed)
{
    DockerLogDemuxer demuxer(multiplexed, timestamps);
    Decoded out;
    if (!chunkSeed) {
        out.lines = demuxer.feed(body);
    } else {
        qsizetype fed = 0;
        launchdeck::fuzz::forEachChunk(body, *chunkSeed, [&](QByteArrayView chunk) {
            out.lines += demuxer.feed(chunk);
            fed += chunk.size();
            if (demuxer.pendingBytes() > fed)
                fail(kName, QStringLiteral("%1 bytes pending after %2 fed")
                                .arg(demuxer.pendingBytes())
                                .arg(fed));
        });
    }
    out.lines += demuxer.flush();
    out.pending = demuxer.pendingBytes();
    return out;
}

// Payload bytes of the complete frames, and the bytes of an unfinished last one.
std::pair<qsizetype, qsizetype> framing(QByteArrayView body)
{
    qsizetype offset = 0;
    qsizetype payload = 0;
    while (body.size() - offset >= kHeaderSize) {
        const auto* header = reinterpret_cast<const uchar*>(body.data() + offset);
        const qsizetype size = qFromBigEndian<quint32>(header + 4);
        if (body.size() - offset - kHeaderSize < size)
            break;
        payload += size;
        offset += kHeaderSize + size;
    }
    return {payload, body.size() - offset};
}

bool sameLine(const DockerLogLine& a, const DockerLogLine& b)
{
    return a.stream == b.stream && a.text == b.text && a.timestamp == b.timestamp;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const bool multiplexed = (data[0] & 1) != 0;
    const bool timestamps = (data[0] & 2) != 0;
    const QByteArrayView body = launchdeck::fuzz::bytesOf(data + 1, size - 1);

    const Decoded whole = decode(body, multiplexed, timestamps, std::nullopt);
    const Decoded pieces = decode(body, multiplexed, timestamps, data[0] >> 2);
    if (whole.lines.size() != pieces.lines.size())
        fail(kName, QStringLiteral("%1 lines fed whole, %2 fed in pieces")
                        .arg(whole.lines.size())
                        .arg(pieces.lines.size()));
    for (qsizetype i = 0; i < whole.lines.size(); ++i) {
        if (!sameLine(whole.lines.at(i), pieces.lines.at(i)))
            fail(kName, QStringLiteral("line %1 differs when fed in pieces: '%2' and '%3'")
                            .arg(i)
                            .arg(QString::fromLatin1(whole.lines.at(i).text.toPercentEncoding()),
                                 QString::fromLatin1(pieces.lines.at(i).text.toPercentEncoding())));
    }

    const auto [payload, unfinished] =
        multiplexed ? framing(body) : std::pair<qsizetype, qsizetype>{body.size(), 0};
    if (whole.pending != unfinished || pieces.pending != unfinished)
        fail(kName,
             QStringLiteral("%1 and %2 bytes pending after flush, the unfinished frame has %3")
                 .arg(whole.pending)
                 .arg(pieces.pending)
                 .arg(unfinished));
    qsizetype text = 0;
    for (const DockerLogLine& line : whole.lines) {
        text += line.text.size();
        if (line.stream != DockerLogStream::DaemonError && line.text.contains('\n'))
            fail(kName, QStringLiteral("a line holds a newline"));
        if (!multiplexed && line.stream != DockerLogStream::Stdout)
            fail(kName, QStringLiteral("a raw stream gave a line that is not stdout"));
        if (!timestamps && line.timestamp.isValid())
            fail(kName, QStringLiteral("a timestamp was split off although none was asked for"));
    }
    if (text > payload)
        fail(kName,
             QStringLiteral("%1 bytes of text out of %2 bytes of payload").arg(text).arg(payload));
    return 0;
}
