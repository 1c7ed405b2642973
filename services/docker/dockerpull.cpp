// POST /images/create on libcurl, its answer read line by line as it arrives.
#include "docker/dockerpull.h"

#include "docker/dockertransport.h"

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
        if (progress.status == u"Pull complete" || progress.status == u"Already exists")
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

Result<PulledImage> pullImage(const DockerEndpoint& endpoint, const QString& apiVersion,
                              const QString& image, const std::optional<DockerRegistryAuth>& auth,
                              const std::function<void(const PullProgress&)>& progress,
                              const std::atomic_bool* cancel)
{
    // "registry:5000/shop/web:1.0" -> fromImage "registry:5000/shop/web", tag "1.0"; a digest
    // goes whole as fromImage.
    QString from = image;
    QString tag;
    if (!image.contains(u'@')) {
        const qsizetype colon = image.lastIndexOf(u':');
        if (colon > image.lastIndexOf(u'/')) {
            from = image.left(colon);
            tag = image.mid(colon + 1);
        } else {
            tag = QStringLiteral("latest");
        }
    }
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("fromImage"), from);
    if (!tag.isEmpty())
        query.addQueryItem(QStringLiteral("tag"), tag);
    const QString pathAndQuery = u"/images/create?" + query.toString(QUrl::FullyEncoded);
    const QByteArray url = endpoint.url(apiVersion, pathAndQuery);
    const QString what = QStringLiteral("pull %1").arg(image);
    const QString where = docker::detail::requestName(endpoint, "POST", pathAndQuery);

    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
    if (!easy)
        return Error{QStringLiteral("cannot %1: libcurl could not start").arg(what), where};
    char errorBuffer[CURL_ERROR_SIZE] = {};
    docker::detail::configureHandle(easy.get(), endpoint, url, errorBuffer);
    curl_easy_setopt(easy.get(), CURLOPT_POST, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE, 0L);
    // A pull has no overall limit; a daemon that says nothing for two minutes has stalled.
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 0L);
    curl_easy_setopt(easy.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_LOW_SPEED_TIME, 120L);
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    if (auth)
        headers.reset(curl_slist_append(
            nullptr, QByteArray("X-Registry-Auth: " + registryAuthHeader(*auth)).constData()));
    if (headers)
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
    if (!reading.pending.isEmpty()) {
        if (const auto seen = reading.output.feed(reading.pending); seen && progress)
            progress(*seen);
    }
    if (status != 200)
        return docker::detail::httpError(status, reading.head, what, where);
    if (!reading.output.error().isEmpty())
        return Error{QStringLiteral("cannot %1: %2").arg(what, reading.output.error()), where};
    return PulledImage{image, reading.output.digest(), int(reading.output.layers().size())};
}

} // namespace launchdeck
