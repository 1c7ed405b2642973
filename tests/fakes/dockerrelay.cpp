// The timing relay: a QLocalServer on its own thread, one daemon connection per client
// connection, each request line noted as it passes and its answer's bytes timed on the way back.
#include "fakes/dockerrelay.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QRegularExpression>

#include <chrono>

namespace launchdeck::test {

qint64 wallClockUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

QString DockerCall::kind() const
{
    static const QRegularExpression containerAction(
        QStringLiteral("^/containers/[^/?]+/(start|stop|kill|wait|restart)"));
    static const QRegularExpression containerInspect(QStringLiteral("^/containers/[^/?]+/json"));
    static const QRegularExpression imageInspect(QStringLiteral("^/images/.+/json"));
    if (path.startsWith(u"/_ping"))
        return QStringLiteral("ping");
    if (path.startsWith(u"/version"))
        return QStringLiteral("version");
    if (path.startsWith(u"/info"))
        return QStringLiteral("info");
    if (path.startsWith(u"/containers/json"))
        return QStringLiteral("list containers");
    if (path.startsWith(u"/containers/create"))
        return QStringLiteral("create");
    if (const auto match = containerAction.match(path); match.hasMatch())
        return match.captured(1);
    if (containerInspect.match(path).hasMatch())
        return QStringLiteral("inspect container");
    if (method == u"DELETE" && path.startsWith(u"/containers/"))
        return status == 404 ? QStringLiteral("remove (none there)") : QStringLiteral("remove");
    if (imageInspect.match(path).hasMatch())
        return QStringLiteral("inspect image");
    if (path.startsWith(u"/networks/create"))
        return QStringLiteral("create network");
    if (path.startsWith(u"/networks"))
        return QStringLiteral("list networks");
    return method + u' ' + path.section(u'?', 0, 0);
}

DockerRelay::DockerRelay(QString daemonSocket, QString listenPath)
    : m_daemonSocket(std::move(daemonSocket))
    , m_listenPath(std::move(listenPath))
{
    moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(
        this, [this] { listen(); }, Qt::BlockingQueuedConnection);
}

DockerRelay::~DockerRelay()
{
    QMetaObject::invokeMethod(
        this,
        [this] {
            delete m_server;
            m_server = nullptr;
            const QList<QLocalSocket*> sockets = findChildren<QLocalSocket*>();
            for (QLocalSocket* socket : sockets)
                delete socket;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QList<DockerCall> DockerRelay::calls() const
{
    std::lock_guard lock(m_mutex);
    return m_calls;
}

void DockerRelay::clear()
{
    std::lock_guard lock(m_mutex);
    m_calls.clear();
    for (auto it = m_open.begin(); it != m_open.end(); ++it)
        it.value() = -1;
}

void DockerRelay::listen()
{
    m_server = new QLocalServer(this);
    QLocalServer::removeServer(m_listenPath);
    m_listening = m_server->listen(m_listenPath);
    QObject::connect(m_server, &QLocalServer::newConnection, this, [this] { accept(); });
}

void DockerRelay::accept()
{
    while (QLocalSocket* client = m_server->nextPendingConnection()) {
        client->setParent(this);
        auto* daemon = new QLocalSocket(this);
        daemon->connectToServer(m_daemonSocket);
        if (!daemon->waitForConnected(5000)) {
            delete daemon;
            delete client;
            continue;
        }
        {
            std::lock_guard lock(m_mutex);
            m_open.insert(client, -1);
        }
        QObject::connect(client, &QLocalSocket::readyRead, this, [this, client, daemon] {
            const QByteArray data = client->readAll();
            static const QRegularExpression requestLine(
                QStringLiteral("^([A-Z]+) (?:/v[0-9.]+)?(/\\S*) HTTP/1"));
            const QString head = QString::fromLatin1(data.left(data.indexOf('\n') + 1).trimmed());
            if (const auto match = requestLine.match(head); match.hasMatch()) {
                DockerCall call;
                call.startUs = wallClockUs();
                call.endUs = call.startUs;
                call.method = match.captured(1);
                call.path = match.captured(2);
                std::lock_guard lock(m_mutex);
                m_calls.append(call);
                m_open[client] = int(m_calls.size()) - 1;
            }
            daemon->write(data);
        });
        QObject::connect(daemon, &QLocalSocket::readyRead, this, [this, client, daemon] {
            const QByteArray data = daemon->readAll();
            {
                std::lock_guard lock(m_mutex);
                const int index = m_open.value(client, -1);
                if (index >= 0 && index < m_calls.size()) {
                    DockerCall& call = m_calls[index];
                    call.endUs = wallClockUs();
                    if (data.startsWith("HTTP/1.") && !data.startsWith("HTTP/1.1 100"))
                        call.status = data.mid(9, 3).toInt();
                }
            }
            client->write(data);
        });
        // Either side closing ends the pair; the daemon going away (a restart) ends them all.
        const auto close = [this, client, daemon] {
            {
                std::lock_guard lock(m_mutex);
                m_open.remove(client);
            }
            client->disconnect(this);
            daemon->disconnect(this);
            client->deleteLater();
            daemon->deleteLater();
        };
        QObject::connect(client, &QLocalSocket::disconnected, this, close);
        QObject::connect(daemon, &QLocalSocket::disconnected, this, close);
    }
}

} // namespace launchdeck::test
