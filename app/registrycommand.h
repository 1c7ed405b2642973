// `launchdeck registry`: logging in to an image registry (the credentials checked, then kept in
// the OS keyring), logging out, and a repository's tags newest first.
#pragma once

#include <QStringList>

namespace launchdeck {

// `arguments` follow the word "registry"; returns the exit status (0 success, 1 the registry or
// the keyring refused or failed, 2 bad usage).
int runRegistryCommand(const QStringList& arguments);

} // namespace launchdeck
