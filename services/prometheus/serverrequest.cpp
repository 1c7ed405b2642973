// The monitoring servers' transport on libcurl: sign-in, TLS, proxy, timeout, the answer size
// limit, and a cancel flag watched while the request runs.
#include "prometheus/serverrequest.h"

#include "http/curlsupport.h"

#include <QUrl>

namespace launchdeck::prometheus {

namespace {

namespace curl = launchdeck::http::detail;

// Fewer, larger reads: an answer of a range query runs to tens of megabytes.
constexpr long kReceiveBufferBytes = 256 * 1024;

struct Receiving
{
    CURL* easy = nullptr;
    QByteArray* body = nullptr;
    qint64 limit = 0;
    bool reserved = false;
    bool tooLarge = false;
};

size_t receive(char* data, size_t size, size_t count, void* user)
{
    auto* receiving = static_cast<Receiving*>(user);
    const size_t bytes = size * count;
    if (!receiving->reserved) {
        // One allocation for the whole answer when its length is known.
        receiving->reserved = true;
        curl_off_t length = -1;
        curl_easy_getinfo(receiving->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
        if (length > 0 && length <= receiving->limit)
            receiving->body->reserve(qsizetype(length));
    }
    if (qint64(receiving->body->size()) + qint64(bytes) > receiving->limit) {
        receiving->tooLarge = true;
        return 0; // libcurl ends the transfer with CURLE_WRITE_ERROR
    }
    receiving->body->append(data, qsizetype(bytes));
    return bytes;
}

// The reason phrase of the last status line (an interim 100 Continue or a redirect comes first).
size_t receiveHeader(char* data, size_t size, size_t count, void* user)
{
    const size_t bytes = size * count;
    const QByteArray line = QByteArray::fromRawData(data, qsizetype(bytes)).trimmed();
    if (line.startsWith("HTTP/")) {
        const qsizetype code = line.indexOf(' ');
        const qsizetype reason = code < 0 ? -1 : line.indexOf(' ', code + 1);
        *static_cast<QByteArray*>(user) = reason < 0 ? QByteArray() : line.mid(reason + 1);
    }
    return bytes;
}

struct SlistDeleter
{
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

bool isLoopback(const QString& host)
{
    return host == QLatin1String("localhost") || host.startsWith(QLatin1String("127.")) ||
           host == QLatin1String("::1") || host.endsWith(QLatin1String(".localhost"));
}

QString sizeText(qint64 bytes)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        return QString::number(bytes / (1024 * 1024)) + u" MiB";
    return QString::number(bytes) + u" bytes";
}

QString describeFailure(CURLcode code, const char* errorBuffer, const ServerEndpoint& endpoint)
{
    const QString detail = QString::fromUtf8(errorBuffer);
    const QString suffix = detail.isEmpty() ? QString() : u" (" + detail + u')';
    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
        return u"the server's TLS certificate is not trusted" + suffix;
    case CURLE_SSL_CONNECT_ERROR:
        return u"the TLS handshake failed" + suffix;
    case CURLE_SSL_CACERT_BADFILE:
        return u"cannot read the CA file " + endpoint.caFile + suffix;
    case CURLE_SSL_CERTPROBLEM:
        return u"cannot use the client certificate " + endpoint.certFile + suffix;
    default:
        return curl::describeCurlError(code, errorBuffer, endpoint.timeout);
    }
}

// Belt and braces: libcurl's messages carry no credentials, and none must ever get through.
QString scrubbed(QString message, const ServerEndpoint& endpoint)
{
    if (endpoint.secret.size() >= 3)
        message.replace(endpoint.secret, QStringLiteral("***"));
    return message;
}

void setSignIn(CURL* easy, const ServerEndpoint& endpoint, const QByteArray& username,
               const QByteArray& secret)
{
    switch (endpoint.auth) {
    case ServerEndpoint::Auth::None:
        break;
    case ServerEndpoint::Auth::Bearer:
        curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
        curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER, secret.constData());
        break;
    case ServerEndpoint::Auth::Basic:
        curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(easy, CURLOPT_USERNAME, username.constData());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, secret.constData());
        break;
    }
}

void setTls(CURL* easy, const ServerEndpoint& endpoint, const QByteArray& caFile,
            const QByteArray& certFile, const QByteArray& keyFile)
{
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, endpoint.verifyTls ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, endpoint.verifyTls ? 2L : 0L);
    if (!caFile.isEmpty())
        curl_easy_setopt(easy, CURLOPT_CAINFO, caFile.constData());
    if (!certFile.isEmpty())
        curl_easy_setopt(easy, CURLOPT_SSLCERT, certFile.constData());
    if (!keyFile.isEmpty())
        curl_easy_setopt(easy, CURLOPT_SSLKEY, keyFile.constData());
}

} // namespace

QString displayUrl(const ServerEndpoint& endpoint)
{
    QString url =
        QUrl(endpoint.url.trimmed()).adjusted(QUrl::RemoveUserInfo).toString(QUrl::FullyEncoded);
    while (url.endsWith(u'/'))
        url.chop(1);
    return url;
}

Result<ServerAnswer> requestServer(const ServerEndpoint& endpoint, const QByteArray& method,
                                   const QString& pathAndQuery, const QByteArray& body,
                                   const QByteArray& contentType, const RequestControl& control)
{
    if (control.unreachable)
        *control.unreachable = false;
    const QString path = pathAndQuery.section(u'?', 0, 0);
    const QString where = displayUrl(endpoint) + path;
    const QUrl base(endpoint.url.trimmed());
    if (!base.isValid() ||
        (base.scheme() != QLatin1String("http") && base.scheme() != QLatin1String("https")) ||
        base.host().isEmpty())
        return Error{QStringLiteral("the server's URL must be http://host:port or "
                                    "https://host:port"),
                     where};

    curl::ensureCurlInitialised();
    curl::EasyHandle easy(curl_easy_init());
    curl::MultiHandle multi(curl_multi_init());
    if (!easy || !multi)
        return Error{QStringLiteral("libcurl could not allocate a handle"), where};

    // A path appended replaces the base's trailing '/'; with none the URL is taken as written.
    QString baseText = endpoint.url.trimmed();
    while (!pathAndQuery.isEmpty() && baseText.endsWith(u'/'))
        baseText.chop(1);
    curl::RequestOptions options;
    options.url = (baseText + pathAndQuery).toUtf8();
    options.method = method;
    options.body = &body;
    options.timeout = endpoint.timeout;
    char errorBuffer[CURL_ERROR_SIZE];
    curl::configureRequest(easy.get(), options, errorBuffer);

    ServerAnswer answer;
    Receiving receiving{easy.get(), &answer.body, endpoint.maxAnswerBytes};
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &receive);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &receiving);
    curl_easy_setopt(easy.get(), CURLOPT_MAXFILESIZE_LARGE, curl_off_t(endpoint.maxAnswerBytes));
    curl_easy_setopt(easy.get(), CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
    curl_easy_setopt(easy.get(), CURLOPT_HEADERFUNCTION, &receiveHeader);
    curl_easy_setopt(easy.get(), CURLOPT_HEADERDATA, &answer.reason);

    // A server on this machine is never reached through a proxy; any other the way libcurl
    // would, read once here.
    const bool loopback = isLoopback(base.host());
    curl::pinProxy(easy.get(), loopback ? curl::ProxyChoice{}
                                        : curl::proxyFromEnvironment(base.scheme().toUtf8()));
    if (!loopback)
        curl_easy_setopt(easy.get(), CURLOPT_ACCEPT_ENCODING, ""); // compression pays off remotely

    const QByteArray username = endpoint.username.toUtf8();
    const QByteArray secret = endpoint.secret.toUtf8();
    setSignIn(easy.get(), endpoint, username, secret);
    const QByteArray caFile = endpoint.caFile.toUtf8();
    const QByteArray certFile = endpoint.certFile.toUtf8();
    const QByteArray keyFile = endpoint.keyFile.toUtf8();
    setTls(easy.get(), endpoint, caFile, certFile, keyFile);

    curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");
    if (!contentType.isEmpty())
        headers =
            curl_slist_append(headers, QByteArray("Content-Type: " + contentType).constData());
    const std::unique_ptr<curl_slist, SlistDeleter> headerList(headers);
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headerList.get());

    const std::optional<CURLcode> result =
        curl::performCancellable(multi.get(), easy.get(), control.cancel);
    if (!result)
        return Error{QStringLiteral("cancelled"), where};
    const CURLcode code = *result;
    if (receiving.tooLarge || code == CURLE_FILESIZE_EXCEEDED)
        return Error{u"the answer is larger than the limit of " +
                         sizeText(endpoint.maxAnswerBytes) + u"; refused",
                     where};
    if (code != CURLE_OK) {
        if (control.unreachable)
            *control.unreachable = true;
        return Error{scrubbed(describeFailure(code, errorBuffer, endpoint), endpoint), where};
    }
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    answer.status = int(status);
    const char* type = nullptr;
    curl_easy_getinfo(easy.get(), CURLINFO_CONTENT_TYPE, &type);
    answer.contentType = QByteArray(type);
    return answer;
}

} // namespace launchdeck::prometheus
