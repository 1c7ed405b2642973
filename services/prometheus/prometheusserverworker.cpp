// Readiness, backoff and heartbeat of one Prometheus server, on its own thread.
#include "prometheus/prometheusserverworker.h"

#include <QLoggingCategory>

namespace launchdeck::prometheus {

Q_LOGGING_CATEGORY(lcPrometheusServer, "launchdeck.prometheus.server", QtInfoMsg)

PrometheusServerWorker::PrometheusServerWorker(ServerEndpoint endpoint, ServerOptions options,
                                               std::shared_ptr<const std::atomic_bool> cancel,
                                               std::shared_ptr<std::atomic<quint64>> generation)
    : m_options(options)
    , m_cancel(std::move(cancel))
    , m_generation(std::move(generation))
    , m_client(std::move(endpoint))
{
    m_client.setCancelFlag(m_cancel.get());
    m_backoff.setSingleShot(true);
    m_heartbeat.setSingleShot(true);
    connect(&m_backoff, &QTimer::timeout, this, &PrometheusServerWorker::check);
    connect(&m_heartbeat, &QTimer::timeout, this, &PrometheusServerWorker::check);
}

void PrometheusServerWorker::start()
{
    if (m_started)
        return;
    m_started = true;
    check();
}

void PrometheusServerWorker::retryNow()
{
    if (!m_started || m_status.state != ServerState::Connected) {
        m_started = true;
        check();
    }
}

void PrometheusServerWorker::check()
{
    m_backoff.stop();
    m_heartbeat.stop();
    if (m_status.state != ServerState::Connected) {
        m_status.state = ServerState::Connecting;
        m_status.retryInMs = 0;
        Q_EMIT statusChanged(m_status);
    }
    // Blocking is fine here: this thread serves nothing else, the request ends by its timeout,
    // and at once when the owner goes.
    const Result<bool> ready = m_client.ready();
    if (m_cancel->load())
        return;
    if (!ready) {
        fail(ready.error().toString());
        return;
    }
    if (m_status.state != ServerState::Connected) {
        m_generation->fetch_add(1);
        m_status = ServerStatus{ServerState::Connected, {}, 0, 0};
        Q_EMIT statusChanged(m_status);
    }
    // The heartbeat is re-armed once the answer is in, so checks never overlap.
    if (m_options.heartbeatMs > 0)
        m_heartbeat.start(m_options.heartbeatMs);
}

void PrometheusServerWorker::queryEnded(quint64 generation, bool unreachable, const QString& error)
{
    // Only a query of the current connection speaks for it; while disconnected the backoff
    // already runs.
    if (!unreachable || generation != m_generation->load() ||
        m_status.state != ServerState::Connected)
        return;
    fail(error);
}

void PrometheusServerWorker::fail(const QString& error)
{
    if (m_status.attempt == 0)
        qCInfo(lcPrometheusServer).noquote() << error; // the retries that follow say the same
    m_heartbeat.stop();
    m_status.state = ServerState::Disconnected;
    m_status.error = error;
    ++m_status.attempt;
    m_status.retryInMs = backoffMs(m_status.attempt);
    Q_EMIT statusChanged(m_status);
    m_backoff.start(m_status.retryInMs);
}

int PrometheusServerWorker::backoffMs(int attempt) const
{
    qint64 delay = std::max(1, m_options.firstBackoffMs);
    for (int i = 1; i < attempt && delay < m_options.maxBackoffMs; ++i)
        delay *= 2;
    return int(std::min<qint64>(delay, std::max(m_options.maxBackoffMs, 1)));
}

} // namespace launchdeck::prometheus
