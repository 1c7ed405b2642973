// The build context of `docker build`: the Dockerfile checked, .dockerignore applied, and the
// folder listed as the tar entries the daemon receives.
#pragma once

#include "core/result.h"
#include "docker/tarstream.h"

#include <QList>
#include <QString>

#include <atomic>

namespace launchdeck {

struct DockerBuildContext
{
    QString root;       // the context folder, absolute
    QString dockerfile; // relative to root, cleaned, '/'-separated: what /build?dockerfile= takes
    QList<TarEntry> entries;
    qint64 fileBytes = 0; // the files' sizes as listed
};

// Fails before anything is read when the folder or the Dockerfile (relative to the folder,
// default "Dockerfile") is missing, naming the path. Sockets, pipes and devices are left out;
// symbolic links are sent as links, never followed. The Dockerfile and .dockerignore are sent
// even when .dockerignore excludes them. A walk that sees `cancelled` set stops with an error.
Result<DockerBuildContext> listDockerBuildContext(const QString& contextDir,
                                                  const QString& dockerfile = {},
                                                  const std::atomic<bool>* cancelled = nullptr);

} // namespace launchdeck
