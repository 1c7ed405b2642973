// Requests to one Docker daemon over libcurl, and how their failures read: the daemon's own
// JSON `message`, the HTTP status and the request that failed.
#pragma once

#include "core/result.h"
#include "docker/dockerendpoint.h"

#include <QByteArray>
#include <QString>

#include <curl/curl.h>

#include <chrono>
#include <memory>

namespace launchdeck {

struct DockerResponse
{
    long status = 0;
    QByteArray body;
};

// Blocking requests on one reused libcurl handle, so keep-alive spares a connect per call. Not
// thread-safe: one transport per thread.
class DockerTransport final
{
public:
    explicit DockerTransport(DockerEndpoint endpoint);
    ~DockerTransport();
    DockerTransport(const DockerTransport&) = delete;
    DockerTransport& operator=(const DockerTransport&) = delete;

    const DockerEndpoint& endpoint() const { return m_endpoint; }
    // Empty: unversioned paths, as before negotiation.
    void setApiVersion(const QString& version) { m_apiVersion = version; }
    const QString& apiVersion() const { return m_apiVersion; }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    // Any HTTP status is a response; only a failed transfer is an error.
    Result<DockerResponse> send(const QByteArray& method, const QString& pathAndQuery,
                                const QByteArray& jsonBody = {});

private:
    DockerEndpoint m_endpoint;
    QString m_apiVersion;
    std::chrono::milliseconds m_timeout{30000};
    struct Handle;
    std::unique_ptr<Handle> m_handle;
};

namespace docker::detail {

// Socket path or TLS files, protocols, no signals: what every Docker request needs.
void configureHandle(CURL* handle, const DockerEndpoint& endpoint, const QByteArray& url,
                     char* errorBuffer);
// The `message` of the daemon's JSON error body; the body itself when it is not that JSON.
QString daemonMessage(const QByteArray& body);
// "cannot start container web: No such container: web (HTTP 404)", where it is the endpoint
// and the request.
Error httpError(long status, const QByteArray& body, const QString& what, const QString& where);
Error transferError(CURLcode code, const char* errorBuffer, const QString& what,
                    const QString& where);
QString requestName(const DockerEndpoint& endpoint, const QByteArray& method,
                    const QString& pathAndQuery);

} // namespace docker::detail

} // namespace launchdeck
