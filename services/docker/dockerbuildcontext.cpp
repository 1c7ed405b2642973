// Listing a build context as the docker CLI does: a walk in name order that skips what
// .dockerignore excludes, yet enters excluded folders where an exception may bring files back.
#include "docker/dockerbuildcontext.h"

#include "docker/dockerignore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace launchdeck {

namespace {

struct Walk
{
    const DockerIgnore& ignore;
    DockerBuildContext& context;
    const std::atomic<bool>* cancelled;
};

QString readLink(const QString& path)
{
    QByteArray target(4096, '\0');
    const ssize_t length =
        ::readlink(QFile::encodeName(path).constData(), target.data(), size_t(target.size()));
    return length < 0 ? QString() : QFile::decodeName(target.left(length));
}

// Go's Walk visits names in byte order; UTF-8 bytes keep that order across non-ASCII names.
QStringList sortedNames(const QString& dir)
{
    QStringList names = QDir(dir).entryList(
        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::NoSort);
    std::sort(names.begin(), names.end(),
              [](const QString& a, const QString& b) { return a.toUtf8() < b.toUtf8(); });
    return names;
}

Result<bool> walk(Walk& state, const QString& dir, const QString& relativeDir)
{
    if (state.cancelled && state.cancelled->load())
        return Error{QStringLiteral("listing the build context was cancelled"), dir};
    for (const QString& name : sortedNames(dir)) {
        const QString path = dir + u'/' + name;
        const QString relative = relativeDir.isEmpty() ? name : relativeDir + u'/' + name;
        struct stat info = {};
        if (::lstat(QFile::encodeName(path).constData(), &info) != 0)
            return Error{QStringLiteral("cannot read the file's status"), path};
        const bool isDir = S_ISDIR(info.st_mode);
        bool enterOnly = false;
        if (state.ignore.excludes(relative)) {
            if (!isDir || !state.ignore.hasExceptions() || !state.ignore.mayIncludeBelow(relative))
                continue;
            enterOnly = true;
        }

        TarEntry entry;
        entry.name = relative;
        entry.mode = quint32(info.st_mode & 07777);
        entry.mtime = qint64(info.st_mtim.tv_sec);
        if (isDir) {
            entry.type = TarEntry::Type::Directory;
            if (::access(QFile::encodeName(path).constData(), R_OK | X_OK) != 0)
                return Error{QStringLiteral("cannot read the folder"), path};
        } else if (S_ISREG(info.st_mode)) {
            entry.type = TarEntry::Type::File;
            entry.sourcePath = path;
            entry.size = qint64(info.st_size);
            if (::access(QFile::encodeName(path).constData(), R_OK) != 0)
                return Error{QStringLiteral("cannot read the file"), path};
            state.context.fileBytes += entry.size;
        } else if (S_ISLNK(info.st_mode)) {
            entry.type = TarEntry::Type::Symlink;
            entry.linkTarget = readLink(path);
        } else {
            continue; // sockets, pipes and devices have no place in an image's context
        }
        if (!enterOnly)
            state.context.entries.append(std::move(entry));
        if (isDir) {
            Result<bool> below = walk(state, path, relative);
            if (!below)
                return below;
        }
    }
    return true;
}

} // namespace

Result<DockerBuildContext> listDockerBuildContext(const QString& contextDir,
                                                  const QString& dockerfile,
                                                  const std::atomic<bool>* cancelled)
{
    const QFileInfo folder(contextDir);
    if (contextDir.isEmpty() || !folder.isDir())
        return Error{QStringLiteral("the build context folder %1 does not exist").arg(contextDir),
                     {}};
    DockerBuildContext context;
    context.root = QDir::cleanPath(folder.absoluteFilePath());

    const QString relative =
        cleanDockerPath(dockerfile.isEmpty() ? QStringLiteral("Dockerfile") : dockerfile);
    const QString dockerfilePath = context.root + u'/' + relative;
    if (relative.startsWith(u'/') || relative == u".." || relative.startsWith(u"../")) {
        return Error{QStringLiteral("the Dockerfile %1 is outside the build context %2")
                         .arg(dockerfile, context.root),
                     {}};
    }
    const QFileInfo dockerfileInfo(dockerfilePath);
    if (!dockerfileInfo.exists())
        return Error{QStringLiteral("the Dockerfile %1 does not exist").arg(dockerfilePath), {}};
    if (!dockerfileInfo.isFile())
        return Error{QStringLiteral("the Dockerfile %1 is not a file").arg(dockerfilePath), {}};
    context.dockerfile = relative;

    Result<DockerIgnore> ignore = DockerIgnore::load(context.root);
    if (!ignore)
        return ignore.error();
    ignore.value().keep(QStringLiteral(".dockerignore"));
    ignore.value().keep(relative);

    Walk state{ignore.value(), context, cancelled};
    Result<bool> walked = walk(state, context.root, {});
    if (!walked)
        return walked.error();
    return context;
}

} // namespace launchdeck
