// A process-wide table of negotiated Docker API versions, guarded for the job threads.
#include "docker/dockerapiversions.h"

#include "docker/dockerclient.h"

#include <QHash>

#include <mutex>

namespace launchdeck {

namespace {

std::mutex& versionMutex()
{
    static std::mutex mutex;
    return mutex;
}

QHash<QString, QString>& versionsByEndpoint()
{
    static QHash<QString, QString> versions;
    return versions;
}

} // namespace

QString knownDockerApiVersion(const DockerEndpoint& endpoint)
{
    const std::lock_guard lock(versionMutex());
    return versionsByEndpoint().value(endpoint.toString());
}

Result<DockerVersion> negotiateAndRemember(DockerClient& client)
{
    const Result<DockerVersion> version = client.negotiate();
    const std::lock_guard lock(versionMutex());
    if (!version)
        versionsByEndpoint().remove(client.endpoint().toString());
    else
        versionsByEndpoint().insert(client.endpoint().toString(), client.apiVersion());
    return version;
}

} // namespace launchdeck
