// POST /images/create and /images/{name}/push on libcurl, their answers read line by line as
// they arrive; POST /images/{name}/tag.
#include "docker/dockerimagetransfer.h"

#include "docker/dockertransport.h"
#include "registry/registrycredentials.h"
#include "registry/registrylocation.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QUrlQuery>

#include <memory>

namespace launchdeck {

namespace {

QString bytesText(qint64 bytes)
{
    // docker pull's units: decimal, one decimal place.
    if (bytes >= 1'000'000)
        return QString::number(double(bytes) / 1e6, 'f', 1) + QStringLiteral(" MB");
    if (bytes >= 1'000)
        return QString::number(double(bytes) / 1e3, 'f', 1) + QStringLiteral(" kB");
    return QString::number(bytes) + QStringLiteral(" B");
}

struct Reading
{
    QByteArray pending;
    QByteArray head; // the answer's first bytes: an error answer's JSON message
    DockerPullOutput output;
    const std::function<void(const PullProgress&)>* progress = nullptr;
    const std::atomic_bool* cancel = nullptr;
};

size_t receive(char* data, size_t size, size_t count, void* user)
{
    auto* reading = static_cast<Reading*>(user);
    if (reading->head.size() < 65536)
        reading->head.append(data, qsizetype(qMin<size_t>(size * count, 65536)));
    reading->pending.append(data, qsizetype(size * count));
    qsizetype newline = 0;
    while ((newline = reading->pending.indexOf('\n')) >= 0) {
        const QByteArray line = reading->pending.left(newline);
        reading->pending.remove(0, newline + 1);
        if (const auto seen = reading->output.feed(line); seen && *reading->progress)
            (*reading->progress)(*seen);
    }
    return size * count;
}

int watchCancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    const auto* reading = static_cast<Reading*>(user);
    return reading->cancel && reading->cancel->load() ? 1 : 0;
}

struct SlistDeleter
{
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

} // namespace

QString PullProgress::text() const
{
    QString line = layer.isEmpty() ? status : layer + QStringLiteral(": ") + status;
    if (current > 0)
        line += u' ' + (total > 0 ? bytesText(current) + QStringLiteral(" / ") + bytesText(total)
                                  : bytesText(current));
    return line;
}

std::optional<PullProgress> DockerPullOutput::feed(const QByteArray& jsonLine)
{
    const QJsonObject object = QJsonDocument::fromJson(jsonLine).object();
    if (object.isEmpty())
        return std::nullopt;
    if (const QString digest = object.value(u"aux").toObject().value(u"Digest").toString();
        !digest.isEmpty()) {
        m_digest = digest;
        return std::nullopt;
    }
    if (const QString error = object.value(u"errorDetail")
                                  .toObject()
                                  .value(u"message")
                                  .toString(object.value(u"error").toString());
        !error.isEmpty()) {
        m_error = error;
        return std::nullopt;
    }
    PullProgress progress;
    progress.status = object.value(u"status").toString();
    if (progress.status.isEmpty())
        return std::nullopt;
    if (progress.status.startsWith(u"Digest: "))
        m_digest = progress.status.mid(8).trimmed();
    // A push ends with "TAG: digest: sha256:… size: N".
    if (const qsizetype at = progress.status.indexOf(u": digest: "); at >= 0)
        m_digest = progress.status.mid(at + 10).section(u' ', 0, 0);
    const QJsonObject detail = object.value(u"progressDetail").toObject();
    progress.current = qint64(detail.value(u"current").toDouble());
    progress.total = qint64(detail.value(u"total").toDouble());
    // The image's own lines ("Pulling from shop/web") carry the tag as id, not a layer.
    const QString id = object.value(u"id").toString();
    const bool layerLine = !progress.status.startsWith(u"Pulling from");
    if (!id.isEmpty() && layerLine) {
        progress.layer = id;
        if (!m_layers.contains(id))
            m_layers.append(id);
        if (progress.status == u"Pull complete" || progress.status == u"Already exists" ||
            progress.status == u"Pushed" || progress.status == u"Layer already exists")
            m_completed.insert(id, true);
    } else if (!id.isEmpty()) {
        progress.status = id + QStringLiteral(": ") + progress.status;
    }
    return progress;
}

QByteArray registryAuthHeader(const DockerRegistryAuth& auth)
{
    const QJsonObject object{{QStringLiteral("username"), auth.username},
                             {QStringLiteral("password"), auth.password},
                             {QStringLiteral("serveraddress"), auth.serverAddress}};
    return QJsonDocument(object)
        .toJson(QJsonDocument::Compact)
        .toBase64(QByteArray::Base64UrlEncoding);
}

std::pair<QString, QString> splitImageTag(const QString& image)
{
    if (image.contains(u'@'))
        return {image, QString()};
    const qsizetype colon = image.lastIndexOf(u':');
    if (colon > image.lastIndexOf(u'/'))
        return {image.left(colon), image.mid(colon + 1)};
    return {image, QStringLiteral("latest")};
}

namespace {

// One streamed request whose answer is a pull's or push's progress lines.
Result<TransferredImage>
transfer(const DockerEndpoint& endpoint, const QString& apiVersion, const QString& pathAndQuery,
         const QString& image, const QString& what, const std::optional<DockerRegistryAuth>& auth,
         const std::function<void(const PullProgress&)>& progress, const std::atomic_bool* cancel)
{
    const QByteArray url = endpoint.url(apiVersion, pathAndQuery);
    const QString where = docker::detail::requestName(endpoint, "POST", pathAndQuery);
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
    if (!easy)
        return Error{QStringLiteral("cannot %1: libcurl could not start").arg(what), where};
    char errorBuffer[CURL_ERROR_SIZE] = {};
    docker::detail::configureHandle(easy.get(), endpoint, url, errorBuffer);
    curl_easy_setopt(easy.get(), CURLOPT_POST, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE, 0L);
    // A transfer has no overall limit; a daemon that says nothing for two minutes has stalled.
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 0L);
    curl_easy_setopt(easy.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_LOW_SPEED_TIME, 120L);
    // Without credentials the header still goes, empty ("{}"), as the docker CLI sends it: a
    // push without one is refused as a bad request.
    const QByteArray authHeader =
        "X-Registry-Auth: " +
        (auth ? registryAuthHeader(*auth)
              : QByteArrayLiteral("{}").toBase64(QByteArray::Base64UrlEncoding));
    std::unique_ptr<curl_slist, SlistDeleter> headers(
        curl_slist_append(nullptr, authHeader.constData()));
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    Reading reading;
    reading.progress = &progress;
    reading.cancel = cancel;
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, receive);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &reading);
    curl_easy_setopt(easy.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy.get(), CURLOPT_XFERINFOFUNCTION, watchCancel);
    curl_easy_setopt(easy.get(), CURLOPT_XFERINFODATA, &reading);

    const CURLcode code = curl_easy_perform(easy.get());
    if (code == CURLE_ABORTED_BY_CALLBACK)
        return Error{QStringLiteral("cannot %1: cancelled").arg(what), where};
    if (code != CURLE_OK)
        return docker::detail::transferError(code, errorBuffer, what, where);
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status != 200)
        return docker::detail::httpError(status, reading.head, what, where);
    if (!reading.pending.isEmpty()) {
        if (const auto seen = reading.output.feed(reading.pending); seen && progress)
            progress(*seen);
    }
    if (!reading.output.error().isEmpty())
        return Error{QStringLiteral("cannot %1: %2").arg(what, reading.output.error()), where};
    return TransferredImage{image, reading.output.digest(), int(reading.output.layers().size())};
}

} // namespace

Result<TransferredImage> pullImage(const DockerEndpoint& endpoint, const QString& apiVersion,
                                   const QString& image,
                                   const std::optional<DockerRegistryAuth>& auth,
                                   const std::function<void(const PullProgress&)>& progress,
                                   const std::atomic_bool* cancel)
{
    const auto [from, tag] = splitImageTag(image);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("fromImage"), from);
    if (!tag.isEmpty())
        query.addQueryItem(QStringLiteral("tag"), tag);
    return transfer(endpoint, apiVersion, u"/images/create?" + query.toString(QUrl::FullyEncoded),
                    image, QStringLiteral("pull %1").arg(image), auth, progress, cancel);
}

Result<TransferredImage> pushImage(const DockerEndpoint& endpoint, const QString& apiVersion,
                                   const QString& image,
                                   const std::optional<DockerRegistryAuth>& auth,
                                   const std::function<void(const PullProgress&)>& progress,
                                   const std::atomic_bool* cancel)
{
    const auto [name, tag] = splitImageTag(image);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("tag"), tag);
    return transfer(endpoint, apiVersion,
                    u"/images/" + QString::fromUtf8(QUrl::toPercentEncoding(name, "/:")) +
                        u"/push?" + query.toString(QUrl::FullyEncoded),
                    image, QStringLiteral("push %1").arg(image), auth, progress, cancel);
}

Result<bool> tagImage(const DockerEndpoint& endpoint, const QString& apiVersion,
                      const QString& source, const QString& target)
{
    const auto [repository, tag] = splitImageTag(target);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("repo"), repository);
    query.addQueryItem(QStringLiteral("tag"), tag);
    DockerTransport transport(endpoint);
    transport.setApiVersion(apiVersion);
    const QString path = u"/images/" + QString::fromUtf8(QUrl::toPercentEncoding(source, "/:")) +
                         u"/tag?" + query.toString(QUrl::FullyEncoded);
    const Result<DockerResponse> answer = transport.send("POST", path);
    const QString what = QStringLiteral("tag %1 as %2").arg(source, target);
    if (!answer)
        return answer.error();
    if (answer->status != 201)
        return docker::detail::httpError(answer->status, answer->body, what,
                                         docker::detail::requestName(endpoint, "POST", path));
    return true;
}

Result<RegistryAuthLookup> findRegistryAuth(const QString& image,
                                            const QProcessEnvironment& environment)
{
    RegistryAuthLookup lookup;
    lookup.host = registry::registryHostOf(image);
    const Result<registry::FoundCredentials> found =
        registry::registryCredentials(lookup.host, environment);
    if (!found)
        return Error{
            QStringLiteral("the credentials for %1: %2").arg(lookup.host, found.error().message),
            found.error().where};
    lookup.source = found->source;
    lookup.note = found->note;
    if (found->credentials)
        lookup.auth = DockerRegistryAuth{found->credentials->username, found->credentials->password,
                                         registry::credentialServer(lookup.host)};
    return lookup;
}

} // namespace launchdeck
