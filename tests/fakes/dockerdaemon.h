// A private Docker daemon for tests: dockerd on its own socket, data and exec roots in a fresh
// temporary folder, with a busybox:local image imported from the host's static busybox.
#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

class QProcess;

namespace launchdeck::test {

class DockerDaemon final
{
public:
    DockerDaemon();
    // Stops everything it started, by process id, and removes its folder.
    ~DockerDaemon();
    DockerDaemon(const DockerDaemon&) = delete;
    DockerDaemon& operator=(const DockerDaemon&) = delete;

    // Arguments dockerd gets besides its own (e.g. "--insecure-registry", "127.0.0.1:5000");
    // set before start().
    void setExtraArguments(const QStringList& arguments) { m_extraArguments = arguments; }
    // Starts dockerd (needs root), waits up to 60 s for /_ping and imports busybox:local; on
    // failure says why, naming dockerd's log and its last lines.
    bool start(QString* error = nullptr);
    // After kill() or stop(): dockerd again on the same socket, data and exec roots (busybox:local
    // is still there), waiting for /_ping as start() does.
    bool restart(QString* error = nullptr);
    // SIGKILL to dockerd alone, as a crash would; containerd and shims stay until stop().
    void kill();
    // SIGSTOP and SIGCONT to dockerd: a daemon that keeps its sockets open and answers nothing.
    void freeze();
    void thaw();
    // SIGTERM to dockerd, then SIGKILL to whatever of its processes is left (containerd,
    // shims, container processes); unmounts what it left mounted under its folder.
    void stop();
    bool isRunning() const;

    qint64 processId() const;
    QString socketPath() const;
    QString host() const { return QStringLiteral("unix://") + socketPath(); }
    QString logPath() const;
    QString rootPath() const { return m_rootPath; }

private:
    bool launch(QString* error);
    bool waitForPing(QString* error);
    bool importBusybox(QString* error);
    QString failure(const QString& what) const;

    QString m_rootPath;
    QStringList m_extraArguments;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
};

} // namespace launchdeck::test
