// The connection of one cluster on its own thread: /version and discovery to connect, a doubling
// backoff after a failure, a heartbeat with a short timeout while connected (a server hung with
// its socket open answers nothing, and only a missed heartbeat tells it from a quiet one), and
// the state the watch, log and action threads wait on.
#include "kubernetes/kubeclusterworker.h"

#include "kubernetes/kubeclient.h"

#include <QLoggingCategory>

#include <algorithm>

namespace launchdeck::kube {

Q_LOGGING_CATEGORY(lcKubeCluster, "launchdeck.kubernetes.cluster", QtInfoMsg)

namespace {

// A heartbeat waits no longer than this: long enough for a loaded server, short enough that a
// hung one shows as Disconnected within seconds.
constexpr int kHeartbeatTimeoutMs = 5'000;

} // namespace

ClusterShared::ClusterShared(QString name, ClusterConnection connection, ClusterOptions options,
                             KubeCluster* owner)
    : m_name(std::move(name))
    , m_connection(std::move(connection))
    , m_labelPrefix(clusterLabel(m_name, m_connection.server) + u": ")
    , m_plugin(m_connection.hasExec ? std::make_shared<ExecCredentialProvider>(m_connection)
                                    : nullptr)
    , m_options(options)
    , m_owner(owner)
{}

QString ClusterShared::reasonOf(const QString& error) const
{
    return error.startsWith(m_labelPrefix) ? error.mid(m_labelPrefix.size()) : error;
}

std::unique_ptr<KubeClient> ClusterShared::makeClient() const
{
    return std::make_unique<KubeClient>(m_connection, m_name, m_plugin);
}

void ClusterShared::setWorker(KubeClusterWorker* worker)
{
    const std::lock_guard lock(m_mutex);
    m_worker = worker;
}

quint64 ClusterShared::connected(Discovery discovery)
{
    const std::lock_guard lock(m_mutex);
    ++m_generation;
    m_connected = true;
    m_discovery = std::move(discovery);
    m_wake.notify_all();
    return m_generation;
}

void ClusterShared::disconnected()
{
    const std::lock_guard lock(m_mutex);
    m_connected = false;
    for (const std::weak_ptr<ClusterStream>& weak : m_streams)
        if (const std::shared_ptr<ClusterStream> stream = weak.lock())
            stream->interrupt.store(true);
}

void ClusterShared::lost(quint64 generation, const QString& error)
{
    const std::lock_guard lock(m_mutex);
    if (!m_worker || m_closing.load() || generation != m_generation || !m_connected)
        return;
    KubeClusterWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, generation, error] { worker->connectionLost(generation, error); },
        Qt::QueuedConnection);
}

quint64 ClusterShared::waitForConnection(quint64 after, ClusterStream& stream, Discovery* discovery)
{
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [&] {
        return m_closing.load() || stream.stopped.load() || (m_connected && m_generation > after);
    });
    if (m_closing.load() || stream.stopped.load())
        return 0;
    // Armed under the lock: a disconnection after this point interrupts the request to come.
    stream.interrupt.store(false);
    if (discovery)
        *discovery = m_discovery;
    return m_generation;
}

std::optional<Discovery> ClusterShared::currentDiscovery(quint64* generation) const
{
    const std::lock_guard lock(m_mutex);
    if (generation)
        *generation = m_generation;
    if (!m_connected)
        return std::nullopt;
    return m_discovery;
}

void ClusterShared::add(const std::shared_ptr<ClusterStream>& stream)
{
    const std::lock_guard lock(m_mutex);
    std::erase_if(m_streams,
                  [](const std::weak_ptr<ClusterStream>& weak) { return weak.expired(); });
    m_streams.push_back(stream);
    if (m_closing.load())
        stream->stopped.store(true);
}

void ClusterShared::stop(ClusterStream& stream)
{
    const std::lock_guard lock(m_mutex);
    stream.stopped.store(true);
    stream.interrupt.store(true);
    m_wake.notify_all();
}

void ClusterShared::post(std::function<void(KubeCluster*)> deliver)
{
    const std::lock_guard lock(m_mutex);
    if (!m_owner)
        return;
    KubeCluster* owner = m_owner;
    // Queued to an object that is deleted before it runs, a call is dropped by Qt; close()
    // runs first in the owner's destructor, so none is queued after.
    QMetaObject::invokeMethod(
        owner, [owner, deliver = std::move(deliver)] { deliver(owner); }, Qt::QueuedConnection);
}

void ClusterShared::close()
{
    const std::lock_guard lock(m_mutex);
    m_closing.store(true);
    m_owner = nullptr;
    m_worker = nullptr;
    m_connected = false;
    for (const std::weak_ptr<ClusterStream>& weak : m_streams) {
        if (const std::shared_ptr<ClusterStream> stream = weak.lock()) {
            stream->stopped.store(true);
            stream->interrupt.store(true);
        }
    }
    m_wake.notify_all();
}

KubeClusterWorker::KubeClusterWorker(std::shared_ptr<ClusterShared> shared)
    : m_shared(std::move(shared))
{
    m_backoff.setSingleShot(true);
    m_heartbeat.setSingleShot(true);
    QObject::connect(&m_backoff, &QTimer::timeout, this, &KubeClusterWorker::connect);
    QObject::connect(&m_heartbeat, &QTimer::timeout, this, &KubeClusterWorker::heartbeat);
}

KubeClusterWorker::~KubeClusterWorker() = default;

KubeClient& KubeClusterWorker::client()
{
    if (!m_client)
        m_client = m_shared->makeClient();
    return *m_client;
}

void KubeClusterWorker::start()
{
    if (m_started)
        return;
    m_started = true;
    connect();
}

void KubeClusterWorker::retryNow()
{
    if (!m_started || m_status.state != ClusterState::Connected) {
        m_started = true;
        connect();
    }
}

void KubeClusterWorker::connect()
{
    m_backoff.stop();
    m_heartbeat.stop();
    m_status.state = ClusterState::Connecting;
    m_status.retryInMs = 0;
    Q_EMIT statusChanged(m_status, false);
    const ClusterOptions& options = m_shared->options();
    // Blocking is fine here: this thread serves nothing else, every request ends by its
    // timeout, and at once when the owner goes. /version first, with the short timeout: a hung
    // server fails it quickly, where discovery's many requests would each wait their own.
    const KubeAnswer version =
        client().get(QStringLiteral("/version"), options.requestTimeoutMs, m_shared->closing());
    if (m_shared->isClosing())
        return;
    if (!version.ok()) {
        fail(version.error);
        return;
    }
    Result<Discovery> discovery = Discovery::load(client(), m_shared->closing());
    if (m_shared->isClosing())
        return;
    if (!discovery) {
        fail(discovery.error().toString());
        return;
    }
    m_status = ClusterStatus{};
    m_status.state = ClusterState::Connected;
    m_status.serverVersion = discovery->version().gitVersion;
    m_status.warning = client().insecureWarning();
    m_generation = m_shared->connected(std::move(discovery).value());
    Q_EMIT statusChanged(m_status, true);
    if (options.heartbeatMs > 0)
        m_heartbeat.start(options.heartbeatMs);
}

void KubeClusterWorker::heartbeat()
{
    if (m_status.state != ClusterState::Connected)
        return;
    const ClusterOptions& options = m_shared->options();
    const int timeoutMs = std::min(options.requestTimeoutMs, kHeartbeatTimeoutMs);
    const KubeAnswer answer =
        client().get(QStringLiteral("/version"), timeoutMs, m_shared->closing());
    if (m_shared->isClosing())
        return;
    if (!answer.ok()) {
        fail(answer.unreachable
                 ? QStringLiteral("the API server stopped answering: ") + answer.error
                 : answer.error);
        return;
    }
    // Re-armed once the answer is in, so heartbeats never overlap.
    m_heartbeat.start(options.heartbeatMs);
}

void KubeClusterWorker::connectionLost(quint64 generation, const QString& error)
{
    // Only a stream of the current connection speaks for it; while disconnected the backoff
    // already runs.
    if (generation != m_generation || m_status.state != ClusterState::Connected)
        return;
    fail(error);
}

void KubeClusterWorker::fail(const QString& error)
{
    if (m_status.attempt == 0)
        qCInfo(lcKubeCluster).noquote() << error; // the retries that follow say the same
    m_heartbeat.stop();
    m_shared->disconnected();
    m_status.state = ClusterState::Disconnected;
    // The views name the cluster and its server beside the reason already.
    m_status.error = m_shared->reasonOf(error);
    m_status.serverVersion.clear();
    ++m_status.attempt;
    m_status.retryInMs = backoffMs(m_status.attempt);
    Q_EMIT statusChanged(m_status, false);
    m_backoff.start(m_status.retryInMs);
}

int KubeClusterWorker::backoffMs(int attempt) const
{
    const ClusterOptions& options = m_shared->options();
    qint64 delay = std::max(1, options.firstBackoffMs);
    for (int i = 1; i < attempt && delay < options.maxBackoffMs; ++i)
        delay *= 2;
    return int(std::min<qint64>(delay, std::max(options.maxBackoffMs, 1)));
}

} // namespace launchdeck::kube
