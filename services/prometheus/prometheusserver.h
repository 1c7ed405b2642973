// One Prometheus server as the console sees it: a worker thread of its own asks /-/ready to
// know whether it is there (Connected, or Disconnected and retrying with backoff), and runs
// queries off the caller's thread, answering each with a signal that carries its request id.
#pragma once

#include "prometheus/prometheusclient.h"
#include "prometheus/prometheustypes.h"

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

class QThread;
class QThreadPool;

namespace launchdeck::prometheus {

class PrometheusServerWorker;

enum class ServerState {
    Connecting,   // the first attempt, or retryNow()
    Connected,    // /-/ready answered
    Disconnected, // the last attempt or query failed to reach it; retrying after a backoff
};

struct ServerStatus
{
    ServerState state = ServerState::Connecting;
    QString error;     // why the last attempt failed
    int attempt = 0;   // failed attempts since the last success
    int retryInMs = 0; // until the next attempt, when Disconnected
};

struct ServerOptions
{
    int firstBackoffMs = 500;  // doubled per failed attempt…
    int maxBackoffMs = 30'000; // …up to this
    int heartbeatMs = 15'000;  // /-/ready while connected
};

// What a query answered: the result, or the error with Prometheus's position when it has one.
struct QueryAnswer
{
    quint64 request = 0;
    std::optional<QueryResult> result;
    QString error;          // empty on success; names the server and what failed
    QueryError position;    // Prometheus's errorType, line and column, when it reported them
    double stepSeconds = 0; // range queries: the step used
    QString reason;         // the error without the server's name, for a view that names the server
};

class PrometheusServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PrometheusServer)

public:
    // `name` names it in messages (the environment, or the URL).
    PrometheusServer(QString name, ServerEndpoint endpoint, ServerOptions options = {},
                     QObject* parent = nullptr);
    // Joins the worker thread; answers still pending are dropped.
    ~PrometheusServer() override;

    const QString& name() const { return m_name; }
    const ServerEndpoint& endpoint() const { return m_endpoint; }
    const ServerStatus& status() const { return m_status; }

    void start();
    void retryNow();

    // Asynchronous calls; each answers once with the id it returns.
    quint64 query(const QString& expr, const QDateTime& at = {});
    quint64 queryRange(const QString& expr, const QDateTime& start, const QDateTime& end,
                       double stepSeconds);
    quint64 labelValues(const QString& label); // "__name__": metric names
    quint64 labels();

Q_SIGNALS:
    void statusChanged(const launchdeck::prometheus::ServerStatus& status);
    void queryAnswered(const launchdeck::prometheus::QueryAnswer& answer);
    void namesAnswered(quint64 request, const QStringList& names, const QString& error);

private:
    void setStatus(const launchdeck::prometheus::ServerStatus& status);
    // Runs `work(client, &failure)` on the query pool; the delivery it returns runs on this
    // object's thread.
    using Delivery = std::function<void(PrometheusServer*)>;
    void runQuery(std::function<Delivery(PrometheusClient&, QString*)> work);

    QString m_name;
    ServerEndpoint m_endpoint;
    ServerOptions m_options;
    ServerStatus m_status;
    std::shared_ptr<std::atomic_bool> m_cancel;         // set as this object goes
    std::shared_ptr<std::atomic<quint64>> m_generation; // connections so far
    std::unique_ptr<QThread> m_thread;
    PrometheusServerWorker* m_worker = nullptr; // lives on m_thread
    std::unique_ptr<QThreadPool> m_queries;     // blocking queries, side by side
    quint64 m_lastRequest = 0;
};

} // namespace launchdeck::prometheus

Q_DECLARE_METATYPE(launchdeck::prometheus::ServerStatus)
Q_DECLARE_METATYPE(launchdeck::prometheus::QueryAnswer)
