// The Kubernetes REST client on libcurl: one multi handle per client keeps connections to the
// API server open between requests; each request gets a fresh easy handle with the cluster's
// TLS material as blobs, the user's credential of the moment, and a transfer loop that watches
// the cancel flag and, for streams, how long the server has been silent.
#include "kubernetes/kubeclient.h"

#include "http/curlsupport.h"
#include "kubernetes/execcredential.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUrl>

#include <optional>

Q_LOGGING_CATEGORY(lcKubeClient, "launchdeck.kubernetes.client", QtInfoMsg)

namespace launchdeck::kube {

namespace {

namespace curl = launchdeck::http::detail;

// A list of every pod of a large cluster runs to tens of megabytes; this only stops a server
// gone wrong from filling the memory.
constexpr qint64 kMaxAnswerBytes = 512ll * 1024 * 1024;
// What a refused stream's error body may hold (a metav1.Status is a few hundred bytes).
constexpr qint64 kMaxStreamErrorBytes = 64 * 1024;
constexpr int kMaxServerTextChars = 300;
constexpr int kPollMs = 50;
constexpr long kStreamConnectTimeoutMs = 30'000;

struct SlistDeleter
{
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// What one transfer receives, and when it last received anything.
struct Transfer
{
    CURL* easy = nullptr;
    QByteArray body;
    const std::function<bool(QByteArrayView)>* onData = nullptr; // set for a stream
    qint64 limit = kMaxAnswerBytes;
    long status = 0;
    bool tooLarge = false;
    bool stoppedByReceiver = false;
    QElapsedTimer sinceLastByte;
};

size_t receiveHeader(char*, size_t size, size_t count, void* user)
{
    static_cast<Transfer*>(user)->sinceLastByte.restart();
    return size * count;
}

size_t receiveBody(char* data, size_t size, size_t count, void* user)
{
    auto* transfer = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    transfer->sinceLastByte.restart();
    if (transfer->onData) {
        if (transfer->status == 0)
            curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &transfer->status);
        if (transfer->status >= 200 && transfer->status < 300) {
            if ((*transfer->onData)(QByteArrayView(data, qsizetype(bytes))))
                return bytes;
            transfer->stoppedByReceiver = true;
            return 0; // libcurl ends the transfer with CURLE_WRITE_ERROR
        }
        transfer->limit = kMaxStreamErrorBytes;
    }
    if (qint64(transfer->body.size()) + qint64(bytes) > transfer->limit) {
        transfer->tooLarge = true;
        return 0;
    }
    transfer->body.append(data, qsizetype(bytes));
    return bytes;
}

enum class Ending { Finished, Cancelled, Idle };

struct Performed
{
    Ending ending = Ending::Finished;
    CURLcode code = CURLE_OK;
};

// performCancellable's loop with one more way out: a server that sends nothing for
// `idleTimeoutMs` (a hung watch keeps its socket open and would never time out otherwise).
Performed perform(CURLM* multi, Transfer& transfer, const std::atomic_bool* cancel,
                  int idleTimeoutMs)
{
    curl_multi_add_handle(multi, transfer.easy);
    transfer.sinceLastByte.start();
    Performed performed;
    for (;;) {
        int running = 0;
        curl_multi_perform(multi, &running);
        int queued = 0;
        bool done = false;
        while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
            if (message->msg == CURLMSG_DONE && message->easy_handle == transfer.easy) {
                performed.code = message->data.result;
                done = true;
            }
        }
        if (done)
            break;
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            performed.ending = Ending::Cancelled;
            break;
        }
        if (idleTimeoutMs > 0 && transfer.sinceLastByte.elapsed() > idleTimeoutMs) {
            performed.ending = Ending::Idle;
            break;
        }
        curl_multi_poll(multi, nullptr, 0, kPollMs, nullptr);
    }
    // A transfer left half-way closes its connection here; a finished one stays in the pool.
    curl_multi_remove_handle(multi, transfer.easy);
    return performed;
}

bool isLoopback(const QString& host)
{
    return host == QLatin1String("localhost") || host.startsWith(QLatin1String("127.")) ||
           host == QLatin1String("::1") || host.endsWith(QLatin1String(".localhost"));
}

QString clipped(QString text)
{
    if (text.size() > kMaxServerTextChars) {
        text.truncate(kMaxServerTextChars - 1);
        text.append(u'…');
    }
    return text;
}

void setBlob(CURL* easy, CURLoption option, const QByteArray& data)
{
    curl_blob blob{const_cast<char*>(data.constData()), size_t(data.size()), CURL_BLOB_COPY};
    curl_easy_setopt(easy, option, &blob);
}

// The credential a request goes out with: what the kubeconfig holds, or the exec plugin's.
struct Credential
{
    QByteArray token;
    QByteArray certificate;
    QByteArray key;
    std::optional<ExecCredential> fromPlugin;
};

} // namespace

struct KubeClient::Private
{
    ClusterConnection connection;
    QString clusterName;
    QString where; // "cluster prod (https://…)"
    std::shared_ptr<ExecCredentialProvider> plugin;
    curl::MultiHandle multi{curl_multi_init()};
    QString baseUrl;      // the server, with the tls-server-name as its host when one is set
    QByteArray connectTo; // "name:port:host:port", sending the connection to the real host
    QByteArray hostHeader;
    curl::ProxyChoice proxy;
    bool compress = false;

    Result<Credential> credential();
    void configure(CURL* easy, const Credential& credential, Slist& connectToList) const;
    QString describeTransport(CURLcode code, const char* errorBuffer, int timeoutMs) const;
    QString scrubbed(QString message, const Credential& credential) const;
    KubeAnswer attempt(const QByteArray& method, const QString& pathAndQuery,
                       const QByteArray& body, const QByteArray& contentType, int timeoutMs,
                       const Credential& credential, const std::atomic_bool* cancel,
                       const std::function<bool(QByteArrayView)>* onData, int idleTimeoutMs);
    KubeAnswer run(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body,
                   const QByteArray& contentType, int timeoutMs, const std::atomic_bool* cancel,
                   const std::function<bool(QByteArrayView)>* onData, int idleTimeoutMs);
};

Result<Credential> KubeClient::Private::credential()
{
    Credential credential;
    credential.certificate = connection.clientCertificateData;
    credential.key = connection.clientKeyData;
    if (!connection.token.isEmpty()) {
        credential.token = connection.token.toUtf8();
    } else if (connection.tokenFile.isSet()) {
        Result<QString> token = connection.tokenFile.token();
        if (!token)
            return Error{u"user \"" + connection.userName + u"\": " + token.error().toString(),
                         where};
        credential.token = token->toUtf8();
    }
    if (plugin) {
        Result<ExecCredential> fromPlugin = plugin->credential();
        if (!fromPlugin)
            return Error{fromPlugin.error().message, where};
        credential.fromPlugin = *fromPlugin;
        if (!fromPlugin->token.isEmpty())
            credential.token = fromPlugin->token.toUtf8();
        if (!fromPlugin->clientCertificateData.isEmpty()) {
            credential.certificate = fromPlugin->clientCertificateData;
            credential.key = fromPlugin->clientKeyData;
        }
    }
    return credential;
}

void KubeClient::Private::configure(CURL* easy, const Credential& credential,
                                    Slist& connectToList) const
{
    const bool verify = !connection.insecureSkipTlsVerify;
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
    if (!connection.caData.isEmpty()) {
        // The cluster's CA alone, as kubectl trusts it: not the system's store besides.
        curl_easy_setopt(easy, CURLOPT_CAINFO, static_cast<const char*>(nullptr));
        curl_easy_setopt(easy, CURLOPT_CAPATH, static_cast<const char*>(nullptr));
        setBlob(easy, CURLOPT_CAINFO_BLOB, connection.caData);
    }
    if (!credential.certificate.isEmpty()) {
        setBlob(easy, CURLOPT_SSLCERT_BLOB, credential.certificate);
        curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
        setBlob(easy, CURLOPT_SSLKEY_BLOB, credential.key);
        curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
    }
    if (!connectTo.isEmpty()) {
        connectToList.reset(curl_slist_append(nullptr, connectTo.constData()));
        curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connectToList.get());
    }
    curl::pinProxy(easy, proxy);
    if (compress)
        curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    if (credential.token.isEmpty() &&
        (!connection.username.isEmpty() || !connection.password.isEmpty())) {
        curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(easy, CURLOPT_USERNAME, connection.username.toUtf8().constData());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, connection.password.toUtf8().constData());
    }
}

QString KubeClient::Private::describeTransport(CURLcode code, const char* errorBuffer,
                                               int timeoutMs) const
{
    const QString detail = QString::fromUtf8(errorBuffer);
    const QString suffix = detail.isEmpty() ? QString() : u" (" + detail + u')';
    QString text;
    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
        if (detail.contains(QLatin1String("subject name")) ||
            detail.contains(QLatin1String("does not match")))
            text = u"the API server's certificate is not issued for the name " +
                   QUrl(baseUrl).host() + suffix;
        else if (connection.caData.isEmpty())
            text = u"the API server's certificate is not signed by a certificate authority this "
                   u"system trusts, and the kubeconfig names none for the cluster" +
                   suffix;
        else
            text = u"the API server's certificate is not signed by the cluster's certificate "
                   u"authority" +
                   suffix;
        break;
    case CURLE_SSL_CONNECT_ERROR:
        text = u"the TLS handshake with the API server failed" + suffix;
        break;
    case CURLE_SSL_CERTPROBLEM:
        text = u"the client certificate or key of user \"" + connection.userName +
               u"\" cannot be used" + suffix;
        break;
    case CURLE_SSL_CACERT_BADFILE:
        text = u"the cluster's certificate authority cannot be used" + suffix;
        break;
    default:
        text = curl::describeCurlError(code, errorBuffer, std::chrono::milliseconds(timeoutMs));
        break;
    }
    return where + u": " + text;
}

QString KubeClient::Private::scrubbed(QString message, const Credential& credential) const
{
    // libcurl's messages carry no credentials; this makes sure none ever gets through.
    const QString secrets[] = {QString::fromUtf8(credential.token), connection.password};
    for (const QString& secret : secrets)
        if (secret.size() >= 4)
            message.replace(secret, QStringLiteral("****"));
    return message;
}

KubeAnswer KubeClient::Private::attempt(const QByteArray& method, const QString& pathAndQuery,
                                        const QByteArray& body, const QByteArray& contentType,
                                        int timeoutMs, const Credential& credential,
                                        const std::atomic_bool* cancel,
                                        const std::function<bool(QByteArrayView)>* onData,
                                        int idleTimeoutMs)
{
    KubeAnswer answer;
    curl::EasyHandle easy(curl_easy_init());
    if (!easy || !multi) {
        answer.error = where + u": libcurl could not allocate a handle";
        return answer;
    }
    curl::RequestOptions options;
    options.url = (baseUrl + pathAndQuery).toUtf8();
    options.method = method;
    options.body = &body;
    options.timeout = std::chrono::milliseconds(timeoutMs > 0 ? timeoutMs : 0);
    char errorBuffer[CURL_ERROR_SIZE];
    curl::configureRequest(easy.get(), options, errorBuffer);
    if (onData || timeoutMs <= 0) {
        // A stream lasts as long as it is wanted; only reaching the server has a limit.
        curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 0L);
        curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, kStreamConnectTimeoutMs);
    }
    Slist connectToList;
    configure(easy.get(), credential, connectToList);

    // As kubectl asks: JSON where the server has a choice, anything for a log's plain text.
    QList<QByteArray> lines{QByteArrayLiteral("Accept: application/json, */*"),
                            QByteArrayLiteral("Expect:")};
    if (!body.isEmpty() && !contentType.isEmpty())
        lines.append("Content-Type: " + contentType);
    if (!credential.token.isEmpty())
        lines.append("Authorization: Bearer " + credential.token);
    if (!hostHeader.isEmpty())
        lines.append(hostHeader);
    if (!connection.impersonate.isEmpty())
        lines.append("Impersonate-User: " + connection.impersonate.toUtf8());
    for (const QString& group : connection.impersonateGroups)
        lines.append("Impersonate-Group: " + group.toUtf8());
    curl_slist* headers = nullptr;
    for (const QByteArray& line : std::as_const(lines))
        headers = curl_slist_append(headers, line.constData());
    const Slist headerList(headers);
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headerList.get());

    Transfer transfer;
    transfer.easy = easy.get();
    transfer.onData = onData;
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &receiveBody);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(easy.get(), CURLOPT_HEADERFUNCTION, &receiveHeader);
    curl_easy_setopt(easy.get(), CURLOPT_HEADERDATA, &transfer);

    const Performed performed = perform(multi.get(), transfer, cancel, idleTimeoutMs);
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &answer.status);
    answer.body = std::move(transfer.body);
    const auto failTransport = [&](const QString& message) {
        answer.unreachable = true;
        answer.error = scrubbed(message, credential);
    };
    if (performed.ending == Ending::Cancelled) {
        answer.error = QStringLiteral("cancelled");
        return answer;
    }
    if (performed.ending == Ending::Idle) {
        failTransport(where + QStringLiteral(": the API server stopped answering: nothing "
                                             "arrived for %1 s while the connection stayed open")
                                  .arg(double(idleTimeoutMs) / 1000.0));
        return answer;
    }
    if (transfer.tooLarge) {
        answer.error = where + u": the answer is larger than the limit of " +
                       QString::number(transfer.limit / (1024 * 1024)) + u" MiB; refused";
        return answer;
    }
    if (performed.code != CURLE_OK && !transfer.stoppedByReceiver) {
        const bool streaming = onData || timeoutMs <= 0;
        failTransport(describeTransport(performed.code, errorBuffer,
                                        streaming ? int(kStreamConnectTimeoutMs) : timeoutMs));
        return answer;
    }
    if (answer.status < 200 || answer.status >= 300) {
        answer.error = statusMessage(answer.status, answer.body, &answer.reason);
        if (answer.status == 401)
            answer.error +=
                u"; the API server refused the credentials of user \"" + connection.userName + u'"';
        answer.error = scrubbed(answer.error, credential);
    }
    return answer;
}

KubeAnswer KubeClient::Private::run(const QByteArray& method, const QString& pathAndQuery,
                                    const QByteArray& body, const QByteArray& contentType,
                                    int timeoutMs, const std::atomic_bool* cancel,
                                    const std::function<bool(QByteArrayView)>* onData,
                                    int idleTimeoutMs)
{
    Result<Credential> credential = this->credential();
    if (!credential) {
        KubeAnswer answer;
        answer.error = credential.error().toString();
        return answer;
    }
    KubeAnswer answer = attempt(method, pathAndQuery, body, contentType, timeoutMs, *credential,
                                cancel, onData, idleTimeoutMs);
    qCDebug(lcKubeClient) << method << pathAndQuery << answer.status;
    if (answer.status != 401 || !plugin || !credential->fromPlugin)
        return answer;
    // The plugin's credential expired early or was revoked: client-go runs the plugin again
    // and retries once.
    Result<ExecCredential> fresh = plugin->refreshAfterUnauthorized(*credential->fromPlugin);
    if (!fresh) {
        answer.error += u"; running the exec plugin again failed: " + fresh.error().message;
        return answer;
    }
    credential = this->credential();
    if (!credential) {
        answer.error = credential.error().toString();
        return answer;
    }
    return attempt(method, pathAndQuery, body, contentType, timeoutMs, *credential, cancel, onData,
                   idleTimeoutMs);
}

KubeClient::KubeClient(ClusterConnection connection, QString clusterName)
    : KubeClient(std::move(connection), std::move(clusterName), nullptr)
{}

KubeClient::KubeClient(ClusterConnection connection, QString clusterName,
                       std::shared_ptr<ExecCredentialProvider> plugin)
    : d(std::make_unique<Private>())
{
    curl::ensureCurlInitialised();
    d->connection = std::move(connection);
    d->clusterName = std::move(clusterName);
    QString server = d->connection.server.trimmed();
    while (server.endsWith(u'/'))
        server.chop(1);
    d->where = clusterLabel(d->clusterName, server);
    if (d->connection.hasExec)
        d->plugin =
            plugin ? std::move(plugin) : std::make_shared<ExecCredentialProvider>(d->connection);

    QUrl url(server);
    const QString host = url.host();
    const bool loopback = isLoopback(host);
    d->compress = !d->connection.disableCompression && !loopback;
    if (!d->connection.proxyUrl.isEmpty())
        d->proxy = curl::ProxyChoice{d->connection.proxyUrl.toUtf8(), QByteArray()};
    else if (!loopback)
        // Go's clients skip the proxy for loopback servers; any other goes the environment's way.
        d->proxy = curl::proxyFromEnvironment(url.scheme().toUtf8());
    d->baseUrl = server;
    const QString tlsName = d->connection.tlsServerName;
    if (!tlsName.isEmpty() && tlsName != host && url.scheme() == u"https") {
        // libcurl takes the name it sends as SNI and checks the certificate against from the
        // URL, and has no option to set it apart: the URL carries tls-server-name and
        // CONNECT_TO sends the connection to the real host, whose name stays in Host.
        const int port = url.port(443);
        const QString bracketed = host.contains(u':') ? u'[' + host + u']' : host;
        d->connectTo = (tlsName + u':' + QString::number(port) + u':' + bracketed + u':' +
                        QString::number(port))
                           .toUtf8();
        d->hostHeader = "Host: " + url.authority(QUrl::FullyEncoded).toUtf8();
        url.setHost(tlsName);
        d->baseUrl = url.toString(QUrl::FullyEncoded);
        while (d->baseUrl.endsWith(u'/'))
            d->baseUrl.chop(1);
    }
}

KubeClient::~KubeClient() = default;

const QString& KubeClient::clusterName() const
{
    return d->clusterName;
}

const ClusterConnection& KubeClient::connection() const
{
    return d->connection;
}

QString KubeClient::insecureWarning() const
{
    return d->connection.insecureSkipTlsVerify ? d->connection.insecureWarning : QString();
}

KubeAnswer KubeClient::request(const QByteArray& method, const QString& pathAndQuery,
                               const QByteArray& body, const QByteArray& contentType, int timeoutMs,
                               const std::atomic_bool* cancel)
{
    return d->run(method, pathAndQuery, body, contentType, timeoutMs, cancel, nullptr, 0);
}

KubeAnswer KubeClient::stream(const QString& pathAndQuery,
                              const std::function<bool(QByteArrayView)>& onData,
                              const StreamControl& control)
{
    return d->run(QByteArrayLiteral("GET"), pathAndQuery, {}, {}, 0, control.cancel, &onData,
                  control.idleTimeoutMs);
}

QString clusterLabel(const QString& clusterName, const QString& server)
{
    QString url = server.trimmed();
    while (url.endsWith(u'/'))
        url.chop(1);
    return u"cluster " + clusterName + u" (" + url + u')';
}

QString statusMessage(long httpStatus, const QByteArray& body, QString* reason)
{
    const QJsonObject status = QJsonDocument::fromJson(body).object();
    const QString why = status.value(u"reason").toString();
    QString text = status.value(u"message").toString();
    if (reason)
        *reason = why;
    const QString code = u"HTTP " + QString::number(httpStatus);
    if (why.isEmpty() && text.isEmpty()) {
        text = QString::fromUtf8(body.left(4 * kMaxServerTextChars)).simplified();
        if (text.isEmpty())
            return code + u" with an empty answer";
        return code + u": " + clipped(text);
    }
    if (text.isEmpty())
        return why + u" (" + code + u')';
    const QString head = why.isEmpty() ? code : QString(why + u" (" + code + u')');
    return head + u": " + clipped(text);
}

QString queryValue(const QString& value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

} // namespace launchdeck::kube
