// The API version each Docker daemon settled on, by endpoint, for the whole process: a client
// made after the first for a daemon skips its /_ping and /version, the slowest answers of a
// deployment after container start and stop.
#pragma once

#include "core/result.h"
#include "docker/dockertypes.h"

#include <QString>

namespace launchdeck {

class DockerClient;
struct DockerEndpoint;

// Empty until a negotiation with the daemon at `endpoint` succeeded.
QString knownDockerApiVersion(const DockerEndpoint& endpoint);
// Negotiates on `client` and remembers the outcome; a failure forgets the endpoint's version.
Result<DockerVersion> negotiateAndRemember(DockerClient& client);

} // namespace launchdeck
