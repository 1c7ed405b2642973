// busybox httpd under QProcess, in its own process group so that stopping it ends its CGIs too.
#include "fakes/localhttpserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

#include <signal.h>
#include <unistd.h>

namespace launchdeck::test {

namespace {

constexpr int kLaunchAttempts = 5;
constexpr int kReadyTimeoutMs = 5000;

const char kErrorScript[] = R"(#!/bin/sh
# Always fails, for error-rate tests.
printf 'Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nfailed on purpose\n'
)";

const char kStatusScript[] = R"(#!/bin/sh
# Answers the status given as the query string, e.g. /cgi-bin/status?503.
code="${QUERY_STRING:-500}"
case "$code" in ''|*[!0-9]*) code=500 ;; esac
printf 'Status: %s Chosen\r\nContent-Type: text/plain\r\n\r\nstatus %s\n' "$code" "$code"
)";

const char kSleepScript[] = R"(#!/bin/sh
# Answers after the seconds given as the query string, for latency and timeout tests.
delay="${QUERY_STRING:-1}"
case "$delay" in ''|*[!0-9.]*) delay=1 ;; esac
sleep "$delay"
printf 'Content-Type: text/plain\r\n\r\nslept %s\n' "$delay"
)";

QString findBusybox()
{
    QString path = QStandardPaths::findExecutable(QStringLiteral("busybox"));
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(QStringLiteral("busybox"),
                                              {QStringLiteral("/bin"), QStringLiteral("/usr/bin")});
    return path;
}

bool acceptsConnections(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    const bool connected = socket.waitForConnected(200);
    socket.abort();
    return connected;
}

} // namespace

quint16 pickFreeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

LocalHttpServer::LocalHttpServer() = default;

LocalHttpServer::~LocalHttpServer()
{
    stop();
}

bool LocalHttpServer::start(QString* error)
{
    if (isRunning())
        return true;
    if (!m_root.isValid()) {
        if (error)
            *error = u"cannot create a temporary folder: " + m_root.errorString();
        return false;
    }
    if (!populateRoot(error))
        return false;
    // Another process may take the port between the probe and busybox's bind: try another.
    QString lastError;
    for (int attempt = 0; attempt < kLaunchAttempts; ++attempt) {
        const quint16 port = pickFreeLoopbackPort();
        if (port != 0 && launchOn(port, &lastError))
            return true;
    }
    if (error)
        *error = lastError;
    return false;
}

bool LocalHttpServer::launchOn(quint16 port, QString* error)
{
    const QString busybox = findBusybox();
    if (busybox.isEmpty()) {
        *error = QStringLiteral("busybox not found: install Debian's busybox-static package");
        return false;
    }
    m_process = std::make_unique<QProcess>();
    m_process->setProgram(busybox);
    m_process->setArguments({QStringLiteral("httpd"), QStringLiteral("-f"), QStringLiteral("-p"),
                             u"127.0.0.1:" + QString::number(port), QStringLiteral("-h"),
                             m_root.path()});
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setChildProcessModifier([] { ::setsid(); });
    m_process->start();
    if (!m_process->waitForStarted(kReadyTimeoutMs)) {
        *error = u"cannot start " + busybox + u": " + m_process->errorString();
        m_process.reset();
        return false;
    }
    const QDeadlineTimer deadline(kReadyTimeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process->state() != QProcess::Running) {
            *error = u"busybox httpd on port " + QString::number(port) + u" exited: " +
                     QString::fromLocal8Bit(m_process->readAll()).trimmed();
            m_process.reset();
            return false;
        }
        if (acceptsConnections(port)) {
            m_port = port;
            return true;
        }
        m_process->waitForFinished(50);
    }
    *error = u"busybox httpd did not accept connections on port " + QString::number(port) +
             u" within " + QString::number(kReadyTimeoutMs) + u" ms";
    stop();
    return false;
}

void LocalHttpServer::stop()
{
    if (!m_process)
        return;
    const qint64 pid = m_process->processId();
    if (pid > 0) {
        ::kill(-pid_t(pid), SIGKILL); // the group: httpd and the CGIs it forked
        ::kill(pid_t(pid), SIGKILL);
    }
    m_process->waitForFinished(5000);
    m_process.reset();
    m_port = 0;
}

bool LocalHttpServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 LocalHttpServer::processId() const
{
    return m_process ? m_process->processId() : 0;
}

QString LocalHttpServer::url(const QString& path) const
{
    return u"http://127.0.0.1:" + QString::number(m_port) + path;
}

bool LocalHttpServer::writeFile(const QString& relativePath, const QByteArray& content)
{
    const QString path = QDir(m_root.path()).filePath(relativePath);
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    // Written aside and renamed, so that the server never serves half a file.
    const QString partial = path + u".partial";
    QFile file(partial);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(content) != content.size())
        return false;
    file.close();
    QFile::remove(path);
    return QFile::rename(partial, path);
}

bool LocalHttpServer::populateRoot(QString* error)
{
    const struct
    {
        const char* path;
        const char* content;
        bool executable;
    } files[] = {
        {"index.html", "<!doctype html><title>launchdeck test</title><p>ok</p>\n", false},
        {"hello.txt", "hello\n", false},
        {"cgi-bin/error", kErrorScript, true},
        {"cgi-bin/status", kStatusScript, true},
        {"cgi-bin/sleep", kSleepScript, true},
    };
    for (const auto& file : files) {
        const QString relative = QString::fromLatin1(file.path);
        if (!writeFile(relative, QByteArray(file.content))) {
            if (error)
                *error = u"cannot write " + relative + u" under " + m_root.path();
            return false;
        }
        if (file.executable) {
            QFile::setPermissions(QDir(m_root.path()).filePath(relative),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                      QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                      QFile::ExeOther);
        }
    }
    return true;
}

} // namespace launchdeck::test
