// libFuzzer entry for stats decoding: the first byte picks the read sizes, the rest is a
// /containers/{id}/stats stream, one JSON frame a line. Every frame that is a JSON object becomes a
// sample whose figures are finite and not negative, whatever the numbers in it, and each sample
// gets its rates against the one before, as the stats collector does.
#include "docker/dockerjsonlines.h"
#include "docker/dockerstatsmath.h"
#include "fuzzsupport.h"

#include <QJsonDocument>

#include <cmath>
#include <optional>

using launchdeck::DockerStatsSample;
using launchdeck::fuzz::fail;

namespace {

constexpr const char* kName = "fuzz_dockerstats";

void checkFigure(const char* what, double value)
{
    if (!std::isfinite(value) || value < 0)
        fail(kName, QStringLiteral("%1 is %2").arg(QLatin1String(what)).arg(value));
}

void decodeFrame(const QByteArray& line, std::optional<DockerStatsSample>& previous)
{
    const QJsonDocument document = QJsonDocument::fromJson(line);
    if (!document.isObject())
        return;
    const QJsonObject frame = document.object();
    DockerStatsSample sample =
        launchdeck::docker::statsSampleFromJson(frame, QStringLiteral("fuzz"));
    if (sample.containerId != u"fuzz")
        fail(kName, QStringLiteral("the sample lost its container id"));
    if (sample.cpuPercent != launchdeck::docker::cpuPercent(frame) ||
        sample.memoryUsedBytes != launchdeck::docker::memoryUsedBytes(frame))
        fail(kName, QStringLiteral("the sample's CPU or memory differs from the frame's"));
    if (previous)
        launchdeck::docker::applyRates(*previous, sample);
    checkFigure("cpuPercent", sample.cpuPercent);
    checkFigure("memoryPercent", sample.memoryPercent);
    checkFigure("networkRxBytesPerSecond", sample.networkRxBytesPerSecond);
    checkFigure("networkTxBytesPerSecond", sample.networkTxBytesPerSecond);
    if (sample.memoryLimitBytes == 0 && sample.memoryPercent != 0)
        fail(kName, QStringLiteral("a memory share without a limit"));
    previous = std::move(sample);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    launchdeck::DockerJsonLineSplitter splitter;
    std::optional<DockerStatsSample> previous;
    launchdeck::fuzz::forEachChunk(launchdeck::fuzz::bytesOf(data + 1, size - 1), data[0],
                                   [&](QByteArrayView chunk) {
                                       for (const QByteArray& line : splitter.feed(chunk))
                                           decodeFrame(line, previous);
                                   });
    decodeFrame(splitter.takeRest(), previous);
    return 0;
}
