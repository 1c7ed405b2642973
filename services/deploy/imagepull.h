// Bringing a deployment's image to a Docker host from its registry: credentials as the docker
// CLI finds them, else from the keyring, the pull's progress as log lines, and the digest the host
// then knows the image by, which the revision records so that a rollback runs that image and not
// whatever the tag names since.
#pragma once

#include "core/result.h"
#include "docker/dockerendpoint.h"
#include "docker/dockerimagetransfer.h"

#include <QJsonObject>
#include <QString>

#include <atomic>
#include <functional>

namespace launchdeck::deploy {

// "repository@sha256:…" of `image`'s repository among an image inspect's RepoDigests; the image
// itself when it is a digest reference; empty when the host knows no digest for it (built
// here, never pushed or pulled).
QString repoDigestOf(const QJsonObject& inspect, const QString& image);

enum class ImageTransfer { Pull, Push };

// Pulls `image` through the daemon at `endpoint`, or pushes it from there: the registry's
// credentials from the docker configuration, else the keyring (none: anonymous), each layer's
// status logged as it changes and the bytes at most once a second, `cancel` honoured. Fails
// naming the image with the daemon's or the credential lookup's words; no password reaches `log`
// or the error.
Result<TransferredImage> transferImageLogged(const DockerEndpoint& endpoint,
                                             const QString& apiVersion, const QString& image,
                                             ImageTransfer direction,
                                             const std::function<void(const QString&)>& log,
                                             const std::atomic_bool* cancel);

// transferImageLogged() pulling: what VALIDATING does for an image the host does not have.
Result<TransferredImage> pullForDeployment(const DockerEndpoint& endpoint,
                                           const QString& apiVersion, const QString& image,
                                           const std::function<void(const QString&)>& log,
                                           const std::atomic_bool* cancel);

} // namespace launchdeck::deploy
