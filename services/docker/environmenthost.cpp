// From an environment's name to a connected Docker client, through its target.
#include "docker/environmenthost.h"

#include "docker/dockerapiversions.h"
#include "workspace/workspace.h"

namespace launchdeck {

Result<DockerEndpoint> environmentEndpoint(const Workspace& workspace, QStringView environment)
{
    const Environment* found = workspace.environment(environment);
    if (!found)
        return Error{QStringLiteral("no environment '%1' in the workspace").arg(environment),
                     workspace.file};
    const Target* target = workspace.target(found->target);
    if (!target)
        return Error{QStringLiteral("environment '%1' names target '%2', which the workspace does "
                                    "not define")
                         .arg(found->name, found->target),
                     workspace.file};
    if (target->type != Target::Type::Docker)
        return Error{QStringLiteral("environment '%1' runs on Kubernetes target '%2'; deployments "
                                    "here drive Docker hosts")
                         .arg(found->name, target->name),
                     workspace.file};
    return endpointForTarget(*target, workspace.root);
}

Result<std::unique_ptr<DockerClient>> connectDocker(const DockerEndpoint& endpoint,
                                                    ApiVersionSource source)
{
    auto client = std::make_unique<DockerClient>(endpoint);
    const QString known =
        source == ApiVersionSource::ReuseKnown ? knownDockerApiVersion(endpoint) : QString();
    if (!known.isEmpty())
        client->useApiVersion(known);
    else if (const Result<DockerVersion> version = negotiateAndRemember(*client); !version)
        return version.error();
    return client;
}

Result<std::unique_ptr<DockerClient>>
connectEnvironmentHost(const Workspace& workspace, QStringView environment, ApiVersionSource source)
{
    const Result<DockerEndpoint> endpoint = environmentEndpoint(workspace, environment);
    if (!endpoint)
        return endpoint.error();
    return connectDocker(*endpoint, source);
}

} // namespace launchdeck
