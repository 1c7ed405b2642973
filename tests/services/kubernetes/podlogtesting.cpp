// The pod log tests' server and reader.
#include "podlogtesting.h"

#include "kubernetes/kubeclient.h"

#include <QDateTime>
#include <QTcpSocket>
#include <QUrlQuery>

#include <algorithm>

namespace launchdeck::test {

using kube::PodLogEnd;
using kube::PodLogLine;

namespace {

void sendChunked(QTcpSocket* socket, const QByteArray& data)
{
    if (!data.isEmpty())
        socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
}

} // namespace

QByteArray rfc3339Nano(qint64 ns)
{
    const QDateTime time = QDateTime::fromSecsSinceEpoch(ns / kNanosPerSecond, Qt::UTC);
    QByteArray text = time.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")).toLatin1();
    QByteArray fraction = QByteArray::number(ns % kNanosPerSecond).rightJustified(9, '0');
    while (fraction.endsWith('0'))
        fraction.chop(1);
    if (!fraction.isEmpty())
        text += '.' + fraction;
    return text + 'Z';
}

QList<ServedLine> numberedLines(int first, int last, int stepMs)
{
    QList<ServedLine> lines;
    for (int n = first; n <= last; ++n) {
        lines.append({kBaseSeconds * kNanosPerSecond + qint64(n) * stepMs * 1'000'000,
                      "web-1 app line " + QByteArray::number(n)});
    }
    return lines;
}

QStringList texts(const QList<PodLogLine>& lines)
{
    QStringList result;
    for (const PodLogLine& line : lines)
        result.append(line.text);
    return result;
}

QStringList texts(const QList<ServedLine>& lines)
{
    QStringList result;
    for (const ServedLine& line : lines)
        result.append(QString::fromUtf8(line.text));
    return result;
}

LogServer::LogServer()
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onRead(socket); });
        }
    });
}

int LogServer::openStreams() const
{
    return int(std::count_if(m_open.begin(), m_open.end(),
                             [](const QPointer<QTcpSocket>& s) { return !s.isNull(); }));
}

void LogServer::append(const QList<ServedLine>& lines)
{
    log.append(lines);
    for (const QPointer<QTcpSocket>& socket : std::as_const(m_open)) {
        if (!socket)
            continue;
        for (const ServedLine& line : lines)
            sendChunked(socket, line.bytes());
        socket->flush();
    }
}

void LogServer::onRead(QTcpSocket* socket)
{
    QByteArray& head = m_heads[socket];
    head += socket->readAll();
    if (!head.contains("\r\n\r\n"))
        return;
    const QList<QByteArray> words = head.left(head.indexOf("\r\n")).split(' ');
    const QUrl url(u"http://server" + QString::fromLatin1(words.value(1)));
    requests.append(url);
    const int index = int(requests.size()) - 1;
    m_heads.remove(socket);
    if (error) {
        socket->write("HTTP/1.1 " + QByteArray::number(error->first) +
                      " Refused\r\nContent-Type: application/json\r\nContent-Length: " +
                      QByteArray::number(error->second.size()) + "\r\nConnection: close\r\n\r\n" +
                      error->second);
        socket->disconnectFromHost();
        return;
    }
    answer(socket, QUrlQuery(url), cutAfter.value(index, -1));
}

void LogServer::answer(QTcpSocket* socket, const QUrlQuery& query, int cut)
{
    QList<ServedLine> lines = log;
    if (query.hasQueryItem(QStringLiteral("sinceTime"))) {
        const QDateTime since = QDateTime::fromString(
            query.queryItemValue(QStringLiteral("sinceTime"), QUrl::FullyDecoded), Qt::ISODate);
        const qint64 sinceNs = since.toSecsSinceEpoch() * kNanosPerSecond;
        lines.erase(std::remove_if(lines.begin(), lines.end(),
                                   [&](const ServedLine& l) { return l.ns < sinceNs; }),
                    lines.end());
    }
    if (query.hasQueryItem(QStringLiteral("tailLines"))) {
        const int tail = query.queryItemValue(QStringLiteral("tailLines")).toInt();
        lines = lines.mid(std::max<qsizetype>(0, lines.size() - tail));
    }
    socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n");
    QByteArray body;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray bytes = lines[i].bytes();
        if (i == cut) {
            body += bytes.left(bytes.size() / 2);
            break;
        }
        if (i == lines.size() - 1 && lastLineWithoutBreak)
            bytes.chop(1);
        body += bytes;
    }
    const int piece = chunkBytes > 0 ? chunkBytes : int(std::max<qsizetype>(1, body.size()));
    for (qsizetype at = 0; at < body.size(); at += piece)
        sendChunked(socket, body.mid(at, piece));
    socket->flush();
    if (cut >= 0 && cut <= lines.size()) {
        // Gone in the middle of the answer: no closing chunk.
        socket->disconnectFromHost();
    } else if (query.queryItemValue(QStringLiteral("follow")) == u"true") {
        m_open.append(socket);
    } else {
        socket->write("0\r\n\r\n");
        socket->disconnectFromHost();
    }
}

namespace {

ClusterConnection plainConnection(const QString& server)
{
    ClusterConnection connection;
    connection.server = server;
    return connection;
}

} // namespace

Reader::Reader(const QString& server, kube::PodLogRequest request, Resume resume,
               int maxConnections)
    : Reader(plainConnection(server), std::move(request), resume, maxConnections)
{}

Reader::Reader(ClusterConnection connection, kube::PodLogRequest request, Resume resume,
               int maxConnections, kube::PodLogPosition from)
{
    m_thread = std::thread([this, connection = std::move(connection), request = std::move(request),
                            resume, maxConnections, position = std::move(from)]() mutable {
        kube::KubeClient client(connection, QStringLiteral("test"));
        const auto onLines = [this](const QList<PodLogLine>& lines) {
            const std::lock_guard lock(m_mutex);
            m_lines.append(lines);
        };
        std::optional<PodLogLine> last;
        for (int connections = 0; connections < maxConnections; ++connections) {
            PodLogEnd end;
            if (resume == Resume::Position) {
                end = kube::streamPodLog(client, request, request.pods.value(0), &position, onLines,
                                         &m_cancel);
            } else {
                end = kube::streamPodLog(
                    client, request, request.pods.value(0), last ? &*last : nullptr,
                    [&](const QList<PodLogLine>& lines) {
                        last = lines.constLast();
                        onLines(lines);
                    },
                    &m_cancel);
            }
            const std::lock_guard lock(m_mutex);
            m_ends.append(end);
            m_position = position;
            if (!end.unreachable)
                break;
        }
        m_done.store(true);
    });
}

Reader::~Reader()
{
    m_cancel.store(true);
    m_thread.join();
}

QList<PodLogLine> Reader::lines() const
{
    const std::lock_guard lock(m_mutex);
    return m_lines;
}

QList<PodLogEnd> Reader::ends() const
{
    const std::lock_guard lock(m_mutex);
    return m_ends;
}

kube::PodLogPosition Reader::position() const
{
    const std::lock_guard lock(m_mutex);
    return m_position;
}

} // namespace launchdeck::test
