// File reads, atomic writes and the workspace scan, each run on Qt's thread pool.
#include "documentio.h"

#include "validation/validator.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

namespace {

// Editors open configuration, not data dumps: past this the file is refused with a message.
constexpr qint64 kMaxEditableBytes = 32 * 1024 * 1024;

Result<QByteArray> readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{file.errorString(), path};
    if (file.size() > kMaxEditableBytes)
        return Error{
            QCoreApplication::translate("launchdeck::DocumentIo", "the file is larger than 32 MiB"),
            path};
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return Error{file.errorString(), path};
    return bytes;
}

Result<bool> writeFile(const QString& path, const QByteArray& text)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{file.errorString(), path};
    if (file.write(text) != text.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return Error{reason, path};
    }
    if (!file.commit())
        return Error{file.errorString(), path};
    return true;
}

WorkspaceScan scan(const QString& root, const std::optional<Workspace>& workspace)
{
    WorkspaceScan result;
    result.root = QFileInfo(root).absoluteFilePath();
    result.name = QFileInfo(result.root).fileName();
    if (workspace) {
        result.loaded = true;
        if (!workspace->name.isEmpty())
            result.name = workspace->name;
        for (const Environment& environment : workspace->environments) {
            result.environmentNames.append(environment.name);
            result.environmentLevels.append(environment.validation);
        }
        result.strictestLevel = workspace->strictestLevel();
    }
    for (const QString& path : validationTargets(result.root)) {
        Result<QByteArray> bytes = readFile(path);
        if (bytes)
            result.files.append({path, std::move(bytes).value()});
        else
            result.unreadable.append(bytes.error().toString());
    }
    return result;
}

} // namespace

QFuture<Result<QByteArray>> readFileAsync(const QString& path)
{
    return QtConcurrent::run(readFile, path);
}

QFuture<Result<bool>> writeFileAsync(const QString& path, const QByteArray& text)
{
    return QtConcurrent::run(writeFile, path, text);
}

QFuture<WorkspaceScan> scanWorkspaceAsync(const QString& root,
                                          const std::optional<Workspace>& workspace)
{
    return QtConcurrent::run(scan, root, workspace);
}

} // namespace launchdeck
