// The stats of a host's running containers: one streaming GET per container, all on one shared
// curl multi handle, decoded on the worker's thread and handed on in batches.
#pragma once

#include "docker/dockercurlmulti.h"
#include "docker/dockerendpoint.h"
#include "docker/dockerjsonlines.h"
#include "docker/dockertypes.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

#include <memory>

namespace launchdeck {

class DockerStatsCollector final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerStatsCollector)

public:
    // `multi` must outlive the collector.
    DockerStatsCollector(DockerCurlMulti* multi, DockerEndpoint endpoint,
                         QObject* parent = nullptr);
    ~DockerStatsCollector() override;

    void setApiVersion(const QString& apiVersion) { m_apiVersion = apiVersion; }
    void setFlushInterval(int milliseconds) { m_flush.setInterval(milliseconds); }

    // Starts the container's stream unless it runs already.
    void follow(const QString& containerId);
    void unfollow(const QString& containerId);
    void unfollowAll();
    bool isFollowing(const QString& containerId) const { return m_streams.contains(containerId); }
    qsizetype followedCount() const { return m_streams.size(); }

Q_SIGNALS:
    // The samples gathered since the last flush, at most one batch per flush interval.
    void sampled(const QList<launchdeck::DockerStatsSample>& samples);
    // The daemon ended a stream by itself (the container went away, the connection dropped);
    // `error` is empty when it closed it cleanly.
    void streamEnded(const QString& containerId, const QString& error);

private:
    struct Stream;
    void decode(Stream& stream, QByteArrayView bytes);
    void flush();

    DockerCurlMulti* m_multi;
    DockerEndpoint m_endpoint;
    QString m_apiVersion;
    QHash<QString, std::shared_ptr<Stream>> m_streams;
    QList<DockerStatsSample> m_pending;
    QTimer m_flush;
};

} // namespace launchdeck
