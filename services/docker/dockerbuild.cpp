// Sending a build context to the daemon as a chunked tar body read straight from disk, and
// reading its answer as it comes, on libcurl's multi interface so a cancel wakes it at once.
#include "docker/dockerbuild.h"

#include "docker/dockerbuildcontext.h"
#include "docker/dockerjsonlines.h"
#include "docker/dockertransport.h"
#include "docker/tarstream.h"
#include "http/curlsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QUrl>

#include <curl/curl.h>

namespace launchdeck {

Q_LOGGING_CATEGORY(lcDockerBuild, "launchdeck.docker.build", QtInfoMsg)

QStringList DockerBuildOutput::takeLines(const QString& text)
{
    m_partial += text;
    QStringList lines;
    qsizetype start = 0;
    for (qsizetype newline = m_partial.indexOf(u'\n'); newline >= 0;
         newline = m_partial.indexOf(u'\n', start)) {
        QString line = m_partial.mid(start, newline - start);
        if (line.endsWith(u'\r'))
            line.chop(1);
        lines.append(line);
        start = newline + 1;
    }
    m_partial.remove(0, start);
    for (const QString& line : std::as_const(lines)) {
        static const QRegularExpression built(QStringLiteral("^Successfully built ([0-9a-f]+)$"));
        const QRegularExpressionMatch match = built.match(line);
        if (match.hasMatch())
            m_builtId = match.captured(1);
    }
    return lines;
}

QStringList DockerBuildOutput::feed(const QByteArray& jsonLine)
{
    const QJsonDocument document = QJsonDocument::fromJson(jsonLine);
    if (!document.isObject()) {
        // Not JSON: an older daemon or a proxy in between; show it rather than lose it.
        return takeLines(QString::fromUtf8(jsonLine) + u'\n');
    }
    const QJsonObject message = document.object();
    if (message.contains(QLatin1String("error")) ||
        message.contains(QLatin1String("errorDetail"))) {
        QString error = message.value(QLatin1String("errorDetail"))
                            .toObject()
                            .value(QLatin1String("message"))
                            .toString();
        if (error.isEmpty())
            error = message.value(QLatin1String("error")).toString();
        m_error = error.trimmed().isEmpty() ? QStringLiteral("the daemon reported an unnamed error")
                                            : error.trimmed();
        return {};
    }
    const QString id =
        message.value(QLatin1String("aux")).toObject().value(QLatin1String("ID")).toString();
    if (!id.isEmpty())
        m_imageId = id;
    QStringList lines;
    const QString stream = message.value(QLatin1String("stream")).toString();
    if (!stream.isEmpty())
        lines += takeLines(stream);
    const QString status = message.value(QLatin1String("status")).toString();
    if (!status.isEmpty()) {
        const QString subject = message.value(QLatin1String("id")).toString();
        const QString progress = message.value(QLatin1String("progress")).toString();
        QString line = subject.isEmpty() ? status : subject + QStringLiteral(": ") + status;
        if (!progress.isEmpty())
            line += u' ' + progress;
        lines.append(line);
    }
    return lines;
}

QStringList DockerBuildOutput::flush()
{
    if (m_partial.isEmpty())
        return {};
    return takeLines(QStringLiteral("\n"));
}

struct DockerImageBuilder::Transfer
{
    CURL* easy = nullptr;
    TarStream* tar = nullptr;
    long status = 0;
    QByteArray errorBody; // the body of a failed answer, for its message
    DockerJsonLineSplitter lines;
    DockerBuildOutput output;
};

DockerImageBuilder::DockerImageBuilder(DockerEndpoint endpoint, QString apiVersion, QObject* parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_apiVersion(std::move(apiVersion))
{}

DockerImageBuilder::~DockerImageBuilder()
{
    cancel();
}

QString DockerImageBuilder::pathAndQuery(const DockerBuildRequest& request,
                                         const QString& dockerfile)
{
    const auto encoded = [](const QString& value) {
        return QString::fromLatin1(QUrl::toPercentEncoding(value));
    };
    QString path = QStringLiteral("/build?dockerfile=") + encoded(dockerfile);
    for (const QString& tag : request.tags) {
        if (!tag.trimmed().isEmpty())
            path += QStringLiteral("&t=") + encoded(tag.trimmed());
    }
    if (!request.buildArgs.isEmpty()) {
        QJsonObject args;
        for (const auto& [key, value] : request.buildArgs)
            args.insert(key, value);
        path += QStringLiteral("&buildargs=") +
                encoded(QString::fromUtf8(QJsonDocument(args).toJson(QJsonDocument::Compact)));
    }
    if (request.noCache)
        path += QStringLiteral("&nocache=1");
    if (!request.networkMode.isEmpty())
        path += QStringLiteral("&networkmode=") + encoded(request.networkMode);
    return path + QStringLiteral("&rm=1");
}

bool DockerImageBuilder::start(const DockerBuildRequest& request)
{
    if (m_running.load())
        return false;
    if (m_thread.joinable())
        m_thread.join(); // the previous build, already over
    m_cancelled = false;
    m_running = true;
    m_thread = std::thread([this, request] { run(request); });
    return true;
}

void DockerImageBuilder::cancel()
{
    m_cancelled = true;
    m_wakeable.wake();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
    m_running = false;
}

size_t DockerImageBuilder::readCallback(char* data, size_t size, size_t count, void* self)
{
    auto* builder = static_cast<DockerImageBuilder*>(self);
    if (builder->m_cancelled)
        return CURL_READFUNC_ABORT;
    const qint64 read = builder->m_transfer->tar->read(data, qint64(size * count));
    return read < 0 ? CURL_READFUNC_ABORT : size_t(read);
}

size_t DockerImageBuilder::writeCallback(char* data, size_t size, size_t count, void* self)
{
    auto* builder = static_cast<DockerImageBuilder*>(self);
    if (builder->m_cancelled)
        return 0; // makes libcurl abort the transfer
    builder->consume(data, size * count);
    return size * count;
}

void DockerImageBuilder::consume(const char* data, size_t size)
{
    Transfer& transfer = *m_transfer;
    if (transfer.status == 0)
        curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &transfer.status);
    if (transfer.status >= 400) {
        transfer.errorBody.append(data, qsizetype(size));
        return;
    }
    for (const QByteArray& line : transfer.lines.feed(QByteArrayView(data, qsizetype(size)))) {
        for (const QString& text : transfer.output.feed(line))
            Q_EMIT progress(text);
    }
}

void DockerImageBuilder::run(DockerBuildRequest request)
{
    QString imageId;
    QString error;
    Result<DockerBuildContext> context =
        listDockerBuildContext(request.contextDir, request.dockerfile, &m_cancelled);
    if (m_cancelled.load()) {
        m_running = false;
        return;
    }
    if (!context) {
        error = context.error().toString();
    } else {
        Q_EMIT progress(
            QStringLiteral("Sending the build context (%1 entries, %2 MB of files) to %3")
                .arg(context->entries.size())
                .arg(double(context->fileBytes) / (1024.0 * 1024.0), 0, 'f', 1)
                .arg(m_endpoint.toString()));
        TarStream tar(context->entries);
        error = transfer(request, context->dockerfile, tar, &imageId);
    }
    const bool cancelled = m_cancelled.load();
    m_running = false;
    if (cancelled)
        return;
    if (error.isEmpty())
        qCInfo(lcDockerBuild) << "built" << imageId << "from" << request.contextDir;
    else
        qCWarning(lcDockerBuild) << "build of" << request.contextDir << "failed:" << error;
    Q_EMIT finished(imageId, error);
}

QString DockerImageBuilder::transfer(const DockerBuildRequest& request, const QString& dockerfile,
                                     TarStream& tar, QString* imageId)
{
    http::detail::ensureCurlInitialised();
    http::detail::EasyHandle easy(curl_easy_init());
    const QString path = pathAndQuery(request, dockerfile);
    const QString where = docker::detail::requestName(m_endpoint, "POST", path);
    if (!easy)
        return Error{QStringLiteral("libcurl could not create a handle"), where}.toString();

    char errorBuffer[CURL_ERROR_SIZE] = {};
    const QByteArray url = m_endpoint.url(m_apiVersion, path);
    docker::detail::configureHandle(easy.get(), m_endpoint, url, errorBuffer);
    curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(easy.get(), CURLOPT_POST, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_READFUNCTION, &DockerImageBuilder::readCallback);
    curl_easy_setopt(easy.get(), CURLOPT_READDATA, this);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &DockerImageBuilder::writeCallback);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy.get(), CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024L);
    // The size is not known ahead (files may change while they are sent), hence chunks; and
    // no "Expect: 100-continue" round trip, which dockerd does not need.
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/x-tar");
    headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers);

    Transfer state;
    state.easy = easy.get();
    state.tar = &tar;
    m_transfer = &state;
    const CURLcode result = static_cast<CURLcode>(m_wakeable.perform(easy.get(), m_cancelled));
    curl_slist_free_all(headers);
    m_transfer = nullptr;
    if (m_cancelled)
        return {};

    if (state.status == 0)
        curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &state.status);
    const QString what = QStringLiteral("build the image");
    if (state.status >= 400)
        return docker::detail::httpError(state.status, state.errorBody, what, where).toString();
    if (!tar.errorString().isEmpty())
        return Error{QStringLiteral("cannot send the build context: ") + tar.errorString(), where}
            .toString();
    if (result != CURLE_OK)
        return docker::detail::transferError(result, errorBuffer, what, where).toString();

    const QByteArray rest = state.lines.takeRest();
    if (!rest.isEmpty()) {
        for (const QString& text : state.output.feed(rest))
            Q_EMIT progress(text);
    }
    for (const QString& text : state.output.flush())
        Q_EMIT progress(text);
    if (!state.output.error().isEmpty())
        return state.output.error();
    if (state.output.imageId().isEmpty())
        return Error{QStringLiteral("the daemon ended the build without naming an image"), where}
            .toString();
    *imageId = state.output.imageId();
    return {};
}

} // namespace launchdeck
