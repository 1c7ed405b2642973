// Keeping a step's artifacts with its run: files, folders and wildcard patterns are copied into
// the run's folder so they outlive the workspace's next build.
#pragma once

#include <QString>
#include <QStringList>

namespace launchdeck {

struct ArtifactCopy
{
    QStringList copied;   // relative to the run's folder
    QStringList problems; // one sentence each, for the step's log
};

// `patterns` are relative to `from`; copies go below `into`, which lies inside `runDir`.
ArtifactCopy copyArtifacts(const QStringList& patterns, const QString& from, const QString& into,
                           const QString& runDir);

} // namespace launchdeck
