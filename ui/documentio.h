// Reading and writing the files the editor opens, off the GUI thread: a slow or hung disk
// must not freeze the window.
#pragma once

#include "core/diagnostic.h"
#include "core/result.h"
#include "workspace/workspace.h"

#include <QByteArray>
#include <QFuture>
#include <QList>
#include <QString>
#include <QStringList>

namespace launchdeck {

QFuture<Result<QByteArray>> readFileAsync(const QString& path);
// Atomic: the file is replaced only once the whole text is on disk (QSaveFile).
QFuture<Result<bool>> writeFileAsync(const QString& path, const QByteArray& text);

// What opening a workspace needs from disk, gathered in one background pass.
struct WorkspaceScan
{
    QString root;
    QString name;
    QStringList environmentNames;
    QList<ValidationLevel> environmentLevels;
    ValidationLevel strictestLevel = ValidationLevel::Standard;
    bool loaded = false;                     // launchdeck.yaml could be parsed (by the session)
    QList<QPair<QString, QByteArray>> files; // every YAML file validation covers
    QStringList unreadable;                  // files that could not be read, with the reason
};

// The environments come from the workspace the session parsed; the files are read here.
QFuture<WorkspaceScan> scanWorkspaceAsync(const QString& root,
                                          const std::optional<Workspace>& workspace);

} // namespace launchdeck
