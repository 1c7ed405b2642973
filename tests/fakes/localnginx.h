// nginx on a free loopback port for the load test's tests and benchmark: a static page with
// keep-alive, a page nginx sends chunked, and its connection counters.
#pragma once

#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <optional>

class QProcess;

namespace launchdeck::test {

// What it serves:
//   /index.html       612 bytes of 'x', with Content-Length
//   /chunked.html     the same page through server-side includes, which nginx sends chunked
//   /status           stub_status: "Active connections", accepts, handled, requests
class LocalNginx final
{
public:
    LocalNginx();
    ~LocalNginx();
    LocalNginx(const LocalNginx&) = delete;
    LocalNginx& operator=(const LocalNginx&) = delete;

    // `keepAliveRequests`: answers per connection before nginx closes it.
    bool start(int workers = 1, int keepAliveRequests = 10'000'000, QString* error = nullptr);
    void stop();

    quint16 port() const { return m_port; }
    // "http://127.0.0.1:PORT" + path; path starts with '/'.
    QString url(const QString& path = QStringLiteral("/index.html")) const;
    static int pageBytes() { return 612; }
    // Connections nginx accepted so far (stub_status), the one that asks included; none when
    // it cannot be read.
    std::optional<qint64> acceptedConnections() const;

private:
    bool launch(const QString& nginx, int workers, int keepAliveRequests, QString* error);

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};

} // namespace launchdeck::test
