// Drives a libcurl multi handle with epoll and curl_multi_socket_action, for many transfers.
#pragma once

#include "http/curlsupport.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace launchdeck::http::detail {

// curl_multi_perform visits every transfer on each call; with tens of keep-alive users that walk
// dominates a fast server's round trip. Here libcurl tells which sockets to watch and when its
// timers are due, and only the sockets with something to do are handed back to it.
//
// A keep-alive connection is handed back to the cache after every request and taken out again
// for the next one, and libcurl says "remove" and "watch" each time. Those two epoll_ctl calls
// took about a tenth of a load test's CPU time, so a socket stays in the epoll set while libcurl
// does not want it ("parked"); it leaves the set only if it wakes the loop while parked, or when
// libcurl closes it. For that the driver must see every socket opened and closed: easy handles
// run here go through attach() first.
class MultiSocketDriver final
{
public:
    MultiSocketDriver();
    ~MultiSocketDriver();
    MultiSocketDriver(const MultiSocketDriver&) = delete;
    MultiSocketDriver& operator=(const MultiSocketDriver&) = delete;

    bool isValid() const { return m_multi && m_epoll >= 0; }
    CURLM* multi() const { return m_multi.get(); }

    // Routes the handle's socket creation and closing through the driver; once, before the
    // handle is first added to multi().
    void attach(CURL* easy);

    // Waits at most `maxWait` for socket activity or a libcurl timer, then lets libcurl act on
    // what happened. Finished transfers are then read with curl_multi_info_read.
    void runOnce(std::chrono::milliseconds maxWait);

private:
    using Clock = std::chrono::steady_clock;

    // What epoll watches for a socket, and what libcurl wants from it (0: parked).
    struct Watch
    {
        std::uint32_t registered = 0;
        std::uint32_t wanted = 0;
    };

    static int onSocket(CURL* easy, curl_socket_t socket, int what, void* self, void* socketData);
    static int onTimer(CURLM* multi, long timeoutMs, void* self);
    static int onSocketOpened(void* self, curl_socket_t socket, curlsocktype purpose);
    static int onSocketClosing(void* self, curl_socket_t socket);

    Watch& watch(curl_socket_t socket);
    void unregister(curl_socket_t socket);
    void runTimers();

    MultiHandle m_multi;
    int m_epoll = -1;
    std::optional<Clock::time_point> m_timerDue;
    std::vector<Watch> m_watches; // indexed by socket
};

} // namespace launchdeck::http::detail
