// Connection, listing, event coalescing and backoff of one Docker host, on its own thread.
#include "docker/dockerhostworker.h"

#include "docker/dockercurlmulti.h"
#include "docker/dockerhostevents.h"
#include "docker/dockerstatscollector.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QThreadPool>

namespace launchdeck {

Q_LOGGING_CATEGORY(lcDockerHost, "launchdeck.docker.host", QtInfoMsg)

namespace {

// Events of one burst (a compose up, a restart loop) become one list call.
constexpr int kCoalesceMs = 100;
// A filter of more ids than this costs the daemon more than listing everything.
constexpr qsizetype kMaxFilteredIds = 64;

// Container events that leave its list entry as it was.
bool changesListing(const DockerEvent& event)
{
    static const QStringList quiet{
        QStringLiteral("attach"), QStringLiteral("detach"),       QStringLiteral("resize"),
        QStringLiteral("top"),    QStringLiteral("archive-path"), QStringLiteral("extract-to-dir"),
        QStringLiteral("export"), QStringLiteral("commit"),       QStringLiteral("copy")};
    return !event.action.startsWith(QLatin1String("exec_")) && !quiet.contains(event.action);
}

} // namespace

struct DockerHostWorker::Snapshot
{
    QList<DockerContainer> containers;
    QList<DockerImage> images;
    QList<DockerNetwork> networks;
    QList<DockerVolume> volumes;
};

struct DockerHostWorker::RefreshRequest
{
    QStringList containerIds;
    bool allContainers = false;
    bool images = false;
    bool networks = false;
    bool volumes = false;
};

struct DockerHostWorker::Refresh
{
    RefreshRequest request;
    QList<DockerContainer> containers;
    QList<DockerImage> images;
    QList<DockerNetwork> networks;
    QList<DockerVolume> volumes;
};

DockerHostWorker::DockerHostWorker(DockerEndpoint endpoint, DockerHostOptions options)
    : m_endpoint(std::move(endpoint))
    , m_options(options)
    , m_client(std::make_shared<DockerClient>(m_endpoint))
    , m_mailbox(std::make_shared<DockerHostMailbox<DockerHostWorker>>(this))
    , m_queries(new QThreadPool)
{
    m_queries->setMaxThreadCount(1);
    m_queries->setObjectName(QStringLiteral("docker queries ") + m_endpoint.toString());
    m_backoff.setSingleShot(true);
    m_coalesce.setSingleShot(true);
    connect(&m_backoff, &QTimer::timeout, this, &DockerHostWorker::connectNow);
    connect(&m_coalesce, &QTimer::timeout, this, &DockerHostWorker::coalesced);
    connect(&m_heartbeat, &QTimer::timeout, this, &DockerHostWorker::heartbeat);
}

DockerHostWorker::~DockerHostWorker()
{
    m_mailbox->close();
    if (m_ping && m_multi)
        m_multi->remove(m_ping->handle());
    m_ping.reset();
    m_events.reset();
    m_stats.reset();
    m_multi.reset();
    retireThreadPool(m_queries);
}

template <typename Work, typename Deliver> void DockerHostWorker::query(Work work, Deliver deliver)
{
    m_queries->start([client = m_client, mailbox = m_mailbox, work, deliver] {
        auto answer = work(*client);
        mailbox->post([answer = std::move(answer), deliver](DockerHostWorker* worker) {
            deliver(worker, answer);
        });
    });
}

void DockerHostWorker::start()
{
    if (m_multi)
        return;
    m_multi = std::make_unique<DockerCurlMulti>();
    m_events = std::make_unique<DockerHostEvents>(m_multi.get(), m_endpoint);
    m_stats = std::make_unique<DockerStatsCollector>(m_multi.get(), m_endpoint);
    connect(m_events.get(), &DockerHostEvents::opened, this, &DockerHostWorker::eventsOpened);
    connect(m_events.get(), &DockerHostEvents::eventsReceived, this, &DockerHostWorker::takeEvents);
    connect(m_events.get(), &DockerHostEvents::ended, this, &DockerHostWorker::fail);
    connect(m_stats.get(), &DockerStatsCollector::sampled, this, &DockerHostWorker::statsSampled);
    connect(m_stats.get(), &DockerStatsCollector::streamEnded, this, &DockerHostWorker::statsEnded);
    connectNow();
}

void DockerHostWorker::retryNow()
{
    if (!m_multi)
        start();
    else if (m_status.state == DockerConnectionState::Disconnected)
        connectNow();
}

void DockerHostWorker::connectNow()
{
    m_backoff.stop();
    stopFollowing();
    const quint64 generation = ++m_generation;
    m_status.state = DockerConnectionState::Connecting;
    m_status.retryInMs = 0;
    Q_EMIT statusChanged(m_status);
    query(
        [](DockerClient& client) {
            Result<DockerVersion> version = client.negotiate();
            return std::make_pair(version, client.apiVersion());
        },
        [generation](DockerHostWorker* worker, const auto& answer) {
            worker->negotiated(generation, answer.first, answer.second);
        });
}

void DockerHostWorker::negotiated(quint64 generation, const Result<DockerVersion>& version,
                                  const QString& apiVersion)
{
    if (generation != m_generation)
        return;
    if (!version) {
        fail(version.error().toString());
        return;
    }
    m_status.version = *version;
    m_stats->setApiVersion(apiVersion);
    m_events->open(apiVersion);
}

void DockerHostWorker::eventsOpened()
{
    // Inside libcurl: only the pool is asked for something here.
    const quint64 generation = m_generation;
    query(
        [](DockerClient& client) -> Result<Snapshot> {
            Snapshot snapshot;
            Result<QList<DockerContainer>> containers = client.containers(true);
            if (!containers)
                return containers.error();
            Result<QList<DockerImage>> images = client.images();
            if (!images)
                return images.error();
            Result<QList<DockerNetwork>> networks = client.networks();
            if (!networks)
                return networks.error();
            Result<QList<DockerVolume>> volumes = client.volumes();
            if (!volumes)
                return volumes.error();
            return Snapshot{std::move(containers).value(), std::move(images).value(),
                            std::move(networks).value(), std::move(volumes).value()};
        },
        [generation](DockerHostWorker* worker, const Result<Snapshot>& snapshot) {
            worker->listed(generation, snapshot);
        });
}

void DockerHostWorker::listed(quint64 generation, const Result<Snapshot>& snapshot)
{
    if (generation != m_generation)
        return;
    if (!snapshot) {
        fail(snapshot.error().toString());
        return;
    }
    m_state.reset(snapshot->containers);
    // The lists are newer than any event that came before them.
    m_imagesDirty = m_networksDirty = m_volumesDirty = false;
    Q_EMIT containersReset(snapshot->containers);
    Q_EMIT imagesReset(snapshot->images);
    Q_EMIT networksReset(snapshot->networks);
    Q_EMIT volumesReset(snapshot->volumes);
    m_status.state = DockerConnectionState::Connected;
    m_status.error.clear();
    m_status.attempt = 0;
    m_status.retryInMs = 0;
    Q_EMIT statusChanged(m_status);
    followStats(snapshot->containers);
    armCoalescing();
    if (m_options.heartbeatMs > 0)
        m_heartbeat.start(m_options.heartbeatMs);
}

void DockerHostWorker::heartbeat()
{
    if (m_ping || m_status.state != DockerConnectionState::Connected)
        return; // the previous ping has its own timeout
    m_ping = std::make_unique<DockerCurlTransfer>(m_endpoint, QString(), QStringLiteral("/_ping"));
    curl_easy_setopt(m_ping->handle(), CURLOPT_TIMEOUT_MS, long(m_options.heartbeatTimeoutMs));
    const quint64 generation = m_generation;
    m_multi->add(m_ping->handle(), [this, generation](CURLcode result) {
        const QString failure = m_ping->failure(result, QStringLiteral("answer /_ping"));
        m_ping.reset();
        if (generation == m_generation && !failure.isEmpty())
            fail(QStringLiteral("the daemon stopped answering: ") + failure);
    });
}

void DockerHostWorker::takeEvents(const QList<DockerEvent>& events)
{
    for (const DockerEvent& event : events) {
        if (event.type == QLatin1String("container")) {
            if (!event.actorId.isEmpty() && changesListing(event))
                m_dirtyContainers.insert(event.actorId);
        } else if (event.type == QLatin1String("image")) {
            m_imagesDirty = true;
        } else if (event.type == QLatin1String("network")) {
            m_networksDirty = true;
        } else if (event.type == QLatin1String("volume")) {
            m_volumesDirty = true;
        }
    }
    m_pendingEvents += events;
    if (!m_coalesce.isActive())
        m_coalesce.start(kCoalesceMs);
}

void DockerHostWorker::armCoalescing()
{
    const bool dirty =
        !m_dirtyContainers.isEmpty() || m_imagesDirty || m_networksDirty || m_volumesDirty;
    if ((dirty || !m_pendingEvents.isEmpty()) && !m_coalesce.isActive())
        m_coalesce.start(kCoalesceMs);
}

void DockerHostWorker::flushEvents()
{
    if (!m_pendingEvents.isEmpty())
        Q_EMIT eventsReceived(std::exchange(m_pendingEvents, {}));
}

void DockerHostWorker::coalesced()
{
    flushEvents();
    // Before the first list the dirty marks wait; while a refresh runs they wait for it.
    if (m_status.state != DockerConnectionState::Connected || m_refreshing)
        return;
    RefreshRequest request;
    request.containerIds = QStringList(m_dirtyContainers.cbegin(), m_dirtyContainers.cend());
    request.allContainers = request.containerIds.size() > kMaxFilteredIds;
    request.images = std::exchange(m_imagesDirty, false);
    request.networks = std::exchange(m_networksDirty, false);
    request.volumes = std::exchange(m_volumesDirty, false);
    m_dirtyContainers.clear();
    if (request.containerIds.isEmpty() && !request.images && !request.networks && !request.volumes)
        return;

    m_refreshing = true;
    const quint64 generation = m_generation;
    query(
        [request](DockerClient& client) -> Result<Refresh> {
            Refresh refresh;
            refresh.request = request;
            if (!request.containerIds.isEmpty()) {
                const QJsonObject filters =
                    request.allContainers
                        ? QJsonObject()
                        : QJsonObject{{QStringLiteral("id"),
                                       QJsonArray::fromStringList(request.containerIds)}};
                Result<QList<DockerContainer>> containers = client.containers(true, filters);
                if (!containers)
                    return containers.error();
                refresh.containers = std::move(containers).value();
            }
            if (request.images) {
                Result<QList<DockerImage>> images = client.images();
                if (!images)
                    return images.error();
                refresh.images = std::move(images).value();
            }
            if (request.networks) {
                Result<QList<DockerNetwork>> networks = client.networks();
                if (!networks)
                    return networks.error();
                refresh.networks = std::move(networks).value();
            }
            if (request.volumes) {
                Result<QList<DockerVolume>> volumes = client.volumes();
                if (!volumes)
                    return volumes.error();
                refresh.volumes = std::move(volumes).value();
            }
            return refresh;
        },
        [generation](DockerHostWorker* worker, const Result<Refresh>& refresh) {
            worker->refreshed(generation, refresh);
        });
}

void DockerHostWorker::refreshed(quint64 generation, const Result<Refresh>& refresh)
{
    if (generation != m_generation)
        return;
    m_refreshing = false;
    if (!refresh) {
        fail(refresh.error().toString());
        return;
    }
    const RefreshRequest& request = refresh->request;
    if (!request.containerIds.isEmpty()) {
        const DockerContainerDelta delta =
            request.allContainers ? m_state.applyFull(QSet<QString>(request.containerIds.cbegin(),
                                                                    request.containerIds.cend()),
                                                      refresh->containers)
                                  : m_state.applyListed(request.containerIds, refresh->containers);
        if (!delta.changed.isEmpty())
            Q_EMIT containersChanged(delta.changed);
        if (!delta.removed.isEmpty())
            Q_EMIT containersRemoved(delta.removed);
        followStats(delta.changed);
        for (const QString& id : delta.removed)
            m_stats->unfollow(id);
    }
    if (request.images)
        Q_EMIT imagesReset(refresh->images);
    if (request.networks)
        Q_EMIT networksReset(refresh->networks);
    if (request.volumes)
        Q_EMIT volumesReset(refresh->volumes);
    armCoalescing();
}

void DockerHostWorker::fail(const QString& error)
{
    if (m_status.attempt == 0)
        qCInfo(lcDockerHost) << error; // the retries that follow say the same
    else
        qCDebug(lcDockerHost) << error;
    ++m_generation; // whatever is still on its way belongs to the connection that failed
    stopFollowing();
    m_status.state = DockerConnectionState::Disconnected;
    m_status.error = error;
    ++m_status.attempt;
    m_status.retryInMs = backoffMs(m_status.attempt);
    Q_EMIT statusChanged(m_status);
    m_backoff.start(m_status.retryInMs);
}

void DockerHostWorker::stopFollowing()
{
    flushEvents();
    m_coalesce.stop();
    m_heartbeat.stop();
    if (m_ping) {
        m_multi->remove(m_ping->handle());
        m_ping.reset();
    }
    if (m_events)
        m_events->close();
    if (m_stats)
        m_stats->unfollowAll();
    m_refreshing = false;
    m_dirtyContainers.clear();
    m_imagesDirty = m_networksDirty = m_volumesDirty = false;
}

void DockerHostWorker::followStats(const QList<DockerContainer>& containers)
{
    if (!m_options.collectStats)
        return;
    for (const DockerContainer& container : containers) {
        if (DockerHostState::isRunning(container))
            m_stats->follow(container.id);
        else
            m_stats->unfollow(container.id);
    }
}

void DockerHostWorker::statsEnded(const QString& containerId)
{
    // A stream that ends under a running container (a restart, a hiccup) is opened again; the
    // events of a stop or a removal settle it otherwise.
    const quint64 generation = m_generation;
    QTimer::singleShot(1000, this, [this, containerId, generation] {
        if (generation == m_generation && m_status.state == DockerConnectionState::Connected &&
            m_state.isRunning(containerId))
            m_stats->follow(containerId);
    });
}

int DockerHostWorker::backoffMs(int attempt) const
{
    qint64 delay = std::max(1, m_options.firstBackoffMs);
    for (int i = 1; i < attempt && delay < m_options.maxBackoffMs; ++i)
        delay *= 2;
    return int(std::min<qint64>(delay, std::max(m_options.maxBackoffMs, 1)));
}

} // namespace launchdeck
