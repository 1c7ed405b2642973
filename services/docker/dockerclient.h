// Blocking calls of the Docker Engine API on one daemon: version negotiation, containers and
// their actions, images, networks and volumes. Meant to live on the host's worker thread.
#pragma once

#include "core/result.h"
#include "docker/dockerendpoint.h"
#include "docker/dockertransport.h"
#include "docker/dockertypes.h"

#include <QJsonObject>
#include <QList>
#include <QMap>

#include <optional>

namespace launchdeck {

class DockerClient final
{
public:
    // The newest API version this client speaks; negotiation may settle lower.
    static QString maxApiVersion() { return QStringLiteral("1.41"); }

    explicit DockerClient(DockerEndpoint endpoint);

    const DockerEndpoint& endpoint() const { return m_transport.endpoint(); }
    QString apiVersion() const { return m_transport.apiVersion(); }

    // GET /_ping: true when the daemon answers "OK".
    Result<bool> ping();
    // /_ping then /version; afterwards every path carries the lower of the daemon's and
    // maxApiVersion(). Fails when the daemon is older than its minimum for us.
    Result<DockerVersion> negotiate();
    // Takes a version negotiated earlier on the same daemon (by the host's worker), sparing the
    // two requests of negotiate().
    void useApiVersion(const QString& version) { m_transport.setApiVersion(version); }

    Result<QList<DockerContainer>> containers(bool all = true, const QJsonObject& filters = {});
    Result<QJsonObject> inspectContainer(const QString& idOrName);
    // Returns the new container's id.
    Result<QString> createContainer(const DockerContainerSpec& spec);

    // Actions answer true when they changed something, false when the container already was
    // so (the daemon's 304).
    Result<bool> startContainer(const QString& idOrName);
    Result<bool> stopContainer(const QString& idOrName, int timeoutSeconds = 10);
    Result<bool> restartContainer(const QString& idOrName, int timeoutSeconds = 10);
    Result<bool> pauseContainer(const QString& idOrName);
    Result<bool> unpauseContainer(const QString& idOrName);
    Result<bool> renameContainer(const QString& idOrName, const QString& newName);
    Result<bool> removeContainer(const QString& idOrName, bool force = false,
                                 bool removeVolumes = false);

    Result<QList<DockerImage>> images();
    Result<bool> removeImage(const QString& idOrName, bool force = false);
    Result<QList<DockerNetwork>> networks();
    Result<QList<DockerVolume>> volumes();

    // GET /info: NCPU, MemTotal, the data root and the rest, as the daemon says them.
    Result<QJsonObject> info();
    // GET /images/{name}/json: the image's inspect object, or none when the daemon has no
    // image of that name (404).
    Result<std::optional<QJsonObject>> inspectImage(const QString& nameOrId);
    // Creates a bridge network of that name with `labels` unless one exists; true when created.
    Result<bool> ensureNetwork(const QString& name, const QMap<QString, QString>& labels = {});
    // One stats frame (stream=false): CPU % and memory as the live charts compute them.
    Result<DockerStatsSample> statsOnce(const QString& idOrName);

private:
    // Sends the request and turns a status >= 400 into an error worded with `what`.
    Result<DockerResponse> call(const QByteArray& method, const QString& pathAndQuery,
                                const QString& what, const QByteArray& body = {});
    Result<QJsonObject> object(const QString& path, const QString& what);
    Result<QJsonArray> array(const QString& path, const QString& what);
    Result<bool> action(const QString& pathAndQuery, const QString& what);

    DockerTransport m_transport;
};

// The host port the daemon bound for `containerPort`/tcp, from a container's inspect object
// (NetworkSettings.Ports); none while it is not running or the port is not published.
std::optional<int> publishedHostPort(const QJsonObject& inspect, int containerPort);

} // namespace launchdeck
