// What the pod log tests share: a small HTTP server in the test's thread that answers a pod's
// log as the API server does and can break an answer mid-line, and a reader that streams a log
// from a thread and reconnects as the cluster does.
#pragma once

#include "kubernetes/clusterconnection.h"
#include "kubernetes/podlogstream.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QUrl>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

class QTcpSocket;
class QUrlQuery;

namespace launchdeck::test {

constexpr qint64 kNanosPerSecond = 1'000'000'000;
// 2026-12-06T10:00:00Z
constexpr qint64 kBaseSeconds = 1'796'551'200;

// As Go's RFC3339Nano writes it: trailing zeros of the fraction dropped.
QByteArray rfc3339Nano(qint64 ns);

struct ServedLine
{
    qint64 ns = 0;
    QByteArray text;
    QByteArray bytes() const { return rfc3339Nano(ns) + ' ' + text + '\n'; }
};

// Lines `first`..`last` of a pod, `stepMs` apart: "web-1 app line N".
QList<ServedLine> numberedLines(int first, int last, int stepMs);

QStringList texts(const QList<kube::PodLogLine>& lines);
QStringList texts(const QList<ServedLine>& lines);

// One pod's log answered as the API server answers it: a chunked text stream, sinceTime
// honoured in whole seconds (as the kubelet gets it), tailLines; an answer can be cut in the
// middle of a line after a given number of lines, and a followed answer stays open for more.
class LogServer final : public QObject
{
public:
    LogServer();

    QList<ServedLine> log;
    // For the answers in order: cut after this many lines (-1 or missing: the whole answer).
    QList<int> cutAfter;
    // > 0: the answer goes out in HTTP chunks of this many bytes, cutting lines and UTF-8.
    int chunkBytes = 0;
    bool lastLineWithoutBreak = false;
    std::optional<QPair<int, QByteArray>> error; // status and body for every request
    QList<QUrl> requests;

    bool start() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString url() const { return u"http://127.0.0.1:" + QString::number(m_server.serverPort()); }
    int openStreams() const;
    // Adds lines to the log and sends them to the followed answers.
    void append(const QList<ServedLine>& lines);

private:
    void onRead(QTcpSocket* socket);
    void answer(QTcpSocket* socket, const QUrlQuery& query, int cut);

    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_heads;
    QList<QPointer<QTcpSocket>> m_open;
};

// Reads a pod's log from a thread as the cluster does: again after each broken connection,
// from where it was, until it ends for good, is cancelled, or `maxConnections` were made.
class Reader final
{
public:
    enum class Resume { Position, LastLine };

    // Resume::Position starts from `from` (nothing read: the tail).
    Reader(ClusterConnection connection, kube::PodLogRequest request, Resume resume,
           int maxConnections = 5, kube::PodLogPosition from = {});
    // A server without TLS or credentials (the LogServer).
    Reader(const QString& server, kube::PodLogRequest request, Resume resume,
           int maxConnections = 5);
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    void cancel() { m_cancel.store(true); }
    bool isDone() const { return m_done.load(); }
    QList<kube::PodLogLine> lines() const;
    QList<kube::PodLogEnd> ends() const;
    qsizetype lineCount() const { return lines().size(); }
    // Where the stream got to (Resume::Position), once it is done.
    kube::PodLogPosition position() const;

private:
    mutable std::mutex m_mutex;
    QList<kube::PodLogLine> m_lines;
    QList<kube::PodLogEnd> m_ends;
    kube::PodLogPosition m_position;
    std::atomic_bool m_cancel{false};
    std::atomic_bool m_done{false};
    std::thread m_thread;
};

} // namespace launchdeck::test
