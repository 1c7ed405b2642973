// Where the load test's own HTTP/1.1 engine sends a URL's requests, and the bytes it sends:
// found once per test, for URLs that engine serves exactly as libcurl would.
#pragma once

#include <QByteArray>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <vector>

namespace launchdeck::http::detail {

struct SocketAddress
{
    sockaddr_storage storage{};
    socklen_t length = 0;
};

struct HttpTarget
{
    QByteArray host; // as the URL names it, for messages ("example.com", "[::1]")
    int port = 80;
    QByteArray hostHeader;                // "example.com:8080"; the port only when it is not 80
    QByteArray requestTarget;             // "/path?query"
    std::vector<SocketAddress> addresses; // in the resolver's order, tried in turn
};

// The target of a plain-HTTP URL, parsed the way libcurl parses it, with its name resolved.
// None when only libcurl serves the URL: another scheme, credentials in it, a proxy set for
// HTTP in the environment; or when the name does not resolve within `timeout` or `cancel` is set
// meanwhile (libcurl then tells why in its own words).
std::optional<HttpTarget> plainHttpTarget(const QByteArray& url, std::chrono::milliseconds timeout,
                                          const std::atomic_bool* cancel);

// The request libcurl would send for `method` and `body` (its headers, in its order), ready to
// be written again and again on a keep-alive connection.
QByteArray requestBytes(const HttpTarget& target, const QByteArray& method, const QByteArray& body);

} // namespace launchdeck::http::detail
