// First-run setup: the sample workspace ships read-only inside the binary and is copied to the
// user's data folder so it can be edited.
#include "workspace/workspace.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace launchdeck {

Result<QString> ensureSampleWorkspace(const QString& sourceDir, const QString& dataDir)
{
    const QString destination = QDir(dataDir).filePath(QStringLiteral("sample-workspace"));
    if (QFileInfo::exists(QDir(destination).filePath(QString::fromUtf16(kWorkspaceFileName))))
        return destination;
    if (!QFileInfo(sourceDir).isDir())
        return Error{QStringLiteral("the sample workspace is missing from this build"), sourceDir};
    QDirIterator it(sourceDir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString relative = QDir(sourceDir).relativeFilePath(source);
        const QString target = QDir(destination).filePath(relative);
        if (!QDir().mkpath(QFileInfo(target).absolutePath()))
            return Error{QStringLiteral("cannot create folder"), QFileInfo(target).absolutePath()};
        if (QFileInfo::exists(target))
            continue;
        if (!QFile::copy(source, target))
            return Error{QStringLiteral("cannot copy the sample workspace"), target};
        // Files from a Qt resource are read-only; the copy is the user's to edit.
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                          QFile::ReadOther);
    }
    return destination;
}

} // namespace launchdeck
