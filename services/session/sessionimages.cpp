// Images moved between an environment's Docker host and registries for the command line, with
// what deployments use: the environment's endpoint and the registry credentials' lookup.
#include "workspacesession.h"

#include "deploy/imagepull.h"
#include "docker/environmenthost.h"

namespace launchdeck {

Result<TransferredImage> WorkspaceSession::transferImage(
    const Workspace& workspace, const QString& environment, const QString& image, bool push,
    const std::function<void(const QString&)>& log, const std::atomic_bool* cancel)
{
    const Result<std::unique_ptr<DockerClient>> client =
        connectEnvironmentHost(workspace, environment);
    if (!client)
        return client.error();
    return deploy::transferImageLogged(
        (*client)->endpoint(), (*client)->apiVersion(), image,
        push ? deploy::ImageTransfer::Push : deploy::ImageTransfer::Pull, log, cancel);
}

Result<QString> WorkspaceSession::soleDockerEnvironment(const Workspace& workspace)
{
    QStringList names;
    QStringList hosts;
    for (const Environment& environment : workspace.environments) {
        const Result<DockerEndpoint> endpoint = environmentEndpoint(workspace, environment.name);
        if (!endpoint)
            continue; // a cluster's, or a target that is not defined
        names.append(environment.name);
        if (!hosts.contains(endpoint->toString()))
            hosts.append(endpoint->toString());
    }
    if (names.isEmpty())
        return Error{QStringLiteral("no environment of the workspace runs on a Docker host"),
                     workspace.file};
    if (hosts.size() > 1)
        return Error{QStringLiteral("the environments run on %1 Docker hosts: name one with "
                                    "--env (%2)")
                         .arg(hosts.size())
                         .arg(names.join(QStringLiteral(", "))),
                     workspace.file};
    return names.first();
}

} // namespace launchdeck
