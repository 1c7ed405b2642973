// nginx under QProcess in its own session, configured from a temporary prefix.
#include "fakes/localnginx.h"

#include "fakes/localhttpserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTextStream>

#include <signal.h>
#include <unistd.h>

namespace launchdeck::test {

namespace {

constexpr int kLaunchAttempts = 5;

QString findNginx()
{
    QString path = QStandardPaths::findExecutable(QStringLiteral("nginx"));
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(
            QStringLiteral("nginx"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    return path;
}

bool writePage(const QString& path)
{
    QFile page(path);
    return page.open(QIODevice::WriteOnly) &&
           page.write(QByteArray(LocalNginx::pageBytes(), 'x')) == LocalNginx::pageBytes();
}

} // namespace

LocalNginx::LocalNginx() = default;

LocalNginx::~LocalNginx()
{
    stop();
}

void LocalNginx::stop()
{
    if (m_process && m_process->state() == QProcess::Running) {
        ::kill(-pid_t(m_process->processId()), SIGKILL);
        m_process->waitForFinished(5000);
    }
    m_process.reset();
}

bool LocalNginx::start(int workers, int keepAliveRequests, QString* error)
{
    QString failure;
    const QString nginx = findNginx();
    const QString prefix = m_dir.path();
    if (nginx.isEmpty()) {
        failure = QStringLiteral("nginx not found: install Debian's nginx package");
    } else if (!QDir(prefix).mkpath(QStringLiteral("www")) ||
               !QDir(prefix).mkpath(QStringLiteral("temp")) ||
               !writePage(prefix + u"/www/index.html") ||
               !writePage(prefix + u"/www/chunked.html")) {
        failure = u"cannot write under " + prefix;
    } else {
        for (int attempt = 0; attempt < kLaunchAttempts; ++attempt) {
            m_port = pickFreeLoopbackPort();
            if (launch(nginx, workers, keepAliveRequests, &failure))
                return true;
            stop();
        }
    }
    if (error)
        *error = failure;
    return false;
}

QString LocalNginx::url(const QString& path) const
{
    return u"http://127.0.0.1:" + QString::number(m_port) + path;
}

std::optional<qint64> LocalNginx::acceptedConnections() const
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(2000))
        return std::nullopt;
    socket.write("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray answer;
    while (socket.waitForReadyRead(2000))
        answer += socket.readAll();
    // "server accepts handled requests\n 12 12 345"
    static const QRegularExpression counters(QStringLiteral(R"(requests\s+(\d+)\s+\d+\s+\d+)"));
    const QRegularExpressionMatch match = counters.match(QString::fromLatin1(answer));
    if (!match.hasMatch())
        return std::nullopt;
    return match.captured(1).toLongLong();
}

bool LocalNginx::launch(const QString& nginx, int workers, int keepAliveRequests, QString* error)
{
    const QString prefix = m_dir.path();
    const QString temp = prefix + u"/temp";
    QString config;
    QTextStream conf(&config);
    conf << "daemon off;\nmaster_process on;\nworker_processes " << workers << ";\n"
         << "pid " << prefix << "/nginx.pid;\nerror_log stderr warn;\n";
    if (::geteuid() == 0)
        conf << "user root;\n"; // the temporary folder is readable by its owner only
    conf << "events { worker_connections 4096; }\n"
         << "http {\n  access_log off;\n  keepalive_requests " << keepAliveRequests << ";\n"
         << "  open_file_cache max=16;\n"
         << "  client_body_temp_path " << temp << ";\n  proxy_temp_path " << temp << ";\n"
         << "  fastcgi_temp_path " << temp << ";\n  uwsgi_temp_path " << temp << ";\n"
         << "  scgi_temp_path " << temp << ";\n"
         << "  server {\n    listen 127.0.0.1:" << m_port << ";\n    root " << prefix
         << "/www;\n"
         // Server-side includes drop the length, so HTTP/1.1 clients get the page chunked.
         << "    location = /chunked.html { ssi on; ssi_types *; }\n"
         << "    location = /status { stub_status; }\n  }\n}\n";
    conf.flush();
    QFile file(prefix + u"/nginx.conf");
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(config.toUtf8()) < 0) {
        *error = u"cannot write " + file.fileName();
        return false;
    }
    file.close();

    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process->setChildProcessModifier([] { ::setsid(); });
    m_process->start(nginx, {QStringLiteral("-e"), QStringLiteral("stderr"), QStringLiteral("-p"),
                             prefix, QStringLiteral("-c"), file.fileName()});
    if (!m_process->waitForStarted(5000)) {
        *error = u"cannot start nginx: " + m_process->errorString();
        return false;
    }
    const QDeadlineTimer deadline(5000);
    while (!deadline.hasExpired() && m_process->state() == QProcess::Running) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, m_port);
        if (probe.waitForConnected(200))
            return true;
        m_process->waitForFinished(50);
    }
    *error = u"nginx did not start on port " + QString::number(m_port);
    return false;
}

} // namespace launchdeck::test
