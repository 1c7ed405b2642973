// The command-line face of Launchdeck: the commands CI calls, over the same services as the GUI.
#pragma once

#include <QStringList>

namespace launchdeck {

// Runs the command named in `arguments` (argv without the program name) and returns its exit
// status: 0 success, 1 the thing checked or run failed, 2 bad usage or unreadable input.
// Returns -1 when the arguments name no command, so the caller opens the console instead.
int runCommandLine(const QStringList& arguments);

} // namespace launchdeck
