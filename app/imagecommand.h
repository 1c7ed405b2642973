// `launchdeck image pull|push`: images moved between an environment's Docker host and their
// registries, with the credentials deployments use.
#pragma once

#include <QStringList>

namespace launchdeck {

int runImageCommand(QStringList args, const QString& workspaceDir);

} // namespace launchdeck
