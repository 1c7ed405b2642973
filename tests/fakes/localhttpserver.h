// A real HTTP server for tests: busybox httpd on a free loopback port, serving a temporary
// folder with static files and CGI scripts that fail or answer slowly.
#pragma once

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

#include <memory>

class QProcess;

namespace launchdeck::test {

// What the folder holds from the start:
//   /index.html, /hello.txt          static files ("hello\n")
//   /cgi-bin/error                   answers 500
//   /cgi-bin/status?CODE             answers CODE (e.g. 503)
//   /cgi-bin/sleep?SECONDS           answers 200 after SECONDS (fractions allowed; default 1)
// busybox httpd closes the connection after each answer: it has no keep-alive.
class LocalHttpServer final
{
public:
    LocalHttpServer();
    ~LocalHttpServer();
    LocalHttpServer(const LocalHttpServer&) = delete;
    LocalHttpServer& operator=(const LocalHttpServer&) = delete;

    // Starts busybox httpd and returns once it accepts connections; on failure says why.
    bool start(QString* error = nullptr);
    // Kills the server and every CGI process it started (they share its process group).
    void stop();
    bool isRunning() const;

    quint16 port() const { return m_port; }
    qint64 processId() const;
    QString rootPath() const { return m_root.path(); }
    // "http://127.0.0.1:PORT" + path; path starts with '/'.
    QString url(const QString& path = QStringLiteral("/")) const;
    // Adds or replaces a static file under the root; served from the next request on.
    bool writeFile(const QString& relativePath, const QByteArray& content);

private:
    bool populateRoot(QString* error);
    bool launchOn(quint16 port, QString* error);

    QTemporaryDir m_root;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};

// A loopback port that was free a moment ago: bound with port 0, then released.
quint16 pickFreeLoopbackPort();

} // namespace launchdeck::test
