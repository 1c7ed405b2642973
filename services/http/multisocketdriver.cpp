// epoll under libcurl's socket interface, with sockets parked between requests.
#include "http/multisocketdriver.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace launchdeck::http::detail {

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
    // Cleaning up the multi handle closes cached connections through onSocketClosing: epoll
    // must live.
    m_multi.reset();
    if (m_epoll >= 0)
        ::close(m_epoll);
}

void MultiSocketDriver::attach(CURL* easy)
{
    curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, &MultiSocketDriver::onSocketOpened);
    curl_easy_setopt(easy, CURLOPT_SOCKOPTDATA, this);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &MultiSocketDriver::onSocketClosing);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
}

MultiSocketDriver::Watch& MultiSocketDriver::watch(curl_socket_t socket)
{
    if (std::size_t(socket) >= m_watches.size())
        m_watches.resize(std::max<std::size_t>(std::size_t(socket) + 1, 2 * m_watches.size()));
    return m_watches[std::size_t(socket)];
}

void MultiSocketDriver::unregister(curl_socket_t socket)
{
    Watch& entry = watch(socket);
    if (entry.registered)
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, socket, nullptr);
    entry = Watch{};
}

int MultiSocketDriver::onSocket(CURL*, curl_socket_t socket, int what, void* self, void*)
{
    auto* driver = static_cast<MultiSocketDriver*>(self);
    Watch& entry = driver->watch(socket);
    if (what == CURL_POLL_REMOVE) {
        entry.wanted = 0;
        return 0;
    }
    const std::uint32_t events =
        ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    entry.wanted = events;
    if (entry.registered == events)
        return 0;
    epoll_event event{};
    event.data.fd = socket;
    event.events = events;
    int op = entry.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(driver->m_epoll, op, socket, &event) != 0) {
        // The bookkeeping missed a close or a registration: the other operation then fits.
        op = (errno == EEXIST) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        if (epoll_ctl(driver->m_epoll, op, socket, &event) != 0)
            return 0;
    }
    entry.registered = events;
    return 0;
}

int MultiSocketDriver::onSocketOpened(void* self, curl_socket_t socket, curlsocktype)
{
    // A new socket may reuse the number of one closed elsewhere, whose registration went with it.
    static_cast<MultiSocketDriver*>(self)->watch(socket) = Watch{};
    return CURL_SOCKOPT_OK;
}

int MultiSocketDriver::onSocketClosing(void* self, curl_socket_t socket)
{
    // Removed while still open: a copy of the socket in a forked child would keep it in the set.
    static_cast<MultiSocketDriver*>(self)->unregister(socket);
    return ::close(socket);
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

void MultiSocketDriver::runTimers()
{
    int running = 0;
    curl_multi_socket_action(m_multi.get(), CURL_SOCKET_TIMEOUT, 0, &running);
    // libcurl calls onTimer only when its earliest deadline changes. A deadline that came due a
    // little early here (milliseconds are rounded) ran nothing and stays the same without a new
    // call, so the deadline is asked for rather than lost.
    long timeoutMs = -1;
    curl_multi_timeout(m_multi.get(), &timeoutMs);
    onTimer(m_multi.get(), timeoutMs, this);
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
        const int socket = events[i].data.fd;
        if (watch(socket).wanted == 0) {
            // A parked keep-alive connection woke up: most likely the server closed it. libcurl
            // finds that out when it next looks at the connection; until then epoll would keep
            // reporting it.
            unregister(socket);
            continue;
        }
        const auto flags = events[i].events;
        const int mask = ((flags & EPOLLIN) ? CURL_CSELECT_IN : 0) |
                         ((flags & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                         ((flags & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(m_multi.get(), socket, mask, &running);
    }
    if (m_timerDue && Clock::now() >= *m_timerDue)
        runTimers();
}

} // namespace launchdeck::http::detail
