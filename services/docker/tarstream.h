// A POSIX tar archive (ustar, with pax extended headers where ustar falls short) produced piece
// by piece as its reader asks, so an upload of hundreds of megabytes holds one buffer at a time.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

namespace launchdeck {

struct TarEntry
{
    enum class Type { File, Directory, Symlink };

    Type type = Type::File;
    QString name;        // relative, '/'-separated; a directory's trailing '/' is added on writing
    QString sourcePath;  // the file whose bytes a File entry carries
    QString linkTarget;  // a Symlink's target, as readlink gives it
    quint32 mode = 0644; // permission bits with setuid, setgid and sticky
    qint64 mtime = 0;    // seconds since the epoch
    qint64 size = 0;     // of a File; the file's size when the entry is reached is what counts
};

// The header blocks of one entry: a pax extended header first when the name or link target is
// too long or not ASCII, or the size or mtime do not fit ustar's octal fields; then the ustar
// header. Owner and group are root, as the docker CLI sends them.
QByteArray tarHeader(const TarEntry& entry);

class TarStream final
{
public:
    explicit TarStream(QList<TarEntry> entries);
    TarStream(const TarStream&) = delete;
    TarStream& operator=(const TarStream&) = delete;

    // Copies up to `maxSize` next bytes of the archive into `data`: fewer only at its end, 0
    // once it is all out, -1 when a file cannot be read or shrank since it was listed
    // (errorString() says which).
    qint64 read(char* data, qint64 maxSize);
    const QString& errorString() const { return m_error; }
    qint64 bytesRead() const { return m_bytesRead; }
    bool atEnd() const { return m_finished && m_pendingOffset == m_pending.size(); }

private:
    // Queues the next entry's header and opens its file; false on an error.
    bool startEntry(const TarEntry& entry);

    QList<TarEntry> m_entries;
    qsizetype m_next = 0;
    QByteArray m_pending; // header or padding bytes not yet handed out
    qsizetype m_pendingOffset = 0;
    QFile m_file;
    qint64 m_fileRemaining = 0;
    qint64 m_filePadding = 0;
    bool m_finished = false; // the closing zero blocks are queued
    qint64 m_bytesRead = 0;
    QString m_error;
};

} // namespace launchdeck
