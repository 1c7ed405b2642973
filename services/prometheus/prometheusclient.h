// A blocking client of the Prometheus HTTP API (v1): instant and range queries, series, labels,
// label values, metadata, targets and readiness. Every failure is one Error naming the server
// and the endpoint: transport errors, HTTP statuses, the `status`/`errorType`/`error` envelope,
// answers that are not Prometheus's JSON and answers over the size limit. Call it from a worker
// thread; each call is one request.
#pragma once

#include "core/result.h"
#include "prometheus/prometheustypes.h"
#include "prometheus/serverrequest.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <atomic>
#include <optional>

namespace launchdeck::prometheus {

// The server's error for a query, with the position Prometheus reports for a parse error
// ("1:14: parse error: unexpected …"): line and column, 1-based, when it says one.
struct QueryError
{
    QString errorType; // "bad_data", "execution", "timeout", "canceled", "internal", …
    QString message;
    int line = 0;
    int column = 0;
};

// Reads "1:14: parse error: …" (or "parse error at char 14: …" of older servers).
QueryError parseQueryError(const QString& errorType, const QString& message);

class PrometheusClient final
{
public:
    explicit PrometheusClient(ServerEndpoint endpoint);

    const ServerEndpoint& endpoint() const { return m_endpoint; }

    // GET /-/ready: ok when the server answers 200.
    Result<bool> ready() const;
    // /api/v1/query at `at` (invalid: now).
    Result<QueryResult> query(const QString& expr, const QDateTime& at = {}) const;
    // /api/v1/query_range; step in seconds. A step that would exceed kMaxPointsPerSeries is
    // refused here, before the server is asked.
    Result<QueryResult> queryRange(const QString& expr, const QDateTime& start,
                                   const QDateTime& end, double stepSeconds) const;
    Result<QList<Labels>> series(const QStringList& matchers, const QDateTime& start = {},
                                 const QDateTime& end = {}) const;
    Result<QStringList> labels() const;
    Result<QStringList> labelValues(const QString& label) const; // __name__: metric names
    Result<QList<MetricMetadata>> metadata(const QString& metric = {}) const;
    Result<QList<TargetHealth>> targets() const;

    // The last query's error as Prometheus reported it (for the query bar's position); empty
    // errorType when the last call did not fail in Prometheus itself.
    const QueryError& lastQueryError() const { return m_lastQueryError; }
    // Whether the last call failed because the server could not be reached at all (refused,
    // timed out, TLS): an owner then calls the server Disconnected.
    bool lastCallUnreachable() const { return m_lastUnreachable; }
    // Once *cancel is set, from any thread, a request in progress ends within a few tens of
    // milliseconds and fails as cancelled.
    void setCancelFlag(const std::atomic_bool* cancel) { m_cancel = cancel; }

private:
    Result<ServerAnswer> ask(const QString& path, const QByteArray& form, bool mayPost) const;
    Error failure(const QString& path, const QString& message) const;
    template <typename T, typename Read>
    Result<T> askJson(const QString& path, const QByteArray& form, Read read) const;
    Result<QueryResult> askQuery(const QString& path, const QByteArray& form) const;

    ServerEndpoint m_endpoint;
    const std::atomic_bool* m_cancel = nullptr;
    mutable QueryError m_lastQueryError;
    mutable bool m_lastUnreachable = false;
};

// Decodes a whole answer body (envelope included). Exposed for the benchmark and the tests.
Result<QueryResult> decodeQueryAnswer(const QByteArray& body, QueryError* error = nullptr);

} // namespace launchdeck::prometheus
