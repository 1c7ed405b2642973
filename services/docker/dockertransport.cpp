// Blocking Docker API requests on libcurl, and the wording of their errors.
#include "docker/dockertransport.h"

#include "http/curlsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace launchdeck {

namespace {

size_t appendBody(char* data, size_t size, size_t count, void* target)
{
    static_cast<QByteArray*>(target)->append(data, static_cast<qsizetype>(size * count));
    return size * count;
}

} // namespace

namespace docker::detail {

void configureHandle(CURL* handle, const DockerEndpoint& endpoint, const QByteArray& url,
                     char* errorBuffer)
{
    errorBuffer[0] = '\0';
    curl_easy_setopt(handle, CURLOPT_URL, url.constData());
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "launchdeck/" LAUNCHDECK_VERSION);
    if (endpoint.kind == DockerEndpoint::Kind::Unix) {
        // libcurl copies string options, so the temporary is enough.
        curl_easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH,
                         QFile::encodeName(endpoint.socketPath).constData());
    } else if (endpoint.tls) {
        curl_easy_setopt(handle, CURLOPT_CAINFO, QFile::encodeName(endpoint.caFile).constData());
        curl_easy_setopt(handle, CURLOPT_SSLCERT, QFile::encodeName(endpoint.certFile).constData());
        curl_easy_setopt(handle, CURLOPT_SSLKEY, QFile::encodeName(endpoint.keyFile).constData());
        curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    }
}

QString daemonMessage(const QByteArray& body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    const QString message = document.object().value(QLatin1String("message")).toString();
    if (!message.isEmpty())
        return message;
    const QString text = QString::fromUtf8(body).trimmed();
    return text.isEmpty() ? QStringLiteral("no message from the daemon") : text.left(500);
}

Error httpError(long status, const QByteArray& body, const QString& what, const QString& where)
{
    return Error{QStringLiteral("cannot %1: %2 (HTTP %3)")
                     .arg(what, daemonMessage(body), QString::number(status)),
                 where};
}

Error transferError(CURLcode code, const char* errorBuffer, const QString& what,
                    const QString& where)
{
    QString detail = QString::fromUtf8(curl_easy_strerror(code));
    if (errorBuffer && errorBuffer[0] != '\0')
        detail = QString::fromUtf8(errorBuffer);
    // libcurl words a refused unix socket as "localhost port 80", which misleads.
    if (code == CURLE_COULDNT_CONNECT && where.startsWith(u"unix://"))
        detail = QStringLiteral("nothing accepts connections on the socket (is dockerd running?)");
    return Error{QStringLiteral("cannot %1: %2").arg(what, detail), where};
}

QString requestName(const DockerEndpoint& endpoint, const QByteArray& method,
                    const QString& pathAndQuery)
{
    return endpoint.toString() + u' ' + QString::fromLatin1(method) + u' ' +
           pathAndQuery.section(u'?', 0, 0);
}

} // namespace docker::detail

struct DockerTransport::Handle
{
    http::detail::EasyHandle easy;
    char errorBuffer[CURL_ERROR_SIZE] = {};
};

DockerTransport::DockerTransport(DockerEndpoint endpoint)
    : m_endpoint(std::move(endpoint))
    , m_handle(std::make_unique<Handle>())
{
    http::detail::ensureCurlInitialised();
    m_handle->easy.reset(curl_easy_init());
}

DockerTransport::~DockerTransport() = default;

Result<DockerResponse> DockerTransport::send(const QByteArray& method, const QString& pathAndQuery,
                                             const QByteArray& jsonBody)
{
    CURL* handle = m_handle->easy.get();
    const QString where = docker::detail::requestName(m_endpoint, method, pathAndQuery);
    if (!handle)
        return Error{QStringLiteral("libcurl could not create a handle"), where};

    // A reset keeps the connection cache, so keep-alive survives between requests.
    curl_easy_reset(handle);
    const QByteArray url = m_endpoint.url(m_apiVersion, pathAndQuery);
    docker::detail::configureHandle(handle, m_endpoint, url, m_handle->errorBuffer);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(m_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, 10000L);

    DockerResponse response;
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &appendBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);

    curl_slist* headers = nullptr;
    if (method == "HEAD") {
        curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (method != "GET") {
        curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.constData());
    }
    if (method == "POST" || method == "PUT") {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, jsonBody.constData());
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(jsonBody.size()));
    }

    const CURLcode code = curl_easy_perform(handle);
    curl_slist_free_all(headers);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
    if (code != CURLE_OK) {
        return docker::detail::transferError(code, m_handle->errorBuffer,
                                             QStringLiteral("reach the Docker daemon"), where);
    }
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

} // namespace launchdeck
