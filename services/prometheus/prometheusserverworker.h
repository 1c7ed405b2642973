// The thread side of a PrometheusServer: asks /-/ready to decide Connected or Disconnected,
// retries with a doubling backoff and keeps a heartbeat while connected; hears how each query
// ended, so one that could not reach the server turns it Disconnected too.
#pragma once

#include "prometheus/prometheusserver.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>

namespace launchdeck::prometheus {

class PrometheusServerWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PrometheusServerWorker)

public:
    // `cancel` is set by the owner as it goes: a readiness check in progress then ends at once.
    // `generation` counts connections; queries read it as they start, so the failure of one
    // sent before a reconnection does not undo it.
    PrometheusServerWorker(ServerEndpoint endpoint, ServerOptions options,
                           std::shared_ptr<const std::atomic_bool> cancel,
                           std::shared_ptr<std::atomic<quint64>> generation);

    // All three run on the worker's thread (queued from the owner or a query).
    void start();
    void retryNow();
    // A query of connection `generation` ended; `unreachable` when the server was not reached.
    void queryEnded(quint64 generation, bool unreachable, const QString& error);

Q_SIGNALS:
    void statusChanged(const launchdeck::prometheus::ServerStatus& status);

private:
    void check();
    void fail(const QString& error);
    int backoffMs(int attempt) const;

    ServerOptions m_options;
    std::shared_ptr<const std::atomic_bool> m_cancel;
    std::shared_ptr<std::atomic<quint64>> m_generation;
    PrometheusClient m_client;
    QTimer m_backoff{this};
    QTimer m_heartbeat{this};
    ServerStatus m_status;
    bool m_started = false;
};

} // namespace launchdeck::prometheus
