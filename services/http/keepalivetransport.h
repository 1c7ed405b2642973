// The load test's own HTTP/1.1 engine for plain-HTTP targets: non-blocking sockets under epoll,
// one keep-alive connection per user, answers read by libhttp-parser. Per request it makes a
// write, a read and a share of one epoll_wait, as dedicated load generators do, where libcurl
// spends ten times the instructions on generality a load test does not use.
#pragma once

#include "http/httpresponsereader.h"
#include "http/httptarget.h"
#include "http/loadtransport.h"

#include <memory>
#include <vector>

namespace launchdeck::http::detail {

class KeepAliveTransport final : public LoadTransport
{
public:
    KeepAliveTransport(HttpTarget target, const QByteArray& method, const QByteArray& body,
                       std::chrono::milliseconds timeout);
    ~KeepAliveTransport() override;
    KeepAliveTransport(const KeepAliveTransport&) = delete;
    KeepAliveTransport& operator=(const KeepAliveTransport&) = delete;

    bool isValid() const override { return m_epoll >= 0; }
    bool start(int user) override;
    void poll(std::chrono::milliseconds maxWait, std::vector<RequestOutcome>& finished) override;

private:
    using Clock = std::chrono::steady_clock;
    struct Connection;

    void open(Connection& connection);
    void connected(Connection& connection, int error);
    void send(Connection& connection);
    void receive(Connection& connection);
    void connectionLost(Connection& connection, CURLcode code, int error);
    void complete(Connection& connection, bool reusable);
    void fail(Connection& connection, CURLcode code);
    void closeSocket(Connection& connection);
    void watchWrites(Connection& connection, bool on);
    void expireRequests(Clock::time_point now);

    HttpTarget m_target;
    QByteArray m_request;
    bool m_headRequest = false;
    std::chrono::milliseconds m_timeout;
    int m_epoll = -1;
    std::size_t m_preferredAddress = 0; // the address that last accepted a connection
    std::vector<std::unique_ptr<Connection>> m_connections; // indexed by user
    std::vector<RequestOutcome> m_ended;                    // since the last poll
    Clock::time_point m_nextExpiry = Clock::time_point::max();
    std::vector<char> m_buffer;
};

} // namespace launchdeck::http::detail
