// Reading a file whole for validation with as few system calls as it takes: `launchdeck
// validate` of a folder opens, measures and reads thousands of small files, where QFile's
// engine costs several times the reading itself.
#pragma once

#include <QByteArray>
#include <QString>

namespace launchdeck {

struct TextFile
{
    enum class Status { Read, Folder, TooLarge, Unreadable };
    Status status = Status::Unreadable;
    QByteArray bytes; // Read: the whole content
    qint64 size = 0;  // TooLarge: the size on disk
    QString error;    // Unreadable: why, in QFile's words
};

// The content of `path`, unless it is a folder, larger than `maxBytes` or cannot be opened.
TextFile readTextFile(const QString& path, qint64 maxBytes);

} // namespace launchdeck
