// Stats streams on a shared multi handle: a stream per container costs a socket and a decoder,
// not a thread.
#include "docker/dockerstatscollector.h"

#include "docker/dockerstatsmath.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrl>

#include <utility>

namespace launchdeck {

Q_LOGGING_CATEGORY(lcDockerStats, "launchdeck.docker.stats", QtInfoMsg)

struct DockerStatsCollector::Stream
{
    QString containerId;
    std::unique_ptr<DockerCurlTransfer> transfer;
    DockerJsonLineSplitter lines;
    DockerStatsSample previous;
};

DockerStatsCollector::DockerStatsCollector(DockerCurlMulti* multi, DockerEndpoint endpoint,
                                           QObject* parent)
    : QObject(parent)
    , m_multi(multi)
    , m_endpoint(std::move(endpoint))
{
    m_flush.setInterval(500);
    connect(&m_flush, &QTimer::timeout, this, &DockerStatsCollector::flush);
}

DockerStatsCollector::~DockerStatsCollector()
{
    unfollowAll();
}

void DockerStatsCollector::follow(const QString& containerId)
{
    if (containerId.isEmpty() || m_streams.contains(containerId))
        return;
    auto stream = std::make_shared<Stream>();
    stream->containerId = containerId;
    stream->transfer = std::make_unique<DockerCurlTransfer>(
        m_endpoint, m_apiVersion,
        QStringLiteral("/containers/") + QString::fromLatin1(QUrl::toPercentEncoding(containerId)) +
            QStringLiteral("/stats?stream=true"));
    Stream* raw = stream.get();
    stream->transfer->onBody = [this, raw](QByteArrayView bytes) {
        decode(*raw, bytes);
    };
    const bool added =
        m_multi->add(stream->transfer->handle(), [this, containerId](CURLcode result) {
            const std::shared_ptr<Stream> ended = m_streams.take(containerId);
            if (!ended)
                return;
            const QString error = ended->transfer->failure(
                result, QStringLiteral("read the stats of ") + containerId);
            if (!error.isEmpty())
                qCDebug(lcDockerStats) << error;
            Q_EMIT streamEnded(containerId, error);
        });
    if (!added) {
        qCWarning(lcDockerStats) << "cannot add the stats stream of" << containerId;
        return;
    }
    m_streams.insert(containerId, std::move(stream));
    if (!m_flush.isActive())
        m_flush.start();
}

void DockerStatsCollector::unfollow(const QString& containerId)
{
    const std::shared_ptr<Stream> stream = m_streams.take(containerId);
    if (stream)
        m_multi->remove(stream->transfer->handle());
    if (m_streams.isEmpty())
        m_flush.stop();
}

void DockerStatsCollector::unfollowAll()
{
    for (const std::shared_ptr<Stream>& stream : std::as_const(m_streams))
        m_multi->remove(stream->transfer->handle());
    m_streams.clear();
    m_pending.clear();
    m_flush.stop();
}

void DockerStatsCollector::decode(Stream& stream, QByteArrayView bytes)
{
    for (const QByteArray& line : stream.lines.feed(bytes)) {
        const QJsonDocument document = QJsonDocument::fromJson(line);
        if (!document.isObject())
            continue;
        DockerStatsSample sample =
            docker::statsSampleFromJson(document.object(), stream.containerId);
        docker::applyRates(stream.previous, sample);
        stream.previous = sample;
        m_pending.append(std::move(sample));
    }
}

void DockerStatsCollector::flush()
{
    if (!m_pending.isEmpty())
        Q_EMIT sampled(std::exchange(m_pending, {}));
    if (m_streams.isEmpty())
        m_flush.stop();
}

} // namespace launchdeck
