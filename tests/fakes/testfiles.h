// Files the tests write and copy: a file with its folders made (or written saying why not), a
// file read whole, a tree copied (the sample workspace into a temporary folder, for a test that
// edits it).
#pragma once

#include <QByteArray>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QString>

namespace launchdeck::test {

inline bool writeFile(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

// The same for a fixture that says why it could not.
inline bool writeText(const QString& path, const QByteArray& text, QString* error)
{
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size())
        return true;
    if (error)
        *error = u"cannot write " + path + u": " + file.errorString();
    return false;
}

inline QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline bool copyTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        if (!writeFile(to + u'/' + QDir(from).relativeFilePath(source), readFile(source)))
            return false;
    }
    return true;
}

} // namespace launchdeck::test
