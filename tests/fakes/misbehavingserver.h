// TCP servers that break HTTP on purpose, for the error paths of HTTP clients: one answers
// bytes that are not HTTP, one accepts connections and never answers, one answers whatever
// status and body the test gives (and keeps the request it got), one streams an endless answer,
// one answers each request on a kept-alive connection with bytes a script gives (chunked or cut
// short answers, interim ones, closes with or without warning).
#pragma once

#include <QByteArray>
#include <QString>
#include <QThread>

#include <atomic>
#include <functional>
#include <mutex>

namespace launchdeck::test {

class MisbehavingWorker;

// Serves from a thread of its own, so that a test may block in a client call meanwhile.
class MisbehavingServer final
{
public:
    enum class Behaviour {
        AnswerGarbage,
        NeverAnswer,
        AnswerGiven,    // setAnswer()'s status, type and body to every request
        AnswerHuge,     // 200, JSON, no Content-Length: hugeAnswerBytes() of a range answer
        AnswerScripted, // setScript()'s reply to each request; the connection stays open
    };

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
    // How much AnswerHuge sends at most (200 MiB), in pieces as the client takes them.
    static qint64 hugeAnswerBytes() { return 200ll * 1024 * 1024; }
    // Bytes of the huge answer written to the socket so far (a client that stops reading stops
    // it).
    qint64 hugeBytesSent() const { return m_hugeSent.load(); }

    // AnswerGiven: the answer to every request from now on.
    void setAnswer(int status, const QByteArray& contentType, const QByteArray& body);
    // AnswerGiven: the last request as it arrived (request line, headers and body).
    QByteArray lastRequest() const;

    struct Reply
    {
        QByteArray bytes;        // written as they are
        bool closeAfter = false; // then the connection is closed, whatever `bytes` said
    };
    // The reply to the `index`-th request (from 0) on a connection; called on the server's
    // thread.
    using Script = std::function<Reply(int index)>;
    // AnswerScripted: set before start().
    void setScript(Script script) { m_script = std::move(script); }
    // Requests whole on arrival so far (AnswerScripted).
    qint64 requests() const { return m_requests.load(); }

    struct Answer
    {
        int status = 200;
        QByteArray contentType = "application/json";
        QByteArray body;
    };

private:
    friend class MisbehavingWorker;

    Behaviour m_behaviour;
    QThread m_thread;
    MisbehavingWorker* m_worker = nullptr;
    quint16 m_port = 0;
    std::atomic_int m_connections{0};
    std::atomic<qint64> m_hugeSent{0};
    std::atomic<qint64> m_requests{0};
    Script m_script;
    mutable std::mutex m_mutex;
    Answer m_answer;
    QByteArray m_lastRequest;
};

} // namespace launchdeck::test
