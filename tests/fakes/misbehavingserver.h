// TCP servers that break HTTP on purpose, for the error paths of HTTP clients: one answers
// bytes that are not HTTP, one accepts connections and never answers.
#pragma once

#include <QString>
#include <QThread>

#include <atomic>

namespace launchdeck::test {

class MisbehavingWorker;

// Serves from a thread of its own, so that a test may block in a client call meanwhile.
class MisbehavingServer final
{
public:
    enum class Behaviour { AnswerGarbage, NeverAnswer };

    explicit MisbehavingServer(Behaviour behaviour);
    ~MisbehavingServer();
    MisbehavingServer(const MisbehavingServer&) = delete;
    MisbehavingServer& operator=(const MisbehavingServer&) = delete;

    bool start(QString* error = nullptr);
    quint16 port() const { return m_port; }
    QString url(const QString& path = QStringLiteral("/")) const;
    int connections() const { return m_connections.load(); }

    // What AnswerGarbage sends once the request arrives, then it closes.
    static QByteArray garbage();

private:
    Behaviour m_behaviour;
    QThread m_thread;
    MisbehavingWorker* m_worker = nullptr;
    quint16 m_port = 0;
    std::atomic_int m_connections{0};
};

} // namespace launchdeck::test
