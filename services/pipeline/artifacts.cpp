// Copying artifact files and folders into a run's folder.
#include "pipeline/artifacts.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace launchdeck {

namespace {

bool copyFile(const QString& source, const QString& target, ArtifactCopy& result,
              const QString& runDir)
{
    QDir().mkpath(QFileInfo(target).absolutePath());
    QFile::remove(target);
    if (!QFile::copy(source, target)) {
        result.problems.append(QStringLiteral("could not copy artifact %1").arg(source));
        return false;
    }
    result.copied.append(QDir(runDir).relativeFilePath(target));
    return true;
}

} // namespace

ArtifactCopy copyArtifacts(const QStringList& patterns, const QString& from, const QString& into,
                           const QString& runDir)
{
    ArtifactCopy result;
    const QDir base(from);
    for (const QString& pattern : patterns) {
        QStringList matches;
        if (pattern.contains(u'*') || pattern.contains(u'?')) {
            const QFileInfo info(base.absoluteFilePath(pattern));
            const QDir folder = info.dir();
            const QStringList names = folder.entryList({info.fileName()}, QDir::Files | QDir::Dirs |
                                                                              QDir::NoDotAndDotDot);
            for (const QString& name : names)
                matches.append(folder.absoluteFilePath(name));
        } else if (QFileInfo::exists(base.absoluteFilePath(pattern))) {
            matches.append(base.absoluteFilePath(pattern));
        }
        if (matches.isEmpty()) {
            result.problems.append(QStringLiteral("artifact %1 was not found").arg(pattern));
            continue;
        }
        for (const QString& match : matches) {
            const QString relative = base.relativeFilePath(match);
            if (relative.startsWith(QStringLiteral(".."))) {
                result.problems.append(
                    QStringLiteral("artifact %1 lies outside the step's folder").arg(pattern));
                continue;
            }
            if (QFileInfo(match).isDir()) {
                QDirIterator it(match, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
                while (it.hasNext()) {
                    const QString file = it.next();
                    copyFile(file, QDir(into).filePath(base.relativeFilePath(file)), result,
                             runDir);
                }
            } else {
                copyFile(match, QDir(into).filePath(relative), result, runDir);
            }
        }
    }
    return result;
}

} // namespace launchdeck
