// One HTTP request to a monitoring server (Prometheus, Alertmanager) with its sign-in, TLS
// settings, timeout and answer size limit: the transport both clients share.
#pragma once

#include "core/result.h"
#include "prometheus/prometheustypes.h"

#include <QByteArray>
#include <QString>

#include <atomic>

namespace launchdeck::prometheus {

struct ServerAnswer
{
    int status = 0;    // HTTP status
    QByteArray reason; // the status line's reason phrase ("Internal Server Error"), may be empty
    QByteArray body;
    QByteArray contentType;
};

// How a caller steers one request beyond the endpoint's settings.
struct RequestControl
{
    // Set from another thread, it ends the request within a few tens of milliseconds (an owner
    // going away does not wait out a server that never answers).
    const std::atomic_bool* cancel = nullptr;
    // Set to true when the request failed because the server could not be reached (refused,
    // timed out, connection broken, TLS): a worker then calls the server Disconnected. An answer
    // over the size limit, or any HTTP answer, leaves it false.
    bool* unreachable = nullptr;
};

// `pathAndQuery` is appended to the endpoint's URL ("/api/v1/query?query=…", already
// percent-encoded); empty, the URL is requested as written. Fails for transport errors (refused,
// timed out, TLS) and for an answer over endpoint.maxAnswerBytes, which is cut off as it arrives.
// Error.where is the server's URL and path, never with the credentials.
Result<ServerAnswer> requestServer(const ServerEndpoint& endpoint, const QByteArray& method,
                                   const QString& pathAndQuery, const QByteArray& body = {},
                                   const QByteArray& contentType = {},
                                   const RequestControl& control = {});

// The endpoint's URL as it may be shown: without user information and without a trailing '/'.
QString displayUrl(const ServerEndpoint& endpoint);

} // namespace launchdeck::prometheus
