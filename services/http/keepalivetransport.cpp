// Connections, requests and answers of the built-in HTTP/1.1 engine. Each socket is in the epoll
// set for reading from its first connect to its close (level-triggered); writes go straight to
// the socket, and only a write that would block asks epoll for room. Failures are given
// libcurl's codes so both engines word them alike.
#include "http/keepalivetransport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace launchdeck::http::detail {

namespace {

constexpr std::size_t kReadBufferBytes = 64 * 1024;
constexpr int kMaxEvents = 256;

} // namespace

struct KeepAliveTransport::Connection
{
    enum class Phase { Idle, Connecting, Sending, Receiving };

    int user = 0;
    int fd = -1;
    std::uint32_t generation = 0; // of the socket: events of a closed one are told apart
    Phase phase = Phase::Idle;
    bool watchingWrites = false;
    std::size_t sent = 0;
    std::size_t address = 0; // the one being connected to
    std::size_t addressesTried = 0;
    int answeredOnSocket = 0;
    bool retried = false;
    qint64 received = 0; // bytes of the current answer
    Clock::time_point started;
    HttpResponseReader reader;
    char detail[CURL_ERROR_SIZE] = {};
};

KeepAliveTransport::KeepAliveTransport(HttpTarget target, const QByteArray& method,
                                       const QByteArray& body, std::chrono::milliseconds timeout)
    : m_target(std::move(target))
    , m_request(requestBytes(m_target, method, body))
    , m_headRequest(method.toUpper() == "HEAD")
    , m_timeout(timeout)
    , m_epoll(epoll_create1(EPOLL_CLOEXEC))
    , m_buffer(kReadBufferBytes)
{}

KeepAliveTransport::~KeepAliveTransport()
{
    for (const auto& connection : m_connections)
        closeSocket(*connection);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool KeepAliveTransport::start(int user)
{
    if (std::size_t(user) >= m_connections.size()) {
        m_connections.push_back(std::make_unique<Connection>());
        m_connections.back()->user = user;
    }
    Connection& connection = *m_connections[std::size_t(user)];
    connection.started = Clock::now();
    connection.retried = false;
    connection.received = 0;
    connection.detail[0] = '\0';
    connection.reader.reset(m_headRequest);
    m_nextExpiry = std::min(m_nextExpiry, connection.started + m_timeout);
    if (connection.fd < 0) {
        connection.address = m_preferredAddress;
        connection.addressesTried = 0;
        open(connection);
    } else {
        connection.phase = Connection::Phase::Sending;
        connection.sent = 0;
        send(connection);
    }
    return true;
}

void KeepAliveTransport::open(Connection& connection)
{
    const SocketAddress& address = m_target.addresses[connection.address];
    connection.fd =
        ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (connection.fd < 0) {
        std::snprintf(connection.detail, sizeof connection.detail, "cannot open a socket: %s",
                      std::strerror(errno));
        fail(connection, CURLE_COULDNT_CONNECT);
        return;
    }
    ++connection.generation;
    connection.answeredOnSocket = 0;
    // Requests are written whole; Nagle's algorithm would only hold back a partial one.
    const int on = 1;
    ::setsockopt(connection.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT;
    event.data.u64 = (std::uint64_t(connection.user) << 32) | connection.generation;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, connection.fd, &event);
    connection.watchingWrites = true;
    connection.phase = Connection::Phase::Connecting;
    if (::connect(connection.fd, reinterpret_cast<const sockaddr*>(&address.storage),
                  address.length) == 0)
        connected(connection, 0);
    else if (errno != EINPROGRESS)
        connected(connection, errno);
}

void KeepAliveTransport::connected(Connection& connection, int error)
{
    if (error == 0) {
        m_preferredAddress = connection.address;
        connection.phase = Connection::Phase::Sending;
        connection.sent = 0;
        send(connection);
        return;
    }
    closeSocket(connection);
    // As libcurl does, the next address of the name is tried before the request fails.
    if (++connection.addressesTried < m_target.addresses.size()) {
        connection.address = (connection.address + 1) % m_target.addresses.size();
        open(connection);
        return;
    }
    std::snprintf(connection.detail, sizeof connection.detail,
                  "Failed to connect to %s port %d: %s", m_target.host.constData(), m_target.port,
                  std::strerror(error));
    fail(connection, CURLE_COULDNT_CONNECT);
}

void KeepAliveTransport::send(Connection& connection)
{
    while (connection.sent < std::size_t(m_request.size())) {
        const ssize_t written =
            ::send(connection.fd, m_request.constData() + connection.sent,
                   std::size_t(m_request.size()) - connection.sent, MSG_NOSIGNAL);
        if (written > 0) {
            connection.sent += std::size_t(written);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            watchWrites(connection, true);
            return;
        } else if (errno != EINTR) {
            connectionLost(connection, CURLE_SEND_ERROR, errno);
            return;
        }
    }
    watchWrites(connection, false);
    connection.phase = Connection::Phase::Receiving;
}

void KeepAliveTransport::receive(Connection& connection)
{
    const ssize_t count = ::recv(connection.fd, m_buffer.data(), m_buffer.size(), 0);
    if (count < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            connectionLost(connection, CURLE_RECV_ERROR, errno);
        return;
    }
    if (connection.phase == Connection::Phase::Idle) {
        // The server closed a connection at rest, or sent what nobody asked for: either way
        // it carries no more requests.
        closeSocket(connection);
        return;
    }
    if (count == 0) {
        if (connection.reader.finishAtClose() == HttpResponseReader::State::Complete)
            complete(connection, false);
        else
            connectionLost(connection,
                           connection.received > 0 ? CURLE_PARTIAL_FILE : CURLE_GOT_NOTHING, 0);
        return;
    }
    connection.received += count;
    std::size_t consumed = 0;
    switch (connection.reader.feed(m_buffer.data(), std::size_t(count), &consumed)) {
    case HttpResponseReader::State::Incomplete:
        return;
    case HttpResponseReader::State::Complete:
        // Bytes beyond the answer were not asked for: the connection is out of step.
        complete(connection, consumed == std::size_t(count));
        return;
    case HttpResponseReader::State::Failed:
        if (connection.reader.sawStatusLine()) {
            std::snprintf(connection.detail, sizeof connection.detail, "invalid HTTP answer: %s",
                          connection.reader.errorDescription());
            fail(connection, CURLE_WEIRD_SERVER_REPLY);
        } else {
            // The wording libcurl's error kinds recognise for an answer without a status line.
            std::snprintf(connection.detail, sizeof connection.detail,
                          "no status line in the answer (HTTP/0.9 or not HTTP)");
            fail(connection, CURLE_UNSUPPORTED_PROTOCOL);
        }
        return;
    }
}

void KeepAliveTransport::connectionLost(Connection& connection, CURLcode code, int error)
{
    if (connection.phase == Connection::Phase::Idle) {
        closeSocket(connection);
        return;
    }
    // A server may close a kept-alive connection just as the next request goes out. Nothing of
    // the answer came, so the request is sent once more on a new connection, as libcurl does.
    if (connection.received == 0 && connection.answeredOnSocket > 0 && !connection.retried) {
        closeSocket(connection);
        connection.retried = true;
        connection.reader.reset(m_headRequest);
        connection.address = m_preferredAddress;
        connection.addressesTried = 0;
        open(connection);
        return;
    }
    if (code == CURLE_GOT_NOTHING)
        std::snprintf(connection.detail, sizeof connection.detail, "Empty reply from server");
    else if (code == CURLE_PARTIAL_FILE)
        std::snprintf(connection.detail, sizeof connection.detail,
                      "the connection closed after %lld bytes of the answer",
                      static_cast<long long>(connection.received));
    else
        std::snprintf(connection.detail, sizeof connection.detail, "%s", std::strerror(error));
    fail(connection, code);
}

void KeepAliveTransport::complete(Connection& connection, bool reusable)
{
    RequestOutcome outcome;
    outcome.user = connection.user;
    outcome.status = connection.reader.status();
    outcome.bodyBytes = connection.reader.bodyBytes();
    outcome.latency =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - connection.started);
    m_ended.push_back(outcome);
    // An answer before the whole request went out (a server refusing a body, say) leaves the
    // rest of the request on the wire: the connection cannot carry the next one.
    const bool sentWhole = connection.sent == std::size_t(m_request.size());
    connection.phase = Connection::Phase::Idle;
    ++connection.answeredOnSocket;
    if (!reusable || !sentWhole || !connection.reader.keepAlive())
        closeSocket(connection);
}

void KeepAliveTransport::fail(Connection& connection, CURLcode code)
{
    RequestOutcome outcome;
    outcome.user = connection.user;
    outcome.code = code;
    outcome.detail = connection.detail;
    outcome.latency =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - connection.started);
    m_ended.push_back(outcome);
    connection.phase = Connection::Phase::Idle;
    // Whatever the socket still holds belongs to the failed request.
    closeSocket(connection);
}

void KeepAliveTransport::closeSocket(Connection& connection)
{
    if (connection.fd < 0)
        return;
    // Removed while open: a copy of the socket in a forked child would keep it in the set.
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, connection.fd, nullptr);
    ::close(connection.fd);
    connection.fd = -1;
    connection.watchingWrites = false;
}

void KeepAliveTransport::watchWrites(Connection& connection, bool on)
{
    if (connection.watchingWrites == on)
        return;
    epoll_event event{};
    event.events = on ? EPOLLIN | EPOLLOUT : EPOLLIN;
    event.data.u64 = (std::uint64_t(connection.user) << 32) | connection.generation;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, connection.fd, &event);
    connection.watchingWrites = on;
}

void KeepAliveTransport::expireRequests(Clock::time_point now)
{
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    // Deadlines only grow with each new request, so the earliest is known until it passes and
    // the requests are looked over once per timeout period at most.
    Clock::time_point next = Clock::time_point::max();
    for (const auto& entry : m_connections) {
        Connection& connection = *entry;
        if (connection.phase == Connection::Phase::Idle)
            continue;
        const Clock::time_point deadline = connection.started + m_timeout;
        if (deadline > now) {
            next = std::min(next, deadline);
            continue;
        }
        std::snprintf(
            connection.detail, sizeof connection.detail,
            "Operation timed out after %lld milliseconds with %lld bytes received",
            static_cast<long long>(duration_cast<milliseconds>(now - connection.started).count()),
            static_cast<long long>(connection.received));
        fail(connection, CURLE_OPERATION_TIMEDOUT);
    }
    m_nextExpiry = next;
}

void KeepAliveTransport::poll(std::chrono::milliseconds maxWait,
                              std::vector<RequestOutcome>& finished)
{
    using std::chrono::milliseconds;
    milliseconds wait = std::max(milliseconds(0), maxWait);
    if (!m_ended.empty()) {
        wait = milliseconds(0);
    } else if (m_nextExpiry != Clock::time_point::max()) {
        const auto untilExpiry = std::chrono::ceil<milliseconds>(m_nextExpiry - Clock::now());
        wait = std::clamp(untilExpiry, milliseconds(0), wait);
    }
    std::array<epoll_event, kMaxEvents> events;
    const int ready = ::epoll_wait(m_epoll, events.data(), kMaxEvents, int(wait.count()));
    for (int i = 0; i < ready; ++i) {
        const std::uint64_t data = events[i].data.u64;
        const std::size_t user = std::size_t(data >> 32);
        const auto generation = std::uint32_t(data);
        Connection& connection = *m_connections[user];
        const auto current = [&] {
            return connection.fd >= 0 && connection.generation == generation;
        };
        if (!current())
            continue;
        const std::uint32_t flags = events[i].events;
        if (connection.phase == Connection::Phase::Connecting) {
            int error = 0;
            socklen_t length = sizeof error;
            if (::getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
                error = errno;
            connected(connection, error);
            continue;
        }
        if ((flags & EPOLLOUT) && connection.phase == Connection::Phase::Sending)
            send(connection);
        if ((flags & (EPOLLIN | EPOLLERR | EPOLLHUP)) && current())
            receive(connection);
    }
    if (Clock::now() >= m_nextExpiry)
        expireRequests(Clock::now());
    finished.insert(finished.end(), m_ended.begin(), m_ended.end());
    m_ended.clear();
}

} // namespace launchdeck::http::detail
