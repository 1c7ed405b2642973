// The thread side of a DockerHost: connects, lists, follows events and stats, reconnects with
// backoff. Blocking API calls run on a one-thread pool so its event loop never waits.
#pragma once

#include "docker/dockerclient.h"
#include "docker/dockerhost.h"
#include "docker/dockerhostmailbox.h"
#include "docker/dockerhoststate.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>

class QThreadPool;

namespace launchdeck {

class DockerCurlMulti;
class DockerCurlTransfer;
class DockerHostEvents;
class DockerStatsCollector;

class DockerHostWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHostWorker)

public:
    DockerHostWorker(DockerEndpoint endpoint, DockerHostOptions options);
    // Runs on the worker's thread as it finishes: ends the streams without waiting for any
    // blocked call.
    ~DockerHostWorker() override;

    // Both run on the worker's thread (queued from the host).
    void start();
    void retryNow();

Q_SIGNALS:
    void statusChanged(const launchdeck::DockerHostStatus& status);
    void containersReset(const QList<launchdeck::DockerContainer>& containers);
    void containersChanged(const QList<launchdeck::DockerContainer>& containers);
    void containersRemoved(const QStringList& ids);
    void imagesReset(const QList<launchdeck::DockerImage>& images);
    void networksReset(const QList<launchdeck::DockerNetwork>& networks);
    void volumesReset(const QList<launchdeck::DockerVolume>& volumes);
    void statsSampled(const QList<launchdeck::DockerStatsSample>& samples);
    void eventsReceived(const QList<launchdeck::DockerEvent>& events);

private:
    struct Snapshot;
    struct RefreshRequest;
    struct Refresh;

    // Runs `work(client)` on the query thread and `deliver(worker, answer)` back here.
    template <typename Work, typename Deliver> void query(Work work, Deliver deliver);

    void connectNow();
    void negotiated(quint64 generation, const Result<DockerVersion>& version,
                    const QString& apiVersion);
    void eventsOpened();
    void listed(quint64 generation, const Result<Snapshot>& snapshot);
    void takeEvents(const QList<DockerEvent>& events);
    void coalesced();
    void refreshed(quint64 generation, const Result<Refresh>& refresh);
    void fail(const QString& error);
    void stopFollowing();
    void flushEvents();
    void followStats(const QList<DockerContainer>& containers);
    void statsEnded(const QString& containerId);
    void armCoalescing();
    void heartbeat();
    int backoffMs(int attempt) const;

    DockerEndpoint m_endpoint;
    DockerHostOptions m_options;
    std::shared_ptr<DockerClient> m_client; // used by one query at a time
    std::shared_ptr<DockerHostMailbox<DockerHostWorker>> m_mailbox;
    QThreadPool* m_queries;

    // Made in start(), on the worker's thread, where their socket notifiers must live.
    std::unique_ptr<DockerCurlMulti> m_multi;
    std::unique_ptr<DockerHostEvents> m_events;
    std::unique_ptr<DockerStatsCollector> m_stats;

    QTimer m_backoff{this};
    QTimer m_coalesce{this};
    QTimer m_heartbeat{this};
    std::unique_ptr<DockerCurlTransfer> m_ping; // the heartbeat's request, while it runs
    DockerHostStatus m_status;
    DockerHostState m_state;
    quint64 m_generation = 0;  // answers of earlier connections are dropped
    bool m_refreshing = false; // one refresh at a time, so answers apply in order
    QSet<QString> m_dirtyContainers;
    bool m_imagesDirty = false;
    bool m_networksDirty = false;
    bool m_volumesDirty = false;
    QList<DockerEvent> m_pendingEvents;
};

} // namespace launchdeck
