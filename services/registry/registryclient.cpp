// The Registry HTTP API v2 on libcurl: the authentication challenge (Bearer from the realm, or
// Basic), tags page by page, manifests and the image config's creation time, and errors in the
// registry's words.
#include "registry/registryclient.h"

#include "http/curlsupport.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

namespace launchdeck::registry {

namespace {

namespace curl = launchdeck::http::detail;

// Tag lists and config blobs are small; a manifest list of many platforms is a few hundred KiB.
constexpr qsizetype kMaxAnswerBytes = 8 * 1024 * 1024;
constexpr int kMaxPages = 10'000;

const QByteArray kManifestTypes =
    QByteArrayLiteral("application/vnd.oci.image.index.v1+json, "
                      "application/vnd.docker.distribution.manifest.list.v2+json, "
                      "application/vnd.oci.image.manifest.v1+json, "
                      "application/vnd.docker.distribution.manifest.v2+json");

struct Receiving
{
    RegistryClient::Answer* answer = nullptr;
    bool tooLarge = false;
};

size_t receiveBody(char* data, size_t size, size_t count, void* user)
{
    auto* receiving = static_cast<Receiving*>(user);
    const size_t bytes = size * count;
    if (receiving->answer->body.size() + qsizetype(bytes) > kMaxAnswerBytes) {
        receiving->tooLarge = true;
        return 0;
    }
    receiving->answer->body.append(data, qsizetype(bytes));
    return bytes;
}

size_t receiveHeader(char* data, size_t size, size_t count, void* user)
{
    auto* receiving = static_cast<Receiving*>(user);
    const size_t bytes = size * count;
    const QByteArray line = QByteArray(data, qsizetype(bytes)).trimmed();
    if (line.startsWith("HTTP/")) {
        receiving->answer->headers.clear(); // a redirect's answer came before this one
        return bytes;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon > 0)
        receiving->answer->headers.insert(line.left(colon).trimmed().toLower(),
                                          line.mid(colon + 1).trimmed());
    return bytes;
}

struct SlistDeleter
{
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// `Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"`.
struct Challenge
{
    QByteArray scheme; // lower-case
    QHash<QByteArray, QString> parameters;
};

Challenge parseChallenge(const QByteArray& header)
{
    Challenge challenge;
    const qsizetype space = header.indexOf(' ');
    challenge.scheme = (space < 0 ? header : header.left(space)).toLower();
    QByteArray rest = space < 0 ? QByteArray() : header.mid(space + 1);
    qsizetype at = 0;
    while (at < rest.size()) {
        while (at < rest.size() && (rest[at] == ' ' || rest[at] == ','))
            ++at;
        const qsizetype equals = rest.indexOf('=', at);
        if (equals < 0)
            break;
        const QByteArray name = rest.mid(at, equals - at).trimmed().toLower();
        at = equals + 1;
        QByteArray value;
        if (at < rest.size() && rest[at] == '"') {
            ++at;
            while (at < rest.size() && rest[at] != '"') {
                if (rest[at] == '\\' && at + 1 < rest.size())
                    ++at;
                value += rest[at++];
            }
            ++at; // the closing quote
        } else {
            const qsizetype comma = rest.indexOf(',', at);
            value = rest.mid(at, comma < 0 ? -1 : comma - at).trimmed();
            at = comma < 0 ? rest.size() : comma;
        }
        challenge.parameters.insert(name, QString::fromUtf8(value));
    }
    return challenge;
}

// The next page of a Link header (`</v2/x/tags/list?last=b&n=2>; rel="next"`), or empty.
QString nextPage(const QByteArray& link)
{
    for (const QByteArray& part : link.split(',')) {
        const qsizetype open = part.indexOf('<');
        const qsizetype close = part.indexOf('>', open + 1);
        if (open < 0 || close < 0 || !part.mid(close).contains("rel=\"next\""))
            continue;
        return QString::fromUtf8(part.mid(open + 1, close - open - 1));
    }
    return {};
}

// A registry's errors in its words: {"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest
// unknown",…}]} is "manifest unknown (MANIFEST_UNKNOWN)"; empty when the body says nothing.
QString registryWords(const QByteArray& body)
{
    const QJsonArray errors = QJsonDocument::fromJson(body).object().value(u"errors").toArray();
    QStringList said;
    for (const QJsonValue& error : errors) {
        const QString code = error[u"code"].toString();
        const QString message = error[u"message"].toString();
        said.append(code.isEmpty() ? message : message + u" (" + code + u')');
    }
    return said.join(QStringLiteral("; "));
}

bool isIndex(const QString& mediaType)
{
    return mediaType.endsWith(u"manifest.list.v2+json") ||
           mediaType.endsWith(u"image.index.v1+json");
}

} // namespace

QString repositoryPath(const QString& host, const QString& repository)
{
    const bool hub =
        host == u"docker.io" || host == u"index.docker.io" || host == u"registry-1.docker.io";
    return hub && !repository.contains(u'/') ? u"library/" + repository : repository;
}

RegistryClient::RegistryClient(RegistryEndpoint endpoint)
    : m_endpoint(std::move(endpoint))
{
    curl::ensureCurlInitialised();
}

RegistryClient::~RegistryClient() = default;

QString RegistryClient::baseUrl() const
{
    const QString& host = m_endpoint.host;
    if (host == u"docker.io" || host == u"index.docker.io")
        return QStringLiteral("https://registry-1.docker.io");
    return (m_endpoint.insecure ? u"http://" : u"https://") + host;
}

Error RegistryClient::fail(RegistryFailure failure, const QString& message,
                           std::optional<int> retryAfter)
{
    m_lastFailure = failure;
    m_retryAfter = retryAfter;
    return Error{message, m_endpoint.host};
}

Result<RegistryClient::Answer> RegistryClient::send(const QString& url, const QByteArray& accept,
                                                    const QByteArray& authorization,
                                                    const QString& what)
{
    curl::EasyHandle easy(curl_easy_init());
    if (!easy)
        return fail(RegistryFailure::Unreachable, QStringLiteral("libcurl could not start"));
    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl::RequestOptions options;
    options.url = url.toUtf8();
    options.timeout = m_endpoint.timeout;
    // Blobs are served from storage elsewhere; libcurl drops the Authorization header when a
    // redirect leaves the host.
    options.followRedirects = true;
    curl::configureRequest(easy.get(), options, errorBuffer);
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    curl_slist* list = nullptr;
    if (!accept.isEmpty())
        list = curl_slist_append(list, QByteArray("Accept: " + accept).constData());
    if (!authorization.isEmpty())
        list = curl_slist_append(list, QByteArray("Authorization: " + authorization).constData());
    headers.reset(list);
    if (list)
        curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, list);
    const QByteArray caFile = m_endpoint.caFile.toUtf8();
    if (!caFile.isEmpty())
        curl_easy_setopt(easy.get(), CURLOPT_CAINFO, caFile.constData());
    if (!m_endpoint.verifyPeer) {
        curl_easy_setopt(easy.get(), CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(easy.get(), CURLOPT_SSL_VERIFYHOST, 0L);
    }
    Answer answer;
    Receiving receiving{&answer, false};
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, receiveBody);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &receiving);
    curl_easy_setopt(easy.get(), CURLOPT_HEADERFUNCTION, receiveHeader);
    curl_easy_setopt(easy.get(), CURLOPT_HEADERDATA, &receiving);

    const CURLcode code = curl_easy_perform(easy.get());
    const QString host = m_endpoint.host;
    if (receiving.tooLarge)
        return fail(RegistryFailure::Protocol,
                    QStringLiteral("registry %1: %2: the answer is over %3 MiB")
                        .arg(host, what)
                        .arg(kMaxAnswerBytes / 1024 / 1024));
    if (code == CURLE_PEER_FAILED_VERIFICATION)
        return fail(RegistryFailure::UnknownCA,
                    QStringLiteral("registry %1: its certificate is not signed by an authority "
                                   "this machine trusts (%2); give its CA (the Docker daemon "
                                   "reads /etc/docker/certs.d/%1/ca.crt)")
                        .arg(host, QString::fromUtf8(errorBuffer)));
    if (code == CURLE_SSL_CONNECT_ERROR && QByteArray(errorBuffer).contains("wrong version"))
        return fail(RegistryFailure::NotTls,
                    QStringLiteral("registry %1 does not speak TLS on that port: an insecure "
                                   "(plain HTTP) registry must be marked insecure")
                        .arg(host));
    if (code != CURLE_OK)
        return fail(
            RegistryFailure::Unreachable,
            QStringLiteral("registry %1: %2: %3")
                .arg(host, what, curl::describeCurlError(code, errorBuffer, m_endpoint.timeout)));
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    answer.status = int(status);
    return answer;
}

Result<QByteArray> RegistryClient::signIn(const QByteArray& header, const QString& scope,
                                          const QString& what)
{
    const QString host = m_endpoint.host;
    const Challenge challenge = parseChallenge(header);
    const auto& credentials = m_endpoint.credentials;
    const QByteArray basic = credentials
                                 ? "Basic " + QByteArray(credentials->username.toUtf8() + ':' +
                                                         credentials->password.toUtf8())
                                                  .toBase64()
                                 : QByteArray();
    if (challenge.scheme == "basic") {
        if (!credentials)
            return fail(RegistryFailure::Unauthorized,
                        QStringLiteral("registry %1 asks for a user name and password (realm "
                                       "\"%2\"): log in to it")
                            .arg(host, challenge.parameters.value("realm")));
        return basic;
    }
    if (challenge.scheme != "bearer")
        return fail(RegistryFailure::Protocol,
                    QStringLiteral("registry %1: %2: it asks for sign-in by \"%3\", which "
                                   "Launchdeck does not speak")
                        .arg(host, what, QString::fromLatin1(challenge.scheme)));
    QUrl realm(challenge.parameters.value("realm"));
    if (!realm.isValid() || (realm.scheme() != u"https" && realm.scheme() != u"http"))
        return fail(RegistryFailure::Protocol,
                    QStringLiteral("registry %1: its token service \"%2\" is not a URL")
                        .arg(host, challenge.parameters.value("realm")));
    QUrlQuery query(realm);
    if (challenge.parameters.contains("service"))
        query.addQueryItem(QStringLiteral("service"), challenge.parameters.value("service"));
    const QString asked = challenge.parameters.value("scope", scope);
    if (!asked.isEmpty())
        query.addQueryItem(QStringLiteral("scope"), asked);
    realm.setQuery(query);
    const Result<Answer> token = send(realm.toString(QUrl::FullyEncoded), "application/json", basic,
                                      QStringLiteral("a token"));
    if (!token)
        return token.error();
    if (token->status == 401 || token->status == 403) {
        const QString said = registryWords(token->body);
        return fail(RegistryFailure::Unauthorized,
                    (credentials ? QStringLiteral("registry %1 refused the password of %2")
                                       .arg(host, credentials->username)
                                 : QStringLiteral("registry %1 wants a user name and password "
                                                  "for %2: log in to it")
                                       .arg(host, what)) +
                        (said.isEmpty() ? QString() : u": " + said));
    }
    if (token->status == 429)
        return answerError(*token, QStringLiteral("a token for %1").arg(what));
    const QJsonObject json = QJsonDocument::fromJson(token->body).object();
    const QString value = json.value(u"token").toString(json.value(u"access_token").toString());
    if (token->status != 200 || value.isEmpty())
        return fail(RegistryFailure::Protocol,
                    QStringLiteral("registry %1: its token service answered %2 without a token")
                        .arg(host)
                        .arg(token->status));
    return QByteArray("Bearer " + value.toUtf8());
}

Result<RegistryClient::Answer> RegistryClient::request(const QString& pathOrUrl,
                                                       const QByteArray& accept,
                                                       const QString& scope, const QString& what)
{
    const QString url = pathOrUrl.startsWith(u'/') ? baseUrl() + pathOrUrl : pathOrUrl;
    Result<Answer> answer = send(url, accept, m_authorization.value(scope), what);
    if (!answer || answer->status != 401)
        return answer;
    const QByteArray challenge = answer->header("www-authenticate");
    if (challenge.isEmpty())
        return answerError(*answer, what);
    const Result<QByteArray> authorization = signIn(challenge, scope, what);
    if (!authorization)
        return authorization.error();
    answer = send(url, accept, *authorization, what);
    if (answer && answer->status == 401) {
        const QString said = registryWords(answer->body);
        return fail(RegistryFailure::Unauthorized,
                    (m_endpoint.credentials
                         ? QStringLiteral("registry %1 refused the password of %2 for %3")
                               .arg(m_endpoint.host, m_endpoint.credentials->username, what)
                         : QStringLiteral("registry %1 wants a user name and password for %2: "
                                          "log in to it")
                               .arg(m_endpoint.host, what)) +
                        (said.isEmpty() ? QString() : u": " + said));
    }
    if (answer)
        m_authorization.insert(scope, *authorization);
    return answer;
}

Error RegistryClient::answerError(const Answer& answer, const QString& what)
{
    const QString said = registryWords(answer.body);
    const QString words = said.isEmpty() ? QStringLiteral("HTTP %1").arg(answer.status) : said;
    const QString text = QStringLiteral("registry %1: %2: %3").arg(m_endpoint.host, what, words);
    switch (answer.status) {
    case 401:
        return fail(RegistryFailure::Unauthorized, text);
    case 403:
        return fail(RegistryFailure::Denied, text);
    case 404:
        return fail(RegistryFailure::NotFound, text);
    case 429: {
        bool number = false;
        const int seconds = answer.header("retry-after").toInt(&number);
        return fail(RegistryFailure::RateLimited,
                    number ? text + QStringLiteral(", retry in %1 s").arg(seconds) : text,
                    number ? std::optional(seconds) : std::nullopt);
    }
    default:
        return fail(RegistryFailure::Protocol, text);
    }
}

Result<bool> RegistryClient::ping()
{
    const Result<Answer> answer = request(QStringLiteral("/v2/"), {}, {}, QStringLiteral("/v2/"));
    if (!answer)
        return answer.error();
    if (answer->status != 200)
        return answerError(*answer, QStringLiteral("/v2/"));
    return true;
}

Result<QStringList> RegistryClient::tags(const QString& repository, int pageSize)
{
    const QString name = repositoryPath(m_endpoint.host, repository);
    const QString scope = u"repository:" + name + u":pull";
    const QString what = QStringLiteral("the tags of %1").arg(repository);
    QString next = QStringLiteral("/v2/%1/tags/list?n=%2").arg(name).arg(qMax(1, pageSize));
    QStringList tags;
    for (int page = 0; !next.isEmpty() && page < kMaxPages; ++page) {
        const Result<Answer> answer = request(next, "application/json", scope, what);
        if (!answer)
            return answer.error();
        if (answer->status != 200)
            return answerError(*answer, what);
        const QJsonDocument document = QJsonDocument::fromJson(answer->body);
        if (!document.isObject())
            return fail(RegistryFailure::Protocol,
                        QStringLiteral("registry %1: %2: the answer is not a tag list")
                            .arg(m_endpoint.host, what));
        for (const QJsonValue& tag : document.object().value(u"tags").toArray())
            tags.append(tag.toString());
        const QString link = nextPage(answer->header("link"));
        next = link.isEmpty() || link.startsWith(u'/') || link.startsWith(u"http") ? link
                                                                                   : u'/' + link;
    }
    return tags;
}

Result<ManifestInfo> RegistryClient::manifest(const QString& repository, const QString& reference)
{
    const QString name = repositoryPath(m_endpoint.host, repository);
    const QString scope = u"repository:" + name + u":pull";
    const QString what = QStringLiteral("%1:%2").arg(repository, reference);
    const auto fetch = [&](const QString& ref) -> Result<Answer> {
        const Result<Answer> answer = request(QStringLiteral("/v2/%1/manifests/%2").arg(name, ref),
                                              kManifestTypes, scope, what);
        if (answer && answer->status != 200)
            return answerError(*answer, what);
        return answer;
    };
    const auto digestOf = [](const Answer& answer) {
        const QByteArray header = answer.header("docker-content-digest");
        return header.isEmpty()
                   ? u"sha256:" + QString::fromLatin1(QCryptographicHash::hash(
                                                          answer.body, QCryptographicHash::Sha256)
                                                          .toHex())
                   : QString::fromLatin1(header);
    };
    Result<Answer> answer = fetch(reference);
    if (!answer)
        return answer.error();
    ManifestInfo info;
    info.digest = digestOf(*answer);
    QJsonObject document = QJsonDocument::fromJson(answer->body).object();
    info.mediaType =
        document.value(u"mediaType").toString(QString::fromLatin1(answer->header("content-type")));
    info.platformDigest = info.digest;
    if (isIndex(info.mediaType)) {
        QString chosen;
        for (const QJsonValue& entry : document.value(u"manifests").toArray()) {
            if (entry[u"platform"][u"os"].toString() == u"linux" &&
                entry[u"platform"][u"architecture"].toString() == u"amd64") {
                chosen = entry[u"digest"].toString();
                break;
            }
        }
        if (chosen.isEmpty())
            return info; // no image this machine runs: no creation time to read
        answer = fetch(chosen);
        if (!answer)
            return answer.error();
        info.platformDigest = chosen;
        document = QJsonDocument::fromJson(answer->body).object();
    }
    const QString config = document.value(u"config").toObject().value(u"digest").toString();
    if (config.isEmpty())
        return info;
    const Result<Answer> blob = request(QStringLiteral("/v2/%1/blobs/%2").arg(name, config), {},
                                        scope, QStringLiteral("the config of %1").arg(what));
    if (!blob)
        return blob.error();
    if (blob->status != 200)
        return answerError(*blob, QStringLiteral("the config of %1").arg(what));
    const QString created =
        QJsonDocument::fromJson(blob->body).object().value(u"created").toString();
    if (QDateTime when = QDateTime::fromString(created, Qt::ISODateWithMs); when.isValid())
        info.created = when;
    return info;
}

} // namespace launchdeck::registry
