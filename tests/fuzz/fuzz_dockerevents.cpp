// libFuzzer entry for newline-delimited JSON and the Docker event decoder. The first byte picks
// the read sizes, the rest is a GET /events body. Fed whole and in pieces the splitter must give
// the same lines; each line decodes to an event exactly when it is a JSON object with a Type and
// an Action, and fails with a message otherwise.
#include "docker/dockerjsonlines.h"
#include "fuzzsupport.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

using launchdeck::DockerJsonLineSplitter;
using launchdeck::fuzz::fail;

namespace {

constexpr const char* kName = "fuzz_dockerevents";

QList<QByteArray> split(QByteArrayView body, std::optional<std::uint32_t> chunkSeed)
{
    DockerJsonLineSplitter splitter;
    QList<QByteArray> lines;
    if (chunkSeed)
        launchdeck::fuzz::forEachChunk(
            body, *chunkSeed, [&](QByteArrayView chunk) { lines += splitter.feed(chunk); });
    else
        lines = splitter.feed(body);
    if (QByteArray rest = splitter.takeRest(); !rest.isEmpty())
        lines.append(std::move(rest));
    return lines;
}

void checkEvent(const QByteArray& line)
{
    const launchdeck::Result<launchdeck::DockerEvent> event = launchdeck::parseDockerEvent(line);
    const QJsonDocument document = QJsonDocument::fromJson(line);
    const QJsonObject object = document.object();
    const bool wellFormed = document.isObject() &&
                            !object.value(QLatin1String("Type")).toString().isEmpty() &&
                            !object.value(QLatin1String("Action")).toString().isEmpty();
    if (event.ok() != wellFormed)
        fail(kName, QStringLiteral("an event line was %1: %2")
                        .arg(event.ok() ? QStringLiteral("accepted") : QStringLiteral("rejected"),
                             QString::fromUtf8(line.left(200))));
    if (event.ok() && (event->type.isEmpty() || event->action.isEmpty()))
        fail(kName, QStringLiteral("an event without a type or an action was accepted"));
    if (!event.ok() && (event.error().message.isEmpty() || event.error().where.isEmpty()))
        fail(kName, QStringLiteral("an event was rejected without saying what or where"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView body = launchdeck::fuzz::bytesOf(data + 1, size - 1);
    const QList<QByteArray> whole = split(body, std::nullopt);
    const QList<QByteArray> pieces = split(body, data[0]);
    if (whole != pieces)
        fail(kName, QStringLiteral("%1 lines fed whole, %2 fed in pieces, or their text differs")
                        .arg(whole.size())
                        .arg(pieces.size()));
    qsizetype text = 0;
    for (const QByteArray& line : whole) {
        text += line.size();
        if (line.isEmpty() || line.contains('\n') || line != line.trimmed())
            fail(kName, QStringLiteral("a line is empty, holds a newline or is not trimmed"));
        checkEvent(line);
    }
    if (text > body.size())
        fail(kName,
             QStringLiteral("%1 bytes of lines from a body of %2").arg(text).arg(body.size()));
    return 0;
}
