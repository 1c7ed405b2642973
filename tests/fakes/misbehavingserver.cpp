// QTcpServer in a worker thread, answering garbage, nothing, a given answer, an endless one or
// scripted ones.
#include "fakes/misbehavingserver.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

namespace launchdeck::test {

namespace {

// The first request in `buffer` is whole once its headers and the body their Content-Length
// announces are in: its length then, else 0.
qsizetype wholeRequestLength(const QByteArray& buffer)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return 0;
    qsizetype length = 0;
    for (const QByteArray& line : buffer.left(end).split('\n')) {
        if (line.trimmed().toLower().startsWith("content-length:"))
            length = line.mid(line.indexOf(':') + 1).trimmed().toLongLong();
    }
    return buffer.size() >= end + 4 + length ? end + 4 + length : 0;
}

bool isWholeRequest(const QByteArray& request)
{
    return wholeRequestLength(request) > 0;
}

// One series of a range answer, repeated for as long as the huge answer runs.
QByteArray hugeSeries()
{
    QByteArray series = R"({"metric":{"__name__":"huge","job":"x"},"values":[)";
    for (int i = 0; i < 2000; ++i)
        series += (i ? "," : "") + QByteArray("[1700000000.123,\"0.5\"]");
    return series + "]},";
}

} // namespace

class MisbehavingWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MisbehavingWorker)

public:
    explicit MisbehavingWorker(MisbehavingServer* owner)
        : m_owner(owner)
        , m_server(this)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &MisbehavingWorker::accept);
    }

    quint16 listen(QString* error)
    {
        if (!m_server.listen(QHostAddress::LocalHost, 0)) {
            *error = u"cannot listen on loopback: " + m_server.errorString();
            return 0;
        }
        return m_server.serverPort();
    }

private:
    void accept()
    {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            m_owner->m_connections.fetch_add(1);
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            auto* request = new QByteArray;
            connect(socket, &QObject::destroyed, socket, [request] { delete request; });
            connect(socket, &QTcpSocket::readyRead, socket,
                    [this, socket, request] { received(socket, request); });
        }
    }

    void received(QTcpSocket* socket, QByteArray* request)
    {
        request->append(socket->readAll());
        switch (m_owner->m_behaviour) {
        case MisbehavingServer::Behaviour::NeverAnswer:
            return;
        case MisbehavingServer::Behaviour::AnswerGarbage:
            socket->write(MisbehavingServer::garbage());
            socket->disconnectFromHost();
            return;
        case MisbehavingServer::Behaviour::AnswerGiven:
            if (isWholeRequest(*request))
                answerGiven(socket, *request);
            return;
        case MisbehavingServer::Behaviour::AnswerHuge:
            if (isWholeRequest(*request) && !socket->property("streaming").toBool())
                streamHuge(socket);
            return;
        case MisbehavingServer::Behaviour::AnswerScripted:
            answerScripted(socket, request);
            return;
        }
    }

    // Requests are taken off the front of the stream, so the next may come on the same
    // connection.
    void answerScripted(QTcpSocket* socket, QByteArray* buffer)
    {
        while (!socket->property("closing").toBool()) {
            const qsizetype length = wholeRequestLength(*buffer);
            if (length == 0)
                return;
            buffer->remove(0, length);
            m_owner->m_requests.fetch_add(1);
            const int index = socket->property("answered").toInt();
            socket->setProperty("answered", index + 1);
            const MisbehavingServer::Reply reply = m_owner->m_script(index);
            socket->write(reply.bytes);
            if (reply.closeAfter) {
                socket->setProperty("closing", true);
                socket->disconnectFromHost();
            }
        }
    }

    void answerGiven(QTcpSocket* socket, const QByteArray& request)
    {
        MisbehavingServer::Answer answer;
        {
            const std::lock_guard lock(m_owner->m_mutex);
            m_owner->m_lastRequest = request;
            answer = m_owner->m_answer;
        }
        socket->write("HTTP/1.1 " + QByteArray::number(answer.status) +
                      " Answer\r\nContent-Type: " + answer.contentType +
                      "\r\nContent-Length: " + QByteArray::number(answer.body.size()) +
                      "\r\nConnection: close\r\n\r\n" + answer.body);
        socket->disconnectFromHost();
    }

    // Written as the client takes it, so the server holds one piece at a time whatever the
    // client does.
    void streamHuge(QTcpSocket* socket)
    {
        socket->setProperty("streaming", true);
        socket->write(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
            R"({"status":"success","data":{"resultType":"matrix","result":[)");
        const QByteArray piece = hugeSeries();
        const auto more = [this, socket, piece] {
            while (socket->bytesToWrite() < 4 * piece.size()) {
                if (m_owner->m_hugeSent.load() >= MisbehavingServer::hugeAnswerBytes()) {
                    socket->disconnectFromHost();
                    return;
                }
                socket->write(piece);
                m_owner->m_hugeSent.fetch_add(piece.size());
            }
        };
        connect(socket, &QTcpSocket::bytesWritten, socket, more);
        more();
    }

    MisbehavingServer* m_owner;
    QTcpServer m_server;
};

MisbehavingServer::MisbehavingServer(Behaviour behaviour)
    : m_behaviour(behaviour)
{
    m_thread.setObjectName(QStringLiteral("misbehaving-server"));
}

MisbehavingServer::~MisbehavingServer()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &QObject::deleteLater);
    m_thread.quit();
    m_thread.wait();
}

bool MisbehavingServer::start(QString* error)
{
    if (m_worker)
        return m_port != 0;
    m_worker = new MisbehavingWorker(this);
    m_worker->moveToThread(&m_thread);
    m_thread.start();
    QString failure;
    QMetaObject::invokeMethod(
        m_worker, [this, &failure] { m_port = m_worker->listen(&failure); },
        Qt::BlockingQueuedConnection);
    if (m_port == 0 && error)
        *error = failure;
    return m_port != 0;
}

QString MisbehavingServer::url(const QString& path) const
{
    return u"http://127.0.0.1:" + QString::number(m_port) + path;
}

QByteArray MisbehavingServer::garbage()
{
    return QByteArrayLiteral("SSH-2.0-OpenSSH_9.2p1\r\n\x01\x02\x03 this is not HTTP\r\n\r\n");
}

void MisbehavingServer::setAnswer(int status, const QByteArray& contentType, const QByteArray& body)
{
    const std::lock_guard lock(m_mutex);
    m_answer = Answer{status, contentType, body};
}

QByteArray MisbehavingServer::lastRequest() const
{
    const std::lock_guard lock(m_mutex);
    return m_lastRequest;
}

} // namespace launchdeck::test

#include "misbehavingserver.moc"
