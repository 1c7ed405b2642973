// The runtime API client on a plain POSIX unix socket, so it works on any thread without an
// event loop, with one deadline for connect, send and the whole answer.
#include "traffic/haproxyruntime.h"

#include <QLoggingCategory>

#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcHaproxyRuntime, "launchdeck.traffic.runtime", QtInfoMsg)

namespace launchdeck::traffic {

namespace {

using Clock = std::chrono::steady_clock;

class FileDescriptor final
{
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd)
    {}
    ~FileDescriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// Waits for `events` until the deadline; false on timeout.
bool waitFor(int fd, short events, Clock::time_point deadline)
{
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return false;
        pollfd entry{fd, events, 0};
        const int ready = ::poll(&entry, 1, static_cast<int>(left.count()));
        if (ready > 0)
            return true;
        if (ready < 0 && errno != EINTR)
            return true; // let the following read or write report the error
    }
}

QString stateWord(ServerAdminState state)
{
    switch (state) {
    case ServerAdminState::Ready:
        return QStringLiteral("ready");
    case ServerAdminState::Drain:
        return QStringLiteral("drain");
    case ServerAdminState::Maintenance:
        return QStringLiteral("maint");
    }
    return {};
}

} // namespace

HaproxyRuntime::HaproxyRuntime(QString socketPath, std::chrono::milliseconds timeout)
    : m_socketPath(std::move(socketPath))
    , m_timeout(timeout)
{}

Error HaproxyRuntime::commandError(const QString& command, const QString& message) const
{
    return Error{message, u"haproxy runtime " + m_socketPath + u" '" + command + u'\''};
}

Result<QByteArray> HaproxyRuntime::execute(const QString& command) const
{
    const QByteArray path = m_socketPath.toLocal8Bit();
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.isEmpty() || path.size() >= static_cast<qsizetype>(sizeof(address.sun_path)))
        return commandError(command, QStringLiteral("the socket path is empty or too long"));
    std::memcpy(address.sun_path, path.constData(), static_cast<size_t>(path.size()));

    FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd.get() < 0)
        return commandError(command, u"cannot create a socket: " + systemError(errno));
    const auto deadline = Clock::now() + m_timeout;
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        const int error = errno;
        if (error == ENOENT)
            return commandError(command, QStringLiteral("no stats socket exists there; is "
                                                        "HAProxy running?"));
        if (error == ECONNREFUSED)
            return commandError(command, QStringLiteral("nothing listens on the stats socket; "
                                                        "HAProxy has stopped"));
        if (error != EAGAIN && error != EINPROGRESS)
            return commandError(command, u"cannot connect: " + systemError(error));
        if (!waitFor(fd.get(), POLLOUT, deadline))
            return commandError(
                command, QStringLiteral("timed out connecting after %1 ms").arg(m_timeout.count()));
    }

    const QByteArray request = command.toUtf8() + '\n';
    qsizetype sent = 0;
    while (sent < request.size()) {
        if (!waitFor(fd.get(), POLLOUT, deadline))
            return commandError(
                command, QStringLiteral("timed out sending after %1 ms").arg(m_timeout.count()));
        const ssize_t n = ::send(fd.get(), request.constData() + sent,
                                 static_cast<size_t>(request.size() - sent), MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return commandError(command, u"cannot send: " + systemError(errno));
        if (n > 0)
            sent += n;
    }

    // Without the interactive prompt HAProxy closes the connection after its answer.
    QByteArray answer;
    char buffer[16384];
    for (;;) {
        if (!waitFor(fd.get(), POLLIN, deadline))
            return commandError(
                command, QStringLiteral("no complete answer within %1 ms").arg(m_timeout.count()));
        const ssize_t n = ::recv(fd.get(), buffer, sizeof(buffer), 0);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            if (errno == ECONNRESET && !answer.isEmpty())
                break;
            return commandError(command, u"cannot read the answer: " + systemError(errno));
        }
        answer.append(buffer, n);
    }
    qCDebug(lcHaproxyRuntime) << command << "->" << answer.size() << "bytes";
    return answer;
}

Result<bool> HaproxyRuntime::expectQuiet(const QString& command,
                                         const QList<QByteArray>& accepted) const
{
    Result<QByteArray> answer = execute(command);
    if (!answer)
        return answer.error();
    const QByteArray text = answer->trimmed();
    if (text.isEmpty())
        return true;
    for (const QByteArray& prefix : accepted) {
        if (text.startsWith(prefix))
            return true;
    }
    return commandError(command, u"HAProxy answered: " + QString::fromUtf8(text).simplified());
}

Result<bool> HaproxyRuntime::setWeight(const QString& backend, const QString& server,
                                       int weight) const
{
    return expectQuiet(u"set server " + backend + u'/' + server + u" weight " +
                       QString::number(weight));
}

Result<bool> HaproxyRuntime::setState(const QString& backend, const QString& server,
                                      ServerAdminState state) const
{
    return expectQuiet(u"set server " + backend + u'/' + server + u" state " + stateWord(state));
}

Result<bool> HaproxyRuntime::setAddress(const QString& backend, const QString& server,
                                        const QString& address, int port) const
{
    // Success is reported in words: "IP changed from …", "no need to change the addr, …".
    return expectQuiet(u"set server " + backend + u'/' + server + u" addr " + address + u" port " +
                           QString::number(port),
                       {QByteArrayLiteral("IP changed"), QByteArrayLiteral("no need to change"),
                        QByteArrayLiteral("port changed")});
}

Result<QList<HaproxyServerStats>> HaproxyRuntime::stats() const
{
    const QString command = QStringLiteral("show stat");
    Result<QByteArray> answer = execute(command);
    if (!answer)
        return answer.error();
    Result<QList<HaproxyServerStats>> parsed = parseShowStat(*answer);
    if (!parsed)
        return commandError(command, parsed.error().message);
    return parsed;
}

Result<QList<HaproxyServerState>> HaproxyRuntime::serversState() const
{
    const QString command = QStringLiteral("show servers state");
    Result<QByteArray> answer = execute(command);
    if (!answer)
        return answer.error();
    Result<QList<HaproxyServerState>> parsed = parseShowServersState(*answer);
    if (!parsed)
        return commandError(command, parsed.error().message);
    return parsed;
}

Result<HaproxyServerStats> HaproxyRuntime::serverStats(const QString& backend,
                                                       const QString& server) const
{
    Result<QList<HaproxyServerStats>> all = stats();
    if (!all)
        return all.error();
    for (const HaproxyServerStats& s : *all) {
        if (s.backend == backend && s.server == server)
            return s;
    }
    return commandError(QStringLiteral("show stat"),
                        u"no server " + backend + u'/' + server + u" in the statistics");
}

Result<qint64> HaproxyRuntime::processId() const
{
    const QString command = QStringLiteral("show info");
    Result<QByteArray> answer = execute(command);
    if (!answer)
        return answer.error();
    for (const QByteArray& line : answer->split('\n')) {
        if (line.startsWith("Pid: ")) {
            bool ok = false;
            const qint64 pid = line.mid(5).trimmed().toLongLong(&ok);
            if (ok && pid > 0)
                return pid;
        }
    }
    return commandError(command, QStringLiteral("the answer has no Pid line"));
}

} // namespace launchdeck::traffic
