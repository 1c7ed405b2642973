// curl_multi_socket_action under QSocketNotifier and a QTimer: libcurl says which sockets and
// which deadline to watch, the event loop hands back only what is due.
#include "docker/dockercurlmulti.h"

#include "docker/dockertransport.h"

#include <QSocketNotifier>

namespace launchdeck {

namespace {

// A failed answer's body only has to carry the daemon's message.
constexpr qsizetype kMaxErrorBody = 64 * 1024;

} // namespace

DockerCurlTransfer::DockerCurlTransfer(const DockerEndpoint& endpoint, const QString& apiVersion,
                                       const QString& pathAndQuery)
    : m_where(docker::detail::requestName(endpoint, "GET", pathAndQuery))
{
    http::detail::ensureCurlInitialised();
    m_easy.reset(curl_easy_init());
    if (!m_easy)
        return;
    CURL* easy = m_easy.get();
    docker::detail::configureHandle(easy, endpoint, endpoint.url(apiVersion, pathAndQuery),
                                    m_errorBuffer);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    // A remote host that vanishes without closing would otherwise leave the stream silent.
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &DockerCurlTransfer::write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &DockerCurlTransfer::header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
}

void DockerCurlTransfer::readStatus()
{
    if (m_status == 0)
        curl_easy_getinfo(m_easy.get(), CURLINFO_RESPONSE_CODE, &m_status);
}

size_t DockerCurlTransfer::header(char* data, size_t size, size_t count, void* self)
{
    auto* transfer = static_cast<DockerCurlTransfer*>(self);
    const QByteArrayView line(data, qsizetype(size * count));
    if (line == "\r\n" || line == "\n") {
        transfer->readStatus();
        if (transfer->m_status >= 200 && transfer->m_status < 300 && transfer->onHeaders)
            transfer->onHeaders();
    }
    return size * count;
}

size_t DockerCurlTransfer::write(char* data, size_t size, size_t count, void* self)
{
    auto* transfer = static_cast<DockerCurlTransfer*>(self);
    const QByteArrayView bytes(data, qsizetype(size * count));
    transfer->readStatus();
    if (transfer->m_status >= 400) {
        if (transfer->m_errorBody.size() < kMaxErrorBody)
            transfer->m_errorBody.append(bytes.data(), bytes.size());
    } else if (transfer->onBody) {
        transfer->onBody(bytes);
    }
    return size * count;
}

QString DockerCurlTransfer::failure(CURLcode result, const QString& what) const
{
    if (m_status >= 400)
        return docker::detail::httpError(m_status, m_errorBody, what, m_where).toString();
    if (result != CURLE_OK)
        return docker::detail::transferError(result, m_errorBuffer, what, m_where).toString();
    return {};
}

DockerCurlMulti::DockerCurlMulti(QObject* parent)
    : QObject(parent)
{
    http::detail::ensureCurlInitialised();
    m_multi.reset(curl_multi_init());
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] { act(CURL_SOCKET_TIMEOUT, 0); });
    if (!m_multi)
        return;
    curl_multi_setopt(m_multi.get(), CURLMOPT_SOCKETFUNCTION, &DockerCurlMulti::onSocket);
    curl_multi_setopt(m_multi.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi.get(), CURLMOPT_TIMERFUNCTION, &DockerCurlMulti::onTimer);
    curl_multi_setopt(m_multi.get(), CURLMOPT_TIMERDATA, this);
}

DockerCurlMulti::~DockerCurlMulti()
{
    const QList<CURL*> easies = m_transfers.keys();
    for (CURL* easy : easies)
        remove(easy);
    // Cleaning up closes the cached connections through onSocket, which needs the watches.
    m_multi.reset();
    m_timer.stop();
}

bool DockerCurlMulti::add(CURL* easy, Finished finished)
{
    if (!m_multi || !easy || m_transfers.contains(easy))
        return false;
    m_transfers.insert(easy, std::move(finished));
    if (curl_multi_add_handle(m_multi.get(), easy) != CURLM_OK) {
        m_transfers.remove(easy);
        return false;
    }
    return true;
}

void DockerCurlMulti::remove(CURL* easy)
{
    if (m_transfers.remove(easy) > 0)
        curl_multi_remove_handle(m_multi.get(), easy);
}

int DockerCurlMulti::onSocket(CURL*, curl_socket_t socket, int what, void* self, void*)
{
    static_cast<DockerCurlMulti*>(self)->watch(socket, what);
    return 0;
}

int DockerCurlMulti::onTimer(CURLM*, long timeoutMs, void* self)
{
    // libcurl must not be called back from inside its own callback: the timer does it.
    auto* multi = static_cast<DockerCurlMulti*>(self);
    if (timeoutMs < 0)
        multi->m_timer.stop();
    else
        multi->m_timer.start(int(std::min<long>(timeoutMs, 24 * 3600 * 1000)));
    return 0;
}

QSocketNotifier* DockerCurlMulti::notifier(curl_socket_t socket, bool write)
{
    auto* notifier = new QSocketNotifier(
        qintptr(socket), write ? QSocketNotifier::Write : QSocketNotifier::Read, this);
    const int mask = write ? CURL_CSELECT_OUT : CURL_CSELECT_IN;
    connect(notifier, &QSocketNotifier::activated, this,
            [this, socket, mask] { act(socket, mask); });
    return notifier;
}

void DockerCurlMulti::retire(QSocketNotifier*& notifier)
{
    if (!notifier)
        return;
    // It may be the one whose signal is being delivered; disabled at once, since libcurl
    // closes the socket right after telling.
    notifier->setEnabled(false);
    notifier->deleteLater();
    notifier = nullptr;
}

void DockerCurlMulti::watch(curl_socket_t socket, int what)
{
    if (what == CURL_POLL_REMOVE) {
        const auto found = m_watches.find(socket);
        if (found != m_watches.end()) {
            retire(found->second.read);
            retire(found->second.write);
            m_watches.erase(found);
        }
        return;
    }
    Watch& watch = m_watches[socket];
    const bool wantRead = what & CURL_POLL_IN;
    const bool wantWrite = what & CURL_POLL_OUT;
    if (wantRead && !watch.read)
        watch.read = notifier(socket, false);
    if (watch.read)
        watch.read->setEnabled(wantRead);
    if (wantWrite && !watch.write)
        watch.write = notifier(socket, true);
    if (watch.write)
        watch.write->setEnabled(wantWrite);
}

void DockerCurlMulti::act(curl_socket_t socket, int mask)
{
    if (!m_multi)
        return;
    int running = 0;
    curl_multi_socket_action(m_multi.get(), socket, mask, &running);
    collectFinished();
}

void DockerCurlMulti::collectFinished()
{
    QList<std::pair<CURL*, CURLcode>> done;
    int remaining = 0;
    while (CURLMsg* message = curl_multi_info_read(m_multi.get(), &remaining)) {
        if (message->msg == CURLMSG_DONE)
            done.append({message->easy_handle, message->data.result});
    }
    // A Finished may end other transfers of the same round; those are skipped.
    for (const auto& [easy, result] : done) {
        const auto found = m_transfers.find(easy);
        if (found == m_transfers.end())
            continue;
        Finished finished = std::move(found.value());
        m_transfers.erase(found);
        curl_multi_remove_handle(m_multi.get(), easy);
        if (finished)
            finished(result);
    }
}

} // namespace launchdeck
