// URL parsing (libcurl's CURLU, so both engines agree on a URL), name resolution off the
// calling thread so a cancel is noticed, and the request's bytes.
#include "http/httptarget.h"

#include "http/curlsupport.h"

#include <netdb.h>

#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

namespace launchdeck::http::detail {

namespace {

using Clock = std::chrono::steady_clock;

// One part of a parsed URL; empty when it is missing.
QByteArray urlPart(CURLU* url, CURLUPart part, unsigned int flags = 0)
{
    char* value = nullptr;
    if (curl_url_get(url, part, &value, flags) != CURLUE_OK)
        return {};
    QByteArray result(value);
    curl_free(value);
    return result;
}

// getaddrinfo may wait on a name server for seconds; it runs on a thread of its own, which the
// caller leaves behind when it gives up (the thread then frees what it finds).
struct Lookup
{
    std::mutex mutex;
    std::condition_variable done;
    bool finished = false;
    addrinfo* result = nullptr;
    ~Lookup()
    {
        if (result)
            freeaddrinfo(result);
    }
};

std::vector<SocketAddress> resolve(const QByteArray& host, int port,
                                   std::chrono::milliseconds timeout,
                                   const std::atomic_bool* cancel)
{
    auto lookup = std::make_shared<Lookup>();
    std::thread([lookup, host, port] {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICSERV;
        addrinfo* found = nullptr;
        if (getaddrinfo(host.constData(), QByteArray::number(port).constData(), &hints, &found) !=
            0)
            found = nullptr;
        const std::lock_guard lock(lookup->mutex);
        lookup->result = found;
        lookup->finished = true;
        lookup->done.notify_all();
    }).detach();

    std::vector<SocketAddress> addresses;
    const auto deadline = Clock::now() + timeout;
    std::unique_lock lock(lookup->mutex);
    while (!lookup->finished) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return addresses;
        if (Clock::now() >= deadline)
            return addresses;
        lookup->done.wait_for(lock, std::chrono::milliseconds(20));
    }
    for (const addrinfo* entry = lookup->result; entry; entry = entry->ai_next) {
        if (entry->ai_addrlen > sizeof(sockaddr_storage))
            continue;
        SocketAddress address;
        std::memcpy(&address.storage, entry->ai_addr, entry->ai_addrlen);
        address.length = entry->ai_addrlen;
        addresses.push_back(address);
    }
    return addresses;
}

} // namespace

std::optional<HttpTarget> plainHttpTarget(const QByteArray& url, std::chrono::milliseconds timeout,
                                          const std::atomic_bool* cancel)
{
    const UrlHandle parsed(curl_url());
    if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.constData(),
                                CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
        return std::nullopt;
    if (urlPart(parsed.get(), CURLUPART_SCHEME).toLower() != "http" ||
        !urlPart(parsed.get(), CURLUPART_USER).isEmpty() ||
        !proxyFromEnvironment(QByteArrayLiteral("http")).proxy.isEmpty())
        return std::nullopt;

    HttpTarget target;
    target.host = urlPart(parsed.get(), CURLUPART_HOST);
    bool portOk = false;
    target.port = urlPart(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT).toInt(&portOk);
    if (target.host.isEmpty() || !portOk)
        return std::nullopt;
    target.hostHeader =
        target.port == 80 ? target.host : target.host + ':' + QByteArray::number(target.port);
    target.requestTarget = urlPart(parsed.get(), CURLUPART_PATH);
    if (target.requestTarget.isEmpty())
        target.requestTarget = "/";
    const QByteArray query = urlPart(parsed.get(), CURLUPART_QUERY);
    if (!query.isEmpty())
        target.requestTarget += '?' + query;

    QByteArray name = target.host;
    if (name.startsWith('[') && name.endsWith(']'))
        name = name.mid(1, name.size() - 2);
    target.addresses = resolve(name, target.port, timeout, cancel);
    if (target.addresses.empty())
        return std::nullopt;
    return target;
}

QByteArray requestBytes(const HttpTarget& target, const QByteArray& method, const QByteArray& body)
{
    const QByteArray verb = method.toUpper();
    QByteArray request = verb + ' ' + target.requestTarget +
                         " HTTP/1.1\r\nHost: " + target.hostHeader +
                         "\r\nUser-Agent: launchdeck/" LAUNCHDECK_VERSION "\r\nAccept: */*\r\n";
    // libcurl sends a body with its length and the form type; a method that carries a body
    // announces an empty one too, so the server does not wait for one.
    if (!body.isEmpty()) {
        request += "Content-Length: " + QByteArray::number(body.size()) +
                   "\r\nContent-Type: application/x-www-form-urlencoded\r\n";
    } else if (verb == "POST" || verb == "PUT" || verb == "PATCH") {
        request += "Content-Length: 0\r\n";
    }
    return request + "\r\n" + body;
}

} // namespace launchdeck::http::detail
