// Many files checked on the global thread pool, results kept in file order.
#include "validation/checkfiles.h"

#include <QtConcurrent/QtConcurrentMap>

namespace launchdeck {

QList<FileCheck> checkFiles(const QStringList& paths, const ValidationOptions& options)
{
    // A lone file gains nothing from the pool but the hand-over.
    if (paths.size() < 2) {
        QList<FileCheck> checks;
        for (const QString& path : paths)
            checks.append(checkFile(path, options));
        return checks;
    }
    // blockingMapped() keeps the order of its input, whatever order the threads finish in.
    return QtConcurrent::blockingMapped<QList<FileCheck>>(
        paths, [&options](const QString& path) { return checkFile(path, options); });
}

} // namespace launchdeck
