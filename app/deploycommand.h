// `launchdeck deploy`, `launchdeck rollback` and `launchdeck status`: the deployment engine from
// the command line, for CI. Progress goes to stderr, the result to stdout.
#pragma once

#include <QString>
#include <QStringList>

namespace launchdeck {

// `arguments` follow the command word. Exit 0 COMPLETED, 1 FAILED, ROLLED_BACK, cancelled or an
// unreachable host, 2 bad usage (also a protected environment without --confirm).
int runDeployCommand(const QStringList& arguments, const QString& workspaceDir);
int runRollbackCommand(const QStringList& arguments, const QString& workspaceDir);
// Exit 0, or 1 when a Docker host could not be asked.
int runStatusCommand(const QStringList& arguments, const QString& workspaceDir);

} // namespace launchdeck
