// Drives a libcurl multi handle with epoll and curl_multi_socket_action, for many transfers.
#pragma once

#include "http/curlsupport.h"

#include <chrono>
#include <optional>

namespace launchdeck::http::detail {

// curl_multi_perform visits every transfer on each call; with tens of keep-alive users that walk
// dominates a fast server's round trip. Here libcurl tells which sockets to watch and when its
// timers are due, and only the sockets with something to do are handed back to it.
class MultiSocketDriver final
{
public:
    MultiSocketDriver();
    ~MultiSocketDriver();
    MultiSocketDriver(const MultiSocketDriver&) = delete;
    MultiSocketDriver& operator=(const MultiSocketDriver&) = delete;

    bool isValid() const { return m_multi && m_epoll >= 0; }
    CURLM* multi() const { return m_multi.get(); }

    // Waits at most `maxWait` for socket activity or a libcurl timer, then lets libcurl act on
    // what happened. Finished transfers are then read with curl_multi_info_read.
    void runOnce(std::chrono::milliseconds maxWait);

private:
    using Clock = std::chrono::steady_clock;

    static int onSocket(CURL* easy, curl_socket_t socket, int what, void* self, void* socketData);
    static int onTimer(CURLM* multi, long timeoutMs, void* self);

    MultiHandle m_multi;
    int m_epoll = -1;
    std::optional<Clock::time_point> m_timerDue;
};

} // namespace launchdeck::http::detail
