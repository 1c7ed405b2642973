// epoll under libcurl's socket interface.
#include "http/multisocketdriver.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>

namespace launchdeck::http::detail {

namespace {

// A non-null marker for curl_multi_assign: the socket is already in the epoll set.
char registeredMarker;

} // namespace

MultiSocketDriver::MultiSocketDriver()
    : m_multi(curl_multi_init())
    , m_epoll(epoll_create1(EPOLL_CLOEXEC))
{
    if (!m_multi)
        return;
    curl_multi_setopt(m_multi.get(), CURLMOPT_SOCKETFUNCTION, &MultiSocketDriver::onSocket);
    curl_multi_setopt(m_multi.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi.get(), CURLMOPT_TIMERFUNCTION, &MultiSocketDriver::onTimer);
    curl_multi_setopt(m_multi.get(), CURLMOPT_TIMERDATA, this);
}

MultiSocketDriver::~MultiSocketDriver()
{
    // Cleaning up the multi handle closes cached connections through onSocket: epoll must live.
    m_multi.reset();
    if (m_epoll >= 0)
        ::close(m_epoll);
}

int MultiSocketDriver::onSocket(CURL*, curl_socket_t socket, int what, void* self, void* socketData)
{
    auto* driver = static_cast<MultiSocketDriver*>(self);
    if (what == CURL_POLL_REMOVE) {
        // The socket may already be closed, which drops it from the set by itself.
        epoll_ctl(driver->m_epoll, EPOLL_CTL_DEL, socket, nullptr);
        return 0;
    }
    epoll_event event{};
    event.data.fd = socket;
    event.events =
        ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    if (socketData) {
        epoll_ctl(driver->m_epoll, EPOLL_CTL_MOD, socket, &event);
    } else {
        epoll_ctl(driver->m_epoll, EPOLL_CTL_ADD, socket, &event);
        curl_multi_assign(driver->m_multi.get(), socket, &registeredMarker);
    }
    return 0;
}

int MultiSocketDriver::onTimer(CURLM*, long timeoutMs, void* self)
{
    auto* driver = static_cast<MultiSocketDriver*>(self);
    if (timeoutMs < 0)
        driver->m_timerDue.reset();
    else
        driver->m_timerDue = Clock::now() + std::chrono::milliseconds(timeoutMs);
    return 0;
}

void MultiSocketDriver::runOnce(std::chrono::milliseconds maxWait)
{
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    milliseconds wait = std::max(milliseconds(0), maxWait);
    if (m_timerDue) {
        const auto untilTimer = duration_cast<milliseconds>(*m_timerDue - Clock::now());
        wait = std::clamp(untilTimer, milliseconds(0), wait);
    }

    std::array<epoll_event, 128> events;
    const int ready = epoll_wait(m_epoll, events.data(), int(events.size()), int(wait.count()));
    int running = 0;
    for (int i = 0; i < ready; ++i) {
        const auto flags = events[i].events;
        const int mask = ((flags & EPOLLIN) ? CURL_CSELECT_IN : 0) |
                         ((flags & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                         ((flags & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(m_multi.get(), events[i].data.fd, mask, &running);
    }
    if (m_timerDue && Clock::now() >= *m_timerDue) {
        // Cleared first: libcurl usually sets the next deadline from inside the call.
        m_timerDue.reset();
        curl_multi_socket_action(m_multi.get(), CURL_SOCKET_TIMEOUT, 0, &running);
    }
}

} // namespace launchdeck::http::detail
