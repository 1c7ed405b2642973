// A timing relay in front of a Docker daemon: a Unix socket of its own that forwards every byte
// to the daemon's and back, and records each API request that passes (method, path, status,
// when it was sent and when the last of its answer came back), so that what a program asks
// the daemon, and how long the daemon takes, is seen from outside that program.
#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <mutex>

class QLocalServer;
class QLocalSocket;

namespace launchdeck::test {

// Microseconds since the epoch on the system clock: what the relay stamps calls with, and the
// clock a deployment event's `at` is read on.
qint64 wallClockUs();

// One Docker API request as the relay saw it: from its first byte to the answer's last.
struct DockerCall
{
    qint64 startUs = 0;
    qint64 endUs = 0;
    QString method;
    QString path; // without the API version prefix
    int status = 0;

    qint64 durationUs() const { return endUs - startUs; }
    // "create", "stop", "inspect container", "version"…: what kind of call it was.
    QString kind() const;
};

// Lives on a thread of its own, so the program under test may block while the relay forwards.
class DockerRelay final : public QObject
{
    Q_DISABLE_COPY_MOVE(DockerRelay)

public:
    // Listens on `listenPath` (a stale socket file there is removed first) and forwards every
    // connection to `daemonSocket`.
    DockerRelay(QString daemonSocket, QString listenPath);
    ~DockerRelay() override;

    bool isListening() const { return m_listening; }
    // "unix://<listenPath>": what a Docker target's host names to go through the relay.
    QString host() const { return QStringLiteral("unix://") + m_listenPath; }

    // Every call since the start or the last clear(), in the order they were sent.
    QList<DockerCall> calls() const;
    // Forgets the calls; an answer still on its way is not recorded.
    void clear();

private:
    void listen();
    void accept();

    QThread m_thread;
    QString m_daemonSocket;
    QString m_listenPath;
    QLocalServer* m_server = nullptr;
    std::atomic_bool m_listening{false};
    mutable std::mutex m_mutex; // guards the two below
    QList<DockerCall> m_calls;
    QHash<QLocalSocket*, int> m_open; // the call each connection waits on; -1 none
};

} // namespace launchdeck::test
