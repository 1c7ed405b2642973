// Reading Docker streams on a thread of their own with libcurl's multi interface, which lets
// cancel() wake the wait at once instead of waiting for the next byte.
#include "docker/dockerstream.h"

#include "docker/dockerjsonlines.h"
#include "docker/dockerlogdemuxer.h"
#include "docker/dockerstatsmath.h"
#include "docker/dockertransport.h"
#include "http/curlsupport.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrl>

#include <curl/curl.h>

namespace launchdeck {

Q_LOGGING_CATEGORY(lcDockerStream, "launchdeck.docker.stream", QtInfoMsg)

struct DockerStream::Decoder
{
    CURL* easy = nullptr;
    long status = 0;
    QByteArray errorBody; // the body of a failed answer, for its message
    DockerJsonLineSplitter lines;
    DockerLogDemuxer logs;
    DockerStatsSample previous;
};

DockerStream::DockerStream(Kind kind, DockerEndpoint endpoint, QString apiVersion,
                           QString pathAndQuery, QString subject)
    : m_kind(kind)
    , m_endpoint(std::move(endpoint))
    , m_apiVersion(std::move(apiVersion))
    , m_pathAndQuery(std::move(pathAndQuery))
    , m_subject(std::move(subject))
    , m_where(docker::detail::requestName(m_endpoint, "GET", m_pathAndQuery))
    , m_decoder(std::make_unique<Decoder>())
{}

std::unique_ptr<DockerStream> DockerStream::events(const DockerEndpoint& endpoint,
                                                   const QString& apiVersion,
                                                   const QJsonObject& filters)
{
    QString path = QStringLiteral("/events");
    if (!filters.isEmpty()) {
        path += QStringLiteral("?filters=") +
                QString::fromLatin1(QUrl::toPercentEncoding(
                    QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact))));
    }
    return std::unique_ptr<DockerStream>(
        new DockerStream(Kind::Events, endpoint, apiVersion, path, {}));
}

std::unique_ptr<DockerStream> DockerStream::stats(const DockerEndpoint& endpoint,
                                                  const QString& apiVersion,
                                                  const QString& containerId)
{
    const QString path = QStringLiteral("/containers/") +
                         QString::fromLatin1(QUrl::toPercentEncoding(containerId)) +
                         QStringLiteral("/stats?stream=true");
    return std::unique_ptr<DockerStream>(
        new DockerStream(Kind::Stats, endpoint, apiVersion, path, containerId));
}

std::unique_ptr<DockerStream> DockerStream::logs(const DockerEndpoint& endpoint,
                                                 const QString& apiVersion,
                                                 const QString& containerId,
                                                 const DockerLogOptions& options)
{
    const auto flag = [](bool on) {
        return on ? QStringLiteral("1") : QStringLiteral("0");
    };
    const QString path =
        QStringLiteral("/containers/") + QString::fromLatin1(QUrl::toPercentEncoding(containerId)) +
        QStringLiteral("/logs?follow=") + flag(options.follow) + QStringLiteral("&stdout=") +
        flag(options.stdoutLines) + QStringLiteral("&stderr=") + flag(options.stderrLines) +
        QStringLiteral("&timestamps=") + flag(options.timestamps) + QStringLiteral("&tail=") +
        (options.tail < 0 ? QStringLiteral("all") : QString::number(options.tail));
    auto stream = std::unique_ptr<DockerStream>(
        new DockerStream(Kind::Logs, endpoint, apiVersion, path, containerId));
    stream->m_logOptions = options;
    stream->m_decoder->logs = DockerLogDemuxer(!options.tty, options.timestamps);
    return stream;
}

DockerStream::~DockerStream()
{
    cancel();
}

void DockerStream::start()
{
    if (m_thread.joinable())
        return;
    m_cancelled = false;
    m_running = true;
    m_thread = std::thread([this] { run(); });
}

void DockerStream::cancel()
{
    m_cancelled = true;
    m_transfer.wake();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
}

size_t DockerStream::writeCallback(char* data, size_t size, size_t count, void* self)
{
    auto* stream = static_cast<DockerStream*>(self);
    if (stream->m_cancelled)
        return 0; // makes libcurl abort the transfer
    stream->consume(data, size * count);
    return size * count;
}

void DockerStream::consume(const char* data, size_t size)
{
    Decoder& decoder = *m_decoder;
    if (decoder.status == 0)
        curl_easy_getinfo(decoder.easy, CURLINFO_RESPONSE_CODE, &decoder.status);
    const QByteArrayView bytes(data, qsizetype(size));
    if (decoder.status >= 400) {
        decoder.errorBody.append(bytes.data(), bytes.size());
        return;
    }
    switch (m_kind) {
    case Kind::Events: {
        QList<DockerEvent> events;
        for (const QByteArray& line : decoder.lines.feed(bytes)) {
            Result<DockerEvent> event = parseDockerEvent(line);
            if (event)
                events.append(std::move(event).value());
            else
                qCWarning(lcDockerStream) << event.error().toString();
        }
        if (!events.isEmpty())
            Q_EMIT eventsReceived(events);
        break;
    }
    case Kind::Stats:
        for (const QByteArray& line : decoder.lines.feed(bytes)) {
            const QJsonDocument document = QJsonDocument::fromJson(line);
            if (!document.isObject())
                continue;
            DockerStatsSample sample = docker::statsSampleFromJson(document.object(), m_subject);
            docker::applyRates(decoder.previous, sample);
            decoder.previous = sample;
            Q_EMIT statsSampled(sample);
        }
        break;
    case Kind::Logs: {
        const QList<DockerLogLine> lines = decoder.logs.feed(bytes);
        if (!lines.isEmpty())
            Q_EMIT logLinesReceived(lines);
        break;
    }
    }
}

void DockerStream::run()
{
    http::detail::ensureCurlInitialised();
    http::detail::EasyHandle easy(curl_easy_init());
    char errorBuffer[CURL_ERROR_SIZE] = {};
    const QByteArray url = m_endpoint.url(m_apiVersion, m_pathAndQuery);
    docker::detail::configureHandle(easy.get(), m_endpoint, url, errorBuffer);
    curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &DockerStream::writeCallback);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, this);
    m_decoder->easy = easy.get();
    const CURLcode result = static_cast<CURLcode>(m_transfer.perform(easy.get(), m_cancelled));

    const bool cancelled = m_cancelled.load();
    QString error;
    if (!cancelled) {
        if (m_decoder->status == 0)
            curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &m_decoder->status);
        const QString what = QStringLiteral("read the Docker stream");
        if (m_decoder->status >= 400) {
            error =
                docker::detail::httpError(m_decoder->status, m_decoder->errorBody, what, m_where)
                    .toString();
        } else if (result != CURLE_OK) {
            error = docker::detail::transferError(result, errorBuffer, what, m_where).toString();
        } else if (m_kind == Kind::Logs) {
            const QList<DockerLogLine> rest = m_decoder->logs.flush();
            if (!rest.isEmpty())
                Q_EMIT logLinesReceived(rest);
        }
    }
    m_decoder->easy = nullptr;
    m_running = false;
    if (!cancelled)
        Q_EMIT finished(error);
}

} // namespace launchdeck
