// The versions an application's registry holds, for the Deploy dialog beside the host's local
// tags: the repository's tags, the last ones with their manifest's creation time, newest first;
// the registry reached as the environment's Docker daemon reaches it (its certs.d CA, its
// insecure registries) with the credentials the docker configuration holds. Blocking: run on a
// pool thread.
#pragma once

#include "core/result.h"
#include "registry/registrylocation.h"
#include "registry/registrytags.h"

#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace launchdeck {

struct Workspace;

struct RegistryVersionsOptions
{
    // Manifests are asked for this many tags, the last in the registry's order, so a repository
    // of thousands of tags does not stall the dialog; the others are offered undated.
    int manifestLimit = 50;
    QString certsDir = registry::defaultCertificatesFolder();
    // None: the insecure registries of the environment's Docker daemon (GET /info); a cluster's
    // environment has none.
    std::optional<QStringList> insecureRegistries;
    // For the docker configuration (HOME, DOCKER_CONFIG, PATH for credential helpers).
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

struct RegistryVersions
{
    QString host;       // "registry.example.com:5000", "docker.io"
    QString repository; // "shop/web"
    // Dated tags newest first, then the undated ones, later in the registry's order first.
    QList<registry::TagInfo> tags;
    int dated = 0; // tags whose creation time is known
};

// The registry's tags of `application`'s image, for `environment` (whose Docker daemon says
// which registries are insecure). Fails in the registry's words (unreachable, unauthorized, no
// such repository) or the credential lookup's.
Result<RegistryVersions> registryVersions(const Workspace& workspace, const QString& application,
                                          const QString& environment,
                                          const RegistryVersionsOptions& options = {});

using RegistryVersionsFunction =
    std::function<Result<RegistryVersions>(const QString& application, const QString& environment)>;

// registryVersions() over a copy of `workspace`: what the Deployments tab gives the Deploy
// dialog.
RegistryVersionsFunction registryVersionsFunction(const Workspace& workspace,
                                                  RegistryVersionsOptions options = {});

} // namespace launchdeck
