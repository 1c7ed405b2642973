// The Docker host an environment of the workspace runs on, and a client ready to call it: the one
// way the deployment engine, its status and preview, and the console reach an environment.
#pragma once

#include "core/result.h"
#include "docker/dockerclient.h"
#include "docker/dockerendpoint.h"

#include <QStringView>

#include <memory>

namespace launchdeck {

struct Workspace;

// The endpoint of the environment's target. Fails, naming the workspace file, for an unknown
// environment, a target the workspace does not define, or a Kubernetes target.
Result<DockerEndpoint> environmentEndpoint(const Workspace& workspace, QStringView environment);

enum class ApiVersionSource {
    Negotiate,  // asks the daemon, and remembers its answer for later clients
    ReuseKnown, // the version remembered for the daemon; negotiates when there is none
};

// A client of `endpoint` with its API version settled.
Result<std::unique_ptr<DockerClient>>
connectDocker(const DockerEndpoint& endpoint,
              ApiVersionSource source = ApiVersionSource::Negotiate);
// The environment's host, connected: environmentEndpoint() then connectDocker().
Result<std::unique_ptr<DockerClient>>
connectEnvironmentHost(const Workspace& workspace, QStringView environment,
                       ApiVersionSource source = ApiVersionSource::Negotiate);

} // namespace launchdeck
