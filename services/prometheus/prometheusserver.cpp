// PrometheusServer: the owner's side of the worker thread, and the queries on a small pool of
// their own so a slow range query holds neither the readiness checks nor the other panels.
#include "prometheus/prometheusserver.h"

#include "prometheus/prometheusserverworker.h"

#include <QThread>
#include <QThreadPool>

#include <mutex>

namespace launchdeck::prometheus {

namespace {

constexpr int kQueryThreads = 3;

void registerMetaTypes()
{
    static std::once_flag once;
    std::call_once(once, [] {
        qRegisterMetaType<ServerStatus>("launchdeck::prometheus::ServerStatus");
        qRegisterMetaType<QueryAnswer>("launchdeck::prometheus::QueryAnswer");
        qRegisterMetaType<QueryResult>("launchdeck::prometheus::QueryResult");
    });
}

} // namespace

PrometheusServer::PrometheusServer(QString name, ServerEndpoint endpoint, ServerOptions options,
                                   QObject* parent)
    : QObject(parent)
    , m_name(std::move(name))
    , m_endpoint(std::move(endpoint))
    , m_options(options)
    , m_cancel(std::make_shared<std::atomic_bool>(false))
    , m_generation(std::make_shared<std::atomic<quint64>>(0))
    , m_thread(std::make_unique<QThread>())
    , m_worker(new PrometheusServerWorker(m_endpoint, m_options, m_cancel, m_generation))
    , m_queries(std::make_unique<QThreadPool>())
{
    registerMetaTypes();
    m_queries->setMaxThreadCount(kQueryThreads);
    m_thread->setObjectName(QStringLiteral("prometheus ") + m_name);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &PrometheusServerWorker::statusChanged, this, &PrometheusServer::setStatus);
    m_thread->start();
}

PrometheusServer::~PrometheusServer()
{
    // Every request watches the flag and ends within a few tens of milliseconds, so neither
    // wait below outlasts a server that never answers.
    m_cancel->store(true);
    m_queries->clear();
    m_queries->waitForDone();
    m_thread->quit();
    m_thread->wait();
}

void PrometheusServer::start()
{
    QMetaObject::invokeMethod(m_worker, &PrometheusServerWorker::start, Qt::QueuedConnection);
}

void PrometheusServer::retryNow()
{
    QMetaObject::invokeMethod(m_worker, &PrometheusServerWorker::retryNow, Qt::QueuedConnection);
}

void PrometheusServer::setStatus(const ServerStatus& status)
{
    m_status = status;
    Q_EMIT statusChanged(m_status);
}

void PrometheusServer::runQuery(std::function<Delivery(PrometheusClient&, QString*)> work)
{
    // The worker and this object outlive the pool's tasks: the destructor drains the pool
    // before either goes. A delivery still queued then is dropped with its receiver.
    m_queries->start([endpoint = m_endpoint, cancel = m_cancel, generation = m_generation,
                      worker = m_worker, server = this, work = std::move(work)] {
        PrometheusClient client(endpoint);
        client.setCancelFlag(cancel.get());
        const quint64 connection = generation->load();
        QString failure;
        Delivery deliver = work(client, &failure);
        if (cancel->load())
            return;
        if (client.lastCallUnreachable()) {
            QMetaObject::invokeMethod(
                worker,
                [worker, connection, failure] { worker->queryEnded(connection, true, failure); },
                Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(
            server, [server, deliver = std::move(deliver)] { deliver(server); },
            Qt::QueuedConnection);
    });
}

namespace {

void fail(QueryAnswer& answer, const Error& error, QString* failure)
{
    answer.error = *failure = error.toString();
    answer.reason = error.message;
}

} // namespace

quint64 PrometheusServer::query(const QString& expr, const QDateTime& at)
{
    const quint64 request = ++m_lastRequest;
    runQuery([request, expr, at](PrometheusClient& client, QString* failure) -> Delivery {
        const Result<QueryResult> result = client.query(expr, at);
        QueryAnswer answer{request, {}, {}, client.lastQueryError(), 0};
        if (result)
            answer.result = *result;
        else
            fail(answer, result.error(), failure);
        return [answer](PrometheusServer* server) {
            Q_EMIT server->queryAnswered(answer);
        };
    });
    return request;
}

quint64 PrometheusServer::queryRange(const QString& expr, const QDateTime& start,
                                     const QDateTime& end, double stepSeconds)
{
    const quint64 request = ++m_lastRequest;
    runQuery([request, expr, start, end, stepSeconds](PrometheusClient& client,
                                                      QString* failure) -> Delivery {
        Result<QueryResult> result = client.queryRange(expr, start, end, stepSeconds);
        QueryAnswer answer{request, {}, {}, client.lastQueryError(), stepSeconds};
        if (result)
            answer.result = std::move(result).value();
        else
            fail(answer, result.error(), failure);
        return [answer = std::move(answer)](PrometheusServer* server) {
            Q_EMIT server->queryAnswered(answer);
        };
    });
    return request;
}

quint64 PrometheusServer::labelValues(const QString& label)
{
    const quint64 request = ++m_lastRequest;
    runQuery([request, label](PrometheusClient& client, QString* failure) -> Delivery {
        const Result<QStringList> names = client.labelValues(label);
        const QStringList found = names ? *names : QStringList();
        const QString error = *failure = names ? QString() : names.error().toString();
        return [request, found, error](PrometheusServer* server) {
            Q_EMIT server->namesAnswered(request, found, error);
        };
    });
    return request;
}

quint64 PrometheusServer::labels()
{
    const quint64 request = ++m_lastRequest;
    runQuery([request](PrometheusClient& client, QString* failure) -> Delivery {
        const Result<QStringList> names = client.labels();
        const QStringList found = names ? *names : QStringList();
        const QString error = *failure = names ? QString() : names.error().toString();
        return [request, found, error](PrometheusServer* server) {
            Q_EMIT server->namesAnswered(request, found, error);
        };
    });
    return request;
}

} // namespace launchdeck::prometheus
