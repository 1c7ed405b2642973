// The relay is a small HTTP/1.1 server on plain POSIX sockets: one thread accepts, and each
// connection is served on a thread of its own with its own KubeClient, so that no event loop
// is needed on the caller's side and a slow request holds up only its own connection. Every
// wait (accept, read, write, the upstream request) also watches the relay's stop signal, which
// is how the destructor ends idle keep-alive connections at once.
#include "kubernetes/serviceproxyrelay.h"

#include "kubernetes/execcredential.h"
#include "kubernetes/kubeclient.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QStringDecoder>
#include <QUrl>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <list>
#include <optional>
#include <system_error>
#include <thread>

Q_LOGGING_CATEGORY(lcRelay, "launchdeck.kubernetes.relay", QtInfoMsg)

namespace launchdeck::kube {

namespace {

constexpr qsizetype kMaxHeadBytes = 64 * 1024;
constexpr qsizetype kMaxBodyBytes = 64 * 1024 * 1024;
// A kept-alive connection nobody uses for this long is closed, freeing its thread.
constexpr int kIdleTimeoutMs = 120'000;
// From a request's first byte to its last, and for an answer to be taken by the client.
constexpr int kTransferTimeoutMs = 30'000;
constexpr int kUpstreamTimeoutMs = 60'000;
// After refusing a request the relay reads what the client still sends for this long before
// closing, so that the refusal is not lost to a reset.
constexpr int kLingerMs = 500;
constexpr int kMaxConnections = 256;

// What the threads of one relay share; it outlives all of them.
struct Shared
{
    ClusterConnection connection;
    QString clusterName;
    QString proxyPath;
    QString label; // "service \"web\" port 80 in namespace \"shop\"", for messages
    std::shared_ptr<ExecCredentialProvider> plugin;
    std::atomic_bool stopping{false};
    std::atomic<qint64> relayed{0};
    int wakeRead = -1; // readable (at end of file) once the relay stops
};

// Whether `text` has 1 to `most` characters, all passing `test`.
template <typename Test> bool allOf(QByteArrayView text, qsizetype most, Test test)
{
    return !text.isEmpty() && text.size() <= most &&
           std::all_of(text.begin(), text.end(), [&](char c) { return test(uchar(c)); });
}

bool isToken(QByteArrayView text)
{
    return allOf(text, kMaxHeadBytes, [](uchar c) {
        return std::isalnum(c) || (c && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
    });
}

// Clients go by the number; the phrase is for people reading a capture.
QByteArray reasonPhrase(int status)
{
    static const QByteArray kPhrases =
        "|100 Continue|200 OK|201 Created|202 Accepted|204 No Content|301 Moved Permanently"
        "|302 Found|304 Not Modified|400 Bad Request|401 Unauthorized|403 Forbidden"
        "|404 Not Found|405 Method Not Allowed|408 Request Timeout|409 Conflict"
        "|413 Content Too Large|417 Expectation Failed|422 Unprocessable Content"
        "|429 Too Many Requests|431 Request Header Fields Too Large|500 Internal Server Error"
        "|501 Not Implemented|502 Bad Gateway|503 Service Unavailable|504 Gateway Timeout|";
    const qsizetype at = kPhrases.indexOf(QByteArray('|' + QByteArray::number(status) + ' '));
    if (at < 0)
        return QByteArrayLiteral("Status");
    return kPhrases.mid(at + 5, kPhrases.indexOf('|', at + 1) - at - 5);
}

// KubeClient hands over the answer's body but not its headers: the type is told from the body,
// which is what the service proxy's answers (Status JSON, a pod's text or page) need.
QByteArray contentTypeOf(const QByteArray& body)
{
    if (body.isEmpty())
        return {};
    QJsonParseError error;
    QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError)
        return QByteArrayLiteral("application/json");
    QStringDecoder decoder(QStringDecoder::Utf8);
    [[maybe_unused]] const QString text = decoder.decode(body);
    if (decoder.hasError())
        return QByteArrayLiteral("application/octet-stream");
    return QByteArrayLiteral("text/plain; charset=utf-8");
}

// The API server path for a client's request target; empty when it cannot be relayed. Dot
// segments are refused rather than resolved: the URL parser below would resolve them, and a
// path that climbs out of /proxy would reach the API itself with the relay's credentials.
QString upstreamTarget(const QByteArray& target, const QString& proxyPath)
{
    if (!target.startsWith('/'))
        return {};
    for (const char c : target)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f ||
            c == '#')
            return {};
    const qsizetype question = target.indexOf('?');
    QByteArray path =
        QByteArray::fromPercentEncoding(question < 0 ? target : target.left(question));
    for (const QByteArray& segment : path.replace('\\', '/').split('/'))
        if (segment == "." || segment == "..")
            return {};
    return proxyPath + QString::fromLatin1(target);
}

struct HttpRequest
{
    QByteArray method;
    QByteArray target;
    QByteArray contentType;
    QByteArray body;
    bool http10 = false;
    bool keepAlive = true;
    bool gone = false; // the connection ended: closed, idle for too long, or the relay stopping
    int refusal = 0;   // set: the relay answers this status with `why` itself and closes
    QByteArray why;
};

// One client connection: its socket (non-blocking, closed at the end), the bytes read ahead,
// and the loop of requests.
class Session final
{
public:
    Session(int fd, Shared& shared)
        : m_fd(fd)
        , m_shared(shared)
    {}
    ~Session() { ::close(m_fd); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void run()
    {
        // Made on this thread, as a KubeClient must be; it keeps its connection to the API server
        // for the requests of this client connection.
        KubeClient client(m_shared.connection, m_shared.clusterName, m_shared.plugin);
        while (!m_shared.stopping.load()) {
            const HttpRequest request = readRequest();
            if (request.gone)
                return;
            if (request.refusal)
                return refuse(request.refusal, request.why);
            const QString upstream = upstreamTarget(request.target, m_shared.proxyPath);
            if (upstream.isEmpty())
                return refuse(400, "the request target must be a path of printable ASCII (the rest "
                                   "percent-encoded) without \".\" or \"..\" segments");
            const KubeAnswer reply =
                client.request(request.method, upstream, request.body, request.contentType,
                               kUpstreamTimeoutMs, &m_shared.stopping);
            if (m_shared.stopping.load())
                return;
            m_shared.relayed.fetch_add(1);
            // The query is left out of the log: a client may carry its own secrets in it.
            const qsizetype question = request.target.indexOf('?');
            const QByteArray path = question < 0 ? request.target : request.target.left(question);
            qCDebug(lcRelay) << request.method << path << reply.status;
            if (reply.status == 0 || (reply.status >= 200 && reply.status < 300 && !reply.ok())) {
                // No HTTP answer came (or one too large to hold): the client's message, which
                // names the cluster and never a credential.
                const QString text = u"relaying " + QString::fromLatin1(request.method) + u' ' +
                                     QString::fromLatin1(path) + u" to " + m_shared.label +
                                     u" failed: " + reply.error;
                qCInfo(lcRelay).noquote() << text;
                if (!answer(502, "text/plain; charset=utf-8", text.toUtf8() + '\n', request))
                    return;
            } else if (!answer(int(reply.status), contentTypeOf(reply.body), reply.body, request)) {
                return;
            }
            if (!request.keepAlive)
                return;
        }
    }

private:
    enum class Filled { Data, Closed, TimedOut };

    static bool reject(HttpRequest& request, int status, const char* why)
    {
        request.refusal = status;
        request.why = why;
        return false;
    }

    Filled fill(const QDeadlineTimer& deadline)
    {
        char chunk[16 * 1024];
        while (!m_shared.stopping.load()) {
            const ssize_t got = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (got > 0) {
                m_buffer.append(chunk, got);
                return Filled::Data;
            }
            if (got == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
                return Filled::Closed;
            if (deadline.hasExpired())
                return Filled::TimedOut;
            pollfd fds[2] = {{m_fd, POLLIN, 0}, {m_shared.wakeRead, POLLIN, 0}};
            ::poll(fds, 2, int(std::min<qint64>(deadline.remainingTime(), 60'000)));
        }
        return Filled::Closed;
    }

    bool more(HttpRequest& request, const QDeadlineTimer& deadline)
    {
        const Filled filled = fill(deadline);
        if (filled == Filled::TimedOut)
            return reject(request, 408, "the request did not arrive in time");
        request.gone = filled == Filled::Closed;
        return !request.gone;
    }

    bool writeAll(QByteArrayView data)
    {
        const QDeadlineTimer deadline(kTransferTimeoutMs);
        while (!data.isEmpty() && !m_shared.stopping.load()) {
            const ssize_t sent = ::send(m_fd, data.data(), size_t(data.size()), MSG_NOSIGNAL);
            if (sent > 0) {
                data = data.sliced(sent);
                continue;
            }
            if ((errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) ||
                deadline.hasExpired())
                return false;
            pollfd fds[2] = {{m_fd, POLLOUT, 0}, {m_shared.wakeRead, POLLIN, 0}};
            ::poll(fds, 2, int(deadline.remainingTime()));
        }
        return data.isEmpty();
    }

    HttpRequest readRequest()
    {
        HttpRequest request;
        const QDeadlineTimer idle(kIdleTimeoutMs);
        QDeadlineTimer transfer(QDeadlineTimer::Forever);
        while (true) {
            // Empty lines before a request are allowed (RFC 9112, section 2.2).
            while (m_buffer.startsWith('\n') || m_buffer.startsWith("\r\n"))
                m_buffer.remove(0, m_buffer.startsWith('\n') ? 1 : 2);
            const qsizetype crlf = m_buffer.indexOf("\r\n\r\n");
            const qsizetype lf = m_buffer.indexOf("\n\n");
            const qsizetype end = lf >= 0 && (crlf < 0 || lf < crlf) ? lf : crlf;
            if (end >= 0) {
                const QByteArray head = m_buffer.left(end);
                m_buffer.remove(0, end + (end == lf ? 2 : 4));
                parseHead(head, request);
                return request;
            }
            if (m_buffer.size() > kMaxHeadBytes &&
                !reject(request, 431, "the request's header is larger than 64 KiB"))
                return request;
            if (m_buffer.isEmpty()) {
                if ((request.gone = fill(idle) != Filled::Data))
                    return request;
                transfer = QDeadlineTimer(kTransferTimeoutMs);
            } else if (!more(request, transfer)) {
                return request;
            }
        }
    }

    bool parseHead(const QByteArray& head, HttpRequest& request)
    {
        QList<QByteArray> lines = head.split('\n');
        for (QByteArray& line : lines)
            if (line.endsWith('\r'))
                line.chop(1);
        const QList<QByteArray> words = lines.first().split(' ');
        if (words.size() != 3 || !isToken(words[0]) || words[1].isEmpty() ||
            (words[2] != "HTTP/1.1" && words[2] != "HTTP/1.0"))
            return reject(request, 400, "the request line is not \"METHOD /path HTTP/1.1\"");
        request.method = words[0];
        request.target = words[1];
        request.http10 = words[2] == "HTTP/1.0";
        request.keepAlive = !request.http10;
        if (request.method == "CONNECT" || request.method == "TRACE")
            return reject(request, 405, "CONNECT and TRACE are not relayed");

        std::optional<qint64> length;
        QByteArray codings;
        bool expectContinue = false;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray& line = lines[i];
            // Header contents are never echoed: they may hold the client's own credentials.
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
                return reject(request, 400, "a header line is not \"Name: value\"");
            const QByteArray name = line.left(colon).toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length") {
                if (!allOf(value, 18, [](uchar c) { return std::isdigit(c); }) ||
                    (length && *length != value.toLongLong()))
                    return reject(request, 400, "the Content-Length header is not one number");
                length = value.toLongLong();
            } else if (name == "transfer-encoding") {
                codings += (codings.isEmpty() ? "" : ",") + value.toLower().replace(' ', "");
            } else if (name == "connection") {
                for (const QByteArray& option : value.toLower().split(','))
                    if (option.trimmed() == "close" || option.trimmed() == "keep-alive")
                        request.keepAlive = option.trimmed() == "keep-alive";
            } else if (name == "content-type") {
                request.contentType = value;
            } else if (name == "expect") {
                expectContinue = value.toLower() == "100-continue";
            }
        }
        const bool chunked = !codings.isEmpty();
        // Both framings at once are how requests get smuggled past proxies: refused.
        if (chunked && length)
            return reject(request, 400, "both Content-Length and Transfer-Encoding are given");
        if (chunked && codings != "chunked")
            return reject(request, 501, "only the chunked transfer coding is accepted");
        if (length.value_or(0) > kMaxBodyBytes)
            return reject(request, 413, "the request's body is larger than 64 MiB");
        if (expectContinue && (chunked || length.value_or(0) > 0))
            writeAll("HTTP/1.1 100 Continue\r\n\r\n"); // a failure shows at the next read
        const QDeadlineTimer deadline(kTransferTimeoutMs);
        return chunked ? readChunked(request, deadline)
                       : readBody(request, length.value_or(0), deadline);
    }

    bool readBody(HttpRequest& request, qint64 length, const QDeadlineTimer& deadline)
    {
        while (m_buffer.size() < length)
            if (!more(request, deadline))
                return false;
        request.body += m_buffer.left(length);
        m_buffer.remove(0, length);
        return true;
    }

    bool readLine(HttpRequest& request, QByteArray* line, const QDeadlineTimer& deadline)
    {
        qsizetype end = -1;
        while ((end = m_buffer.indexOf('\n')) < 0)
            if (m_buffer.size() > 4096)
                return reject(request, 400, "a line of the chunked body is too long");
            else if (!more(request, deadline))
                return false;
        *line = m_buffer.left(end > 0 && m_buffer[end - 1] == '\r' ? end - 1 : end);
        m_buffer.remove(0, end + 1);
        return true;
    }

    bool readChunked(HttpRequest& request, const QDeadlineTimer& deadline)
    {
        QByteArray line;
        while (readLine(request, &line, deadline)) {
            const qsizetype extension = line.indexOf(';');
            const QByteArray digits = (extension < 0 ? line : line.left(extension)).trimmed();
            const bool ok = allOf(digits, 8, [](uchar c) { return std::isxdigit(c); });
            const qint64 size = ok ? digits.toLongLong(nullptr, 16) : -1;
            if (size < 0)
                return reject(request, 400, "a chunk's size is not a hexadecimal number");
            if (size == 0) { // trailer fields, ignored, up to the empty line
                while (readLine(request, &line, deadline))
                    if (line.isEmpty())
                        return true;
                return false;
            }
            if (request.body.size() + size > kMaxBodyBytes)
                return reject(request, 413, "the request's body is larger than 64 MiB");
            if (!readBody(request, size, deadline) || !readLine(request, &line, deadline))
                return false;
            if (!line.isEmpty())
                return reject(request, 400, "a chunk is longer than its size says");
        }
        return false;
    }

    bool answer(int status, const QByteArray& contentType, const QByteArray& body,
                const HttpRequest& request)
    {
        const bool bodiless = status < 200 || status == 204 || status == 304;
        QByteArray out =
            "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
        if (!contentType.isEmpty() && !bodiless)
            out += "Content-Type: " + contentType + "\r\n";
        if (!bodiless)
            out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        if (!request.keepAlive)
            out += "Connection: close\r\n";
        else if (request.http10)
            out += "Connection: keep-alive\r\n";
        out += "\r\n";
        if (!bodiless && request.method != "HEAD")
            out += body;
        return writeAll(out);
    }

    void refuse(int status, const QByteArray& why)
    {
        qCDebug(lcRelay) << "refused a request with" << status << why;
        HttpRequest closing;
        closing.keepAlive = false;
        if (!answer(status, "text/plain; charset=utf-8", why + '\n', closing))
            return;
        // Half-close and read what is still coming, so that the client reads the refusal before
        // the connection goes instead of a reset.
        ::shutdown(m_fd, SHUT_WR);
        const QDeadlineTimer linger(kLingerMs);
        while (fill(linger) == Filled::Data)
            m_buffer.clear();
    }

    int m_fd;
    Shared& m_shared;
    QByteArray m_buffer;
};

} // namespace

struct ServiceProxyRelay::Private
{
    struct Worker
    {
        std::thread thread;
        std::atomic_bool finished{false};
    };

    Shared shared;
    int listenFd = -1;
    int wakeWrite = -1;
    quint16 boundPort = 0;
    std::thread listener;
    std::list<std::unique_ptr<Worker>> workers; // touched by the listener thread only

    void listen();
    void stop();
    void reap(bool all)
    {
        std::erase_if(workers, [all](const std::unique_ptr<Worker>& worker) {
            if (!all && !worker->finished.load())
                return false;
            worker->thread.join();
            return true;
        });
    }
};

void ServiceProxyRelay::Private::listen()
{
    while (!shared.stopping.load()) {
        // At the limit, new connections wait in the backlog until one ends.
        const short accepting = workers.size() < size_t(kMaxConnections) ? POLLIN : 0;
        pollfd fds[2] = {{listenFd, accepting, 0}, {shared.wakeRead, POLLIN, 0}};
        if (::poll(fds, 2, 200) < 0 && errno != EINTR)
            break;
        if (shared.stopping.load())
            break;
        reap(false);
        if (!(fds[0].revents & POLLIN))
            continue;
        const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) { // out of descriptors or the like: let connections end rather than spin
            pollfd wake{shared.wakeRead, POLLIN, 0};
            ::poll(&wake, 1, errno == EAGAIN || errno == EINTR ? 0 : 100);
            continue;
        }
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        auto worker = std::make_unique<Worker>();
        Worker* raw = worker.get();
        try {
            worker->thread = std::thread([this, fd, raw] {
                Session(fd, shared).run();
                raw->finished.store(true);
            });
        } catch (const std::system_error&) {
            ::close(fd);
            continue;
        }
        workers.push_back(std::move(worker));
    }
}

void ServiceProxyRelay::Private::stop()
{
    shared.stopping.store(true);
    if (wakeWrite >= 0) {
        // Closing the write end makes the read end readable for every thread polling it.
        ::close(wakeWrite);
        wakeWrite = -1;
    }
    if (listener.joinable())
        listener.join();
    reap(true);
    for (int* fd : {&listenFd, &shared.wakeRead})
        if (*fd >= 0) {
            ::close(*fd);
            *fd = -1;
        }
}

ServiceProxyRelay::ServiceProxyRelay(ClusterConnection connection, QString clusterName,
                                     QString nameSpace, QString service, QString port)
    : d(std::make_unique<Private>())
{
    const auto encodedSegment = [](const QString& text) {
        return QString::fromLatin1(QUrl::toPercentEncoding(text));
    };
    d->shared.proxyPath = u"/api/v1/namespaces/" + encodedSegment(nameSpace) + u"/services/" +
                          encodedSegment(service) +
                          (port.isEmpty() ? QString() : u':' + encodedSegment(port)) + u"/proxy";
    d->shared.label = u"service \"" + service + u"\"" +
                      (port.isEmpty() ? QString() : u" port " + port) + u" in namespace \"" +
                      nameSpace + u'"';
    if (connection.hasExec)
        d->shared.plugin = std::make_shared<ExecCredentialProvider>(connection);
    d->shared.connection = std::move(connection);
    d->shared.clusterName = std::move(clusterName);
}

ServiceProxyRelay::~ServiceProxyRelay()
{
    d->stop();
}

Result<bool> ServiceProxyRelay::start()
{
    const QString where = u"relay to " + d->shared.label;
    if (d->listenFd >= 0)
        return Error{QStringLiteral("already started"), where};
    d->shared.stopping.store(false); // after a start that failed
    const auto failed = [&](const char* what) {
        const QString text =
            QString::fromLatin1(what) + u": " + QString::fromLocal8Bit(std::strerror(errno));
        d->stop();
        return Error{text, where};
    };
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC | O_NONBLOCK) != 0)
        return failed("cannot make its stop signal");
    d->shared.wakeRead = pipeFds[0];
    d->wakeWrite = pipeFds[1];
    d->listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (d->listenFd < 0)
        return failed("cannot open a socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(d->listenFd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(d->listenFd, 128) != 0 ||
        ::getsockname(d->listenFd, reinterpret_cast<sockaddr*>(&address), &size) != 0)
        return failed("cannot listen on 127.0.0.1");
    d->boundPort = ntohs(address.sin_port);
    try {
        d->listener = std::thread([this] { d->listen(); });
    } catch (const std::system_error&) {
        return failed("cannot start its thread");
    }
    qCDebug(lcRelay).noquote() << "relaying" << url() << "to" << d->shared.label << "through"
                               << clusterLabel(d->shared.clusterName, d->shared.connection.server);
    return true;
}

QString ServiceProxyRelay::url() const
{
    return d->boundPort ? u"http://127.0.0.1:" + QString::number(d->boundPort) : QString();
}

QString ServiceProxyRelay::proxyPath() const
{
    return d->shared.proxyPath;
}

qint64 ServiceProxyRelay::relayed() const
{
    return d->shared.relayed.load();
}

} // namespace launchdeck::kube
