// Building a deployment's image from the workspace when neither the Docker host nor its registry
// has the version deployed (an application's `build:`): the base images checked first, so that a
// machine that cannot reach them hears which one is missing and how to provide it, then the
// daemon's build with its output in the job's log, tagged as the deployment's image.
#pragma once

#include "core/result.h"
#include "docker/dockerendpoint.h"
#include "workspace/workspace.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <optional>

namespace launchdeck::deploy {

// The images a Dockerfile's FROM lines start from, in order: `--platform` skipped, ${ARG} and
// $ARG replaced from `args` and the ARG defaults before the first FROM, earlier stages' names and
// `scratch` left out. A reference that still holds a variable is left out (it cannot be checked
// before the build).
QStringList dockerfileBaseImages(const QString& dockerfile,
                                 const QList<std::pair<QString, QString>>& args);

struct ImageBuildHooks
{
    // Whether the host has an image (blocking; an error stops the build).
    std::function<Result<bool>(const QString& image)> present;
    // Pulls a base image that is missing; its progress goes to the log.
    std::function<Result<bool>(const QString& image)> pull;
    std::function<void(const QString&)> log;
    const std::atomic_bool* cancel = nullptr;
};

// Builds `image` ("storefront/web:1.4.2") from `build` of the workspace at `workspaceRoot` on the
// daemon at `endpoint`: each base image present or pulled, then POST /build with the build's
// arguments, every output line logged. Returns the image id; fails naming the Dockerfile and,
// for a base image it could not get, that image and how to provide it.
Result<QString> buildForDeployment(const DockerEndpoint& endpoint, const QString& apiVersion,
                                   const QString& workspaceRoot, const BuildSpec& build,
                                   const QString& image, const ImageBuildHooks& hooks);

} // namespace launchdeck::deploy
