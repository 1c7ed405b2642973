// Whole-file reads: open, fstat and read on Unix; QFile elsewhere and for every failure, so a
// failure is worded as QFile words it.
#include "validation/textfile.h"

#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace launchdeck {

namespace {

TextFile readWithQFile(const QString& path, qint64 maxBytes)
{
    TextFile result;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        if (QFileInfo(path).isDir())
            result.status = TextFile::Status::Folder;
        else
            result.error = file.errorString();
        return result;
    }
    if (file.size() > maxBytes) {
        result.status = TextFile::Status::TooLarge;
        result.size = file.size();
        return result;
    }
    result.status = TextFile::Status::Read;
    result.bytes = file.readAll();
    return result;
}

#ifdef Q_OS_UNIX
// Reads to the end (a file may grow while it is read, a pipe has no size); a read error ends
// the text where it happened, as QIODevice::readAll() does.
QByteArray readToEnd(int fd, qint64 sizeHint)
{
    QByteArray bytes(qMax<qint64>(sizeHint, 0) + 1, Qt::Uninitialized);
    qint64 filled = 0;
    for (;;) {
        if (filled == bytes.size())
            bytes.resize(bytes.size() * 2);
        const ssize_t got = ::read(fd, bytes.data() + filled, size_t(bytes.size() - filled));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        filled += got;
    }
    bytes.truncate(filled);
    return bytes;
}
#endif

} // namespace

TextFile readTextFile(const QString& path, qint64 maxBytes)
{
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return readWithQFile(path, maxBytes);
    const auto closeFile = qScopeGuard([fd] { ::close(fd); });
    struct stat info;
    if (::fstat(fd, &info) != 0)
        return readWithQFile(path, maxBytes);
    TextFile result;
    if (S_ISDIR(info.st_mode)) {
        result.status = TextFile::Status::Folder;
    } else if (info.st_size > maxBytes) {
        result.status = TextFile::Status::TooLarge;
        result.size = info.st_size;
    } else {
        result.status = TextFile::Status::Read;
        result.bytes = readToEnd(fd, info.st_size);
    }
    return result;
#else
    return readWithQFile(path, maxBytes);
#endif
}

} // namespace launchdeck
