// libcurl plumbing shared by the HTTP check and the load test.
#include "http/curlsupport.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace launchdeck::http::detail {

namespace {

// Bodies are only counted, never kept: a check or a load test judges status and timing.
size_t discardBody(char*, size_t size, size_t count, void*)
{
    return size * count;
}

} // namespace

void ensureCurlInitialised()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void configureRequest(CURL* handle, const RequestOptions& options, char* errorBuffer)
{
    errorBuffer[0] = '\0';
    curl_easy_setopt(handle, CURLOPT_URL, options.url.constData());
    // Signals would be delivered to whichever thread runs the request, and timeouts do not need
    // them with the threaded resolver.
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, options.followRedirects ? 1L : 0L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &discardBody);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "launchdeck/" LAUNCHDECK_VERSION);

    const QByteArray method = options.method.toUpper();
    if (method == "HEAD") {
        curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (method != "GET") {
        curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.constData());
    }
    if (options.body && !options.body->isEmpty()) {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, options.body->constData());
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(options.body->size()));
        if (method == "GET")
            curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, "GET");
    }
}

ProxyChoice proxyFromEnvironment(const QByteArray& scheme)
{
    // As in libcurl, an empty variable counts as unset.
    const auto lookUp = [](const QByteArray& name, QByteArray* value) {
        const char* found = std::getenv(name.constData());
        if (!found || found[0] == '\0')
            return false;
        *value = QByteArray(found);
        return true;
    };
    ProxyChoice choice;
    if (!lookUp(QByteArrayLiteral("no_proxy"), &choice.noProxy))
        lookUp(QByteArrayLiteral("NO_PROXY"), &choice.noProxy);
    const QByteArray own = scheme.toLower() + "_proxy";
    if (lookUp(own, &choice.proxy))
        return choice;
    if (own != "http_proxy" && lookUp(own.toUpper(), &choice.proxy))
        return choice;
    if (!lookUp(QByteArrayLiteral("all_proxy"), &choice.proxy))
        lookUp(QByteArrayLiteral("ALL_PROXY"), &choice.proxy);
    return choice;
}

void pinProxy(CURL* handle, const ProxyChoice& choice)
{
    // libcurl copies both strings.
    curl_easy_setopt(handle, CURLOPT_PROXY, choice.proxy.constData());
    curl_easy_setopt(handle, CURLOPT_NOPROXY, choice.noProxy.constData());
}

QString curlErrorKind(CURLcode code, const char* errorBuffer, std::chrono::milliseconds timeout)
{
    switch (code) {
    case CURLE_COULDNT_CONNECT:
        return QStringLiteral("connection refused");
    case CURLE_COULDNT_RESOLVE_HOST:
        return QStringLiteral("host not found");
    case CURLE_OPERATION_TIMEDOUT:
        return u"timed out after " + QString::number(timeout.count()) + u" ms";
    case CURLE_UNSUPPORTED_PROTOCOL:
        // libcurl reports a reply without a status line as HTTP/0.9, which it refuses.
        if (errorBuffer && std::strstr(errorBuffer, "HTTP/0.9"))
            return QStringLiteral("the answer is not HTTP");
        return QStringLiteral("unsupported URL scheme");
    case CURLE_WEIRD_SERVER_REPLY:
        return QStringLiteral("the answer is not valid HTTP");
    case CURLE_GOT_NOTHING:
        return QStringLiteral("the server closed the connection without answering");
    case CURLE_PARTIAL_FILE:
        return QStringLiteral("the server closed the connection mid-answer");
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        return QStringLiteral("connection broken");
    case CURLE_URL_MALFORMAT:
        return QStringLiteral("malformed URL");
    default:
        return QString::fromUtf8(curl_easy_strerror(code));
    }
}

QString describeCurlError(CURLcode code, const char* errorBuffer, std::chrono::milliseconds timeout)
{
    const QString kind = curlErrorKind(code, errorBuffer, timeout);
    if (!errorBuffer || errorBuffer[0] == '\0')
        return kind;
    return kind + u" (" + QString::fromUtf8(errorBuffer) + u')';
}

std::optional<CURLcode> performCancellable(CURLM* multi, CURL* easy, const std::atomic_bool* cancel)
{
    constexpr int kPollMs = 50;
    curl_multi_add_handle(multi, easy);
    std::optional<CURLcode> result;
    for (;;) {
        int running = 0;
        curl_multi_perform(multi, &running);
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
            if (message->msg == CURLMSG_DONE)
                result = message->data.result;
        }
        if (result || (cancel && cancel->load(std::memory_order_relaxed)))
            break;
        curl_multi_poll(multi, nullptr, 0, kPollMs, nullptr);
    }
    curl_multi_remove_handle(multi, easy);
    return result;
}

} // namespace launchdeck::http::detail
