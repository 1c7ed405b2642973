// What the Docker tests set up alike: a private dockerd, its endpoint, a client that negotiated
// with it, and containers on its busybox:local image.
#pragma once

#include "core/result.h"
#include "docker/dockerclient.h"
#include "docker/dockerendpoint.h"
#include "docker/dockertypes.h"
#include "fakes/dockerdaemon.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>

namespace launchdeck::test {

class DockerTestBed final
{
public:
    DockerTestBed() = default;
    DockerTestBed(const DockerTestBed&) = delete;
    DockerTestBed& operator=(const DockerTestBed&) = delete;

    // Starts the daemon, parses its endpoint, makes the client and negotiates the API version;
    // on failure says why (the daemon's words, or the endpoint's or negotiation's error).
    bool start(QString* error = nullptr);

    DockerDaemon& daemon() { return m_daemon; }
    // These three: after start() succeeded.
    const DockerEndpoint& endpoint() const { return m_endpoint; }
    DockerClient& client() { return *m_client; }
    const DockerVersion& version() const { return m_version; }

    // A container on busybox:local with the given name, command, environment, labels and tty.
    static DockerContainerSpec busyboxSpec(const QString& name, const QStringList& cmd,
                                           const QMap<QString, QString>& env = {},
                                           const QMap<QString, QString>& labels = {},
                                           bool tty = false);
    // Creates the container and, when `start`, starts it; its id, or the first error.
    Result<QString> run(const DockerContainerSpec& spec, bool start = true);

private:
    // Destroyed last to first: the client, then the daemon with everything it started.
    DockerDaemon m_daemon;
    DockerEndpoint m_endpoint;
    DockerVersion m_version;
    std::unique_ptr<DockerClient> m_client;
};

} // namespace launchdeck::test
