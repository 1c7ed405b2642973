// `launchdeck history`: the deployment ledger, its metrics and the audit chain's check.
#pragma once

#include <QStringList>

namespace launchdeck {

// `arguments` follow the word "history"; returns the exit status (0 success or an intact
// chain, 1 a broken chain or an unreadable database, 2 bad usage).
int runHistoryCommand(const QStringList& arguments);

} // namespace launchdeck
