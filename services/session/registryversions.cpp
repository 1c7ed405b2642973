// The registry's side of the Deploy dialog's versions.
#include "session/registryversions.h"

#include "docker/environmenthost.h"
#include "registry/registrycredentials.h"
#include "workspace/workspace.h"

#include <algorithm>

namespace launchdeck {

namespace {

// The daemon's insecure registries, when the environment runs on a Docker host that answers;
// none otherwise (the local tags report a host that does not).
QStringList daemonInsecureRegistries(const Workspace& workspace, const QString& environment)
{
    const Environment* env = workspace.environment(environment);
    const Target* target = env ? workspace.target(env->target) : nullptr;
    if (!target || target->type != Target::Type::Docker)
        return {};
    const Result<std::unique_ptr<DockerClient>> client =
        connectEnvironmentHost(workspace, environment, ApiVersionSource::ReuseKnown);
    if (!client)
        return {};
    const Result<QJsonObject> info = (*client)->info();
    return info ? registry::insecureRegistriesOf(*info) : QStringList();
}

} // namespace

Result<RegistryVersions> registryVersions(const Workspace& workspace, const QString& application,
                                          const QString& environment,
                                          const RegistryVersionsOptions& options)
{
    const Application* app = workspace.application(application);
    if (!app)
        return Error{QStringLiteral("no application '%1' in the workspace").arg(application),
                     workspace.file};
    const std::optional<registry::ImageRepository> repository =
        registry::parseImageRepository(app->image);
    if (!repository)
        return Error{QStringLiteral("the image of %1, \"%2\", names no repository")
                         .arg(application, app->image),
                     workspace.file};

    // As the daemon would be given them: the docker configuration's, else the keyring's.
    const Result<registry::FoundCredentials> found =
        registry::registryCredentials(repository->host, options.environment);
    if (!found)
        return Error{QStringLiteral("the credentials for %1: %2")
                         .arg(repository->host, found.error().message),
                     found.error().where};
    registry::DaemonRegistryConfig config;
    config.certsDir = options.certsDir;
    config.insecureRegistries =
        options.insecureRegistries.value_or(daemonInsecureRegistries(workspace, environment));
    const Result<registry::RegistryEndpoint> endpoint =
        registry::reachRegistry(repository->host, config, found->credentials);
    if (!endpoint)
        return endpoint.error();

    registry::RegistryClient client(*endpoint);
    Result<QList<registry::TagInfo>> tags =
        registry::tagsNewestFirst(client, repository->repository, 100, options.manifestLimit);
    if (!tags)
        return tags.error();
    const int dated =
        int(std::count_if(tags->begin(), tags->end(),
                          [](const registry::TagInfo& tag) { return tag.created.has_value(); }));
    RegistryVersions versions{repository->host, repository->repository, std::move(tags.value()),
                              dated};
    return versions;
}

RegistryVersionsFunction registryVersionsFunction(const Workspace& workspace,
                                                  RegistryVersionsOptions options)
{
    return [workspace, options](const QString& application, const QString& environment) {
        return registryVersions(workspace, application, environment, options);
    };
}

} // namespace launchdeck
