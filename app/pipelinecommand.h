// `launchdeck pipeline list|run`: the workspace's pipelines from the command line.
#pragma once

#include <QStringList>

namespace launchdeck {

// `arguments` follow the word "pipeline"; returns the exit status (0 success, 1 failed,
// 2 bad usage or input, 130 cancelled).
int runPipelineCommand(const QStringList& arguments, const QString& workspaceDir);

} // namespace launchdeck
