// HAProxy's runtime API over its stats socket: weights, states and addresses of servers, and
// their live figures. One command per connection; blocking, so call it from a worker thread.
#pragma once

#include "core/result.h"
#include "traffic/haproxystats.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <chrono>

namespace launchdeck::traffic {

enum class ServerAdminState { Ready, Drain, Maintenance };

class HaproxyRuntime final
{
public:
    explicit HaproxyRuntime(QString socketPath,
                            std::chrono::milliseconds timeout = std::chrono::seconds(3));

    const QString& socketPath() const { return m_socketPath; }

    // The raw answer to one command. Fails when the socket is missing or silent, not when
    // HAProxy answers with a complaint: the typed calls below judge the answer.
    Result<QByteArray> execute(const QString& command) const;

    Result<bool> setWeight(const QString& backend, const QString& server, int weight) const;
    Result<bool> setState(const QString& backend, const QString& server,
                          ServerAdminState state) const;
    Result<bool> setAddress(const QString& backend, const QString& server, const QString& address,
                            int port) const;

    Result<QList<HaproxyServerStats>> stats() const;        // show stat
    Result<QList<HaproxyServerState>> serversState() const; // show servers state
    Result<HaproxyServerStats> serverStats(const QString& backend, const QString& server) const;
    Result<qint64> processId() const; // the Pid line of show info

private:
    // Runs a command whose success answer is empty (or matches `accepted`); anything else is
    // HAProxy's complaint and becomes the error.
    Result<bool> expectQuiet(const QString& command, const QList<QByteArray>& accepted = {}) const;
    Error commandError(const QString& command, const QString& message) const;

    QString m_socketPath;
    std::chrono::milliseconds m_timeout;
};

} // namespace launchdeck::traffic
