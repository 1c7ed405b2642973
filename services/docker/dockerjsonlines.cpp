// Splitting newline-delimited JSON and reading events from it.
#include "docker/dockerjsonlines.h"

#include "docker/dockerjson.h"

#include <QJsonDocument>

namespace launchdeck {

QList<QByteArray> DockerJsonLineSplitter::feed(QByteArrayView bytes)
{
    QList<QByteArray> lines;
    m_buffer.append(bytes.data(), bytes.size());
    qsizetype start = 0;
    for (qsizetype newline = m_buffer.indexOf('\n'); newline >= 0;
         newline = m_buffer.indexOf('\n', start)) {
        QByteArray line = m_buffer.mid(start, newline - start).trimmed();
        if (!line.isEmpty())
            lines.append(std::move(line));
        start = newline + 1;
    }
    m_buffer.remove(0, start);
    return lines;
}

QByteArray DockerJsonLineSplitter::takeRest()
{
    QByteArray rest = m_buffer.trimmed();
    m_buffer.clear();
    return rest;
}

Result<DockerEvent> parseDockerEvent(const QByteArray& line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (!document.isObject()) {
        return Error{
            QStringLiteral("an event is not a JSON object: %1").arg(parseError.errorString()),
            QStringLiteral("events stream")};
    }
    DockerEvent event = docker::eventFromJson(document.object());
    if (event.type.isEmpty() || event.action.isEmpty())
        return Error{QStringLiteral("an event has no Type or Action"),
                     QStringLiteral("events stream")};
    return event;
}

} // namespace launchdeck
