// QTcpServer in a worker thread, answering garbage or nothing.
#include "fakes/misbehavingserver.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

namespace launchdeck::test {

class MisbehavingWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MisbehavingWorker)

public:
    MisbehavingWorker(MisbehavingServer::Behaviour behaviour, std::atomic_int* connections)
        : m_behaviour(behaviour)
        , m_connections(connections)
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
            m_connections->fetch_add(1);
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                socket->readAll();
                if (m_behaviour == MisbehavingServer::Behaviour::AnswerGarbage) {
                    socket->write(MisbehavingServer::garbage());
                    socket->disconnectFromHost();
                }
            });
        }
    }

    MisbehavingServer::Behaviour m_behaviour;
    std::atomic_int* m_connections;
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
    m_worker = new MisbehavingWorker(m_behaviour, &m_connections);
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

} // namespace launchdeck::test

#include "misbehavingserver.moc"
