// Newline-delimited JSON, the framing of the events, stats and build streams: whole lines out
// of reads that cut anywhere.
#pragma once

#include "core/result.h"
#include "docker/dockertypes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace launchdeck {

class DockerJsonLineSplitter final
{
public:
    // Complete, non-empty lines, without their newline; the rest waits for the next call.
    QList<QByteArray> feed(QByteArrayView bytes);
    // What is left without a newline (a last line some servers do not terminate).
    QByteArray takeRest();

private:
    QByteArray m_buffer;
};

// One line of GET /events; an error names what was wrong with it.
Result<DockerEvent> parseDockerEvent(const QByteArray& line);

} // namespace launchdeck
