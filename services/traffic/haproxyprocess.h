// A detached HAProxy instance living in its own folder: started so that it outlives the console,
// found again by its pidfile and stats socket, reloaded without refusing connections, stopped.
#pragma once

#include "core/result.h"
#include "traffic/haproxyconfig.h"
#include "traffic/haproxyruntime.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>

namespace launchdeck::traffic {

struct HaproxyProcessOptions
{
    QString executable; // empty: `haproxy` from PATH, else /usr/sbin/haproxy
    std::chrono::milliseconds startTimeout{10000};
};

// Every call blocks on HAProxy's own programs and sockets: run them on a worker thread.
class HaproxyProcess final
{
public:
    // Validates `config` with `haproxy -c`, writes it to the folder and starts HAProxy
    // daemonised (-D), detached from the console so its end does not reach it. Refuses when
    // an instance already runs in the folder.
    static Result<HaproxyProcess> start(const HaproxyFolder& folder, const QByteArray& config,
                                        const HaproxyProcessOptions& options = {});
    // Finds the instance a previous console started: the pidfile names a live haproxy process
    // and the stats socket answers with the same pid.
    static Result<HaproxyProcess> attach(const HaproxyFolder& folder,
                                         const HaproxyProcessOptions& options = {});
    // `haproxy -c -f path`; the error carries HAProxy's own diagnostics.
    static Result<bool> checkConfig(const QString& configPath,
                                    const HaproxyProcessOptions& options = {});
    // True while `pid` is a haproxy process that has not exited (a zombie counts as exited).
    static bool isHaproxyRunning(qint64 pid);

    // Validates and installs `config`, then starts a new process that takes the listening
    // sockets over from the old one (-x) and tells it to finish its connections and leave
    // (-sf). On any failure the old process keeps serving with the old configuration.
    Result<bool> reload(const QByteArray& config);
    // Asks every process of this instance to finish its connections (SIGUSR1), then SIGTERM,
    // then SIGKILL once `grace` has passed; returns when none is left.
    Result<bool> stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

    qint64 pid() const { return m_pid; }
    const HaproxyFolder& folder() const { return m_folder; }
    HaproxyRuntime runtime() const { return HaproxyRuntime(m_folder.socketPath()); }

private:
    HaproxyProcess(HaproxyFolder folder, HaproxyProcessOptions options, qint64 pid);

    // Runs haproxy with `arguments` and waits until the daemon it forks answers on the stats
    // socket with a pid other than `previousPid`.
    static Result<qint64> launch(const HaproxyFolder& folder, const HaproxyProcessOptions& options,
                                 const QStringList& arguments, qint64 previousPid);
    static Result<bool> installConfig(const HaproxyFolder& folder,
                                      const HaproxyProcessOptions& options,
                                      const QByteArray& config);

    HaproxyFolder m_folder;
    HaproxyProcessOptions m_options;
    qint64 m_pid = 0;
    QList<qint64> m_retiring; // replaced by reloads, possibly still finishing connections
};

} // namespace launchdeck::traffic
