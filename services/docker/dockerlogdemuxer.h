// Splits the body of /containers/{id}/logs into lines of stdout and stderr: with Tty off the
// daemon multiplexes both into frames of an 8-byte header and a payload, and reads cut through
// frames anywhere.
#pragma once

#include "docker/dockertypes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace launchdeck {

class DockerLogDemuxer final
{
public:
    // multiplexed: false for a container with Tty on, whose log is one raw stream (stdout).
    // timestamps: each line starts with an RFC 3339 time and a space, split off into the line.
    explicit DockerLogDemuxer(bool multiplexed = true, bool timestamps = false);

    // Returns the complete lines the bytes finish; the rest waits for the next call. A line
    // keeps no trailing newline. A daemon error (frame type 3) comes out as one line of
    // DockerLogStream::DaemonError.
    QList<DockerLogLine> feed(QByteArrayView bytes);
    // Lines still waiting for their newline, e.g. when the stream ended.
    QList<DockerLogLine> flush();

    // Bytes received but not yet returned as lines.
    qsizetype pendingBytes() const;

private:
    void appendPayload(DockerLogStream stream, QByteArrayView payload, QList<DockerLogLine>& out);
    DockerLogLine makeLine(DockerLogStream stream, QByteArray text) const;

    bool m_multiplexed;
    bool m_timestamps;
    QByteArray m_frameBuffer; // an incomplete header or payload
    // Text after the last newline of each stream: a line may span frames.
    QByteArray m_partial[4];
};

} // namespace launchdeck
