// Writing tar headers (POSIX.1-2001: ustar plus pax records) and streaming an archive of files
// from disk without holding more than the current header and the reader's buffer.
#include "docker/tarstream.h"

#include <cstring>

namespace launchdeck {

namespace {

constexpr qsizetype kBlock = 512;
constexpr qsizetype kNameSize = 100;
constexpr qsizetype kPrefixSize = 155;
constexpr quint64 kMaxOctal11 = 077777777777ULL; // the largest 12-byte field value

bool isAscii(const QByteArray& bytes)
{
    for (const char byte : bytes) {
        if (static_cast<unsigned char>(byte) >= 0x80 || byte == '\0')
            return false;
    }
    return true;
}

// `width` bytes: octal digits, zero-padded, then a NUL.
void putOctal(char* field, qsizetype width, quint64 value)
{
    field[width - 1] = '\0';
    for (qsizetype i = width - 2; i >= 0; --i) {
        field[i] = char('0' + (value & 7));
        value >>= 3;
    }
}

void putString(char* field, qsizetype width, const QByteArray& text)
{
    std::memcpy(field, text.constData(), size_t(qMin(width, text.size())));
}

// ustar's split of a long name into prefix and name at a '/', as Go's archive/tar does it.
bool splitUstarName(const QByteArray& name, QByteArray* prefix, QByteArray* rest)
{
    if (name.size() <= kNameSize || !isAscii(name))
        return false;
    qsizetype length = name.size();
    if (length > kPrefixSize + 1)
        length = kPrefixSize + 1;
    else if (name.at(length - 1) == '/')
        --length;
    const qsizetype slash = name.left(length).lastIndexOf('/');
    const qsizetype restLength = name.size() - slash - 1;
    if (slash <= 0 || restLength > kNameSize || restLength == 0 || slash > kPrefixSize)
        return false;
    *prefix = name.left(slash);
    *rest = name.mid(slash + 1);
    return true;
}

// "<length> <key>=<value>\n", where the length counts its own digits.
QByteArray paxRecord(const QByteArray& key, const QByteArray& value)
{
    const qsizetype body = 1 + key.size() + 1 + value.size() + 1;
    qsizetype total = body + 1;
    while (QByteArray::number(total).size() + body != total)
        total = QByteArray::number(total).size() + body;
    return QByteArray::number(total) + ' ' + key + '=' + value + '\n';
}

QByteArray block(const QByteArray& name, const QByteArray& prefix, char type, quint32 mode,
                 quint64 size, quint64 mtime, const QByteArray& linkName)
{
    QByteArray header(kBlock, '\0');
    char* h = header.data();
    putString(h, kNameSize, name);
    putOctal(h + 100, 8, mode);
    putOctal(h + 108, 8, 0); // uid
    putOctal(h + 116, 8, 0); // gid
    putOctal(h + 124, 12, size);
    putOctal(h + 136, 12, mtime);
    h[156] = type;
    putString(h + 157, kNameSize, linkName);
    std::memcpy(h + 257,
                "ustar\0"
                "00",
                8);
    putString(h + 345, kPrefixSize, prefix);
    // The checksum is computed with its own field read as spaces.
    std::memset(h + 148, ' ', 8);
    quint32 sum = 0;
    for (const char byte : header)
        sum += static_cast<unsigned char>(byte);
    putOctal(h + 148, 7, sum);
    h[155] = ' ';
    return header;
}

qint64 paddingFor(qint64 size)
{
    return (kBlock - size % kBlock) % kBlock;
}

} // namespace

QByteArray tarHeader(const TarEntry& entry)
{
    QByteArray name = entry.name.toUtf8();
    if (entry.type == TarEntry::Type::Directory && !name.endsWith('/'))
        name += '/';
    const QByteArray link = entry.linkTarget.toUtf8();
    const quint64 size =
        entry.type == TarEntry::Type::File ? quint64(qMax<qint64>(0, entry.size)) : 0;

    QByteArray records;
    QByteArray ustarName = name;
    QByteArray prefix;
    if (name.size() > kNameSize || !isAscii(name)) {
        QByteArray rest;
        if (splitUstarName(name, &prefix, &rest)) {
            ustarName = rest;
        } else {
            records += paxRecord("path", name);
            ustarName = name.left(kNameSize);
        }
    }
    if (link.size() > kNameSize || !isAscii(link))
        records += paxRecord("linkpath", link);
    if (size > kMaxOctal11)
        records += paxRecord("size", QByteArray::number(size));
    if (entry.mtime < 0 || quint64(entry.mtime) > kMaxOctal11)
        records += paxRecord("mtime", QByteArray::number(entry.mtime));

    const quint64 mtime = quint64(qBound<qint64>(0, entry.mtime, qint64(kMaxOctal11)));
    char type = '0';
    if (entry.type == TarEntry::Type::Directory)
        type = '5';
    else if (entry.type == TarEntry::Type::Symlink)
        type = '2';

    QByteArray out;
    if (!records.isEmpty()) {
        const qsizetype slash = name.lastIndexOf('/', name.size() - 2);
        const QByteArray base = name.mid(slash + 1);
        out += block(QByteArray("PaxHeaders.0/" + base).left(kNameSize), {}, 'x', 0644,
                     quint64(records.size()), mtime, {});
        out += records;
        out += QByteArray(paddingFor(records.size()), '\0');
    }
    out += block(ustarName, prefix, type, entry.mode & 07777, qMin(size, kMaxOctal11), mtime,
                 link.left(kNameSize));
    return out;
}

TarStream::TarStream(QList<TarEntry> entries)
    : m_entries(std::move(entries))
{}

bool TarStream::startEntry(const TarEntry& entry)
{
    TarEntry current = entry;
    if (entry.type == TarEntry::Type::File) {
        m_file.setFileName(entry.sourcePath);
        if (!m_file.open(QIODevice::ReadOnly)) {
            m_error =
                QStringLiteral("cannot read %1: %2").arg(entry.sourcePath, m_file.errorString());
            return false;
        }
        // The size now, not when the context was listed: that is what will be read.
        current.size = m_file.size();
        m_fileRemaining = current.size;
        m_filePadding = paddingFor(current.size);
        if (m_fileRemaining == 0)
            m_file.close();
    }
    m_pending = tarHeader(current);
    m_pendingOffset = 0;
    return true;
}

qint64 TarStream::read(char* data, qint64 maxSize)
{
    if (!m_error.isEmpty())
        return -1;
    qint64 total = 0;
    while (total < maxSize) {
        if (m_pendingOffset < m_pending.size()) {
            const qint64 count = qMin(maxSize - total, qint64(m_pending.size() - m_pendingOffset));
            std::memcpy(data + total, m_pending.constData() + m_pendingOffset, size_t(count));
            m_pendingOffset += count;
            total += count;
            continue;
        }
        if (m_fileRemaining > 0) {
            const qint64 count = m_file.read(data + total, qMin(maxSize - total, m_fileRemaining));
            if (count <= 0) {
                m_error = QStringLiteral("%1 shrank or became unreadable while it was sent: %2")
                              .arg(m_file.fileName(), m_file.errorString());
                m_file.close();
                return -1;
            }
            m_fileRemaining -= count;
            total += count;
            if (m_fileRemaining == 0) {
                m_file.close();
                m_pending = QByteArray(m_filePadding, '\0');
                m_pendingOffset = 0;
            }
            continue;
        }
        if (m_next < m_entries.size()) {
            if (!startEntry(m_entries.at(m_next++)))
                return -1;
            continue;
        }
        if (!m_finished) {
            m_finished = true;
            m_pending = QByteArray(2 * kBlock, '\0');
            m_pendingOffset = 0;
            continue;
        }
        break;
    }
    m_bytesRead += total;
    return total;
}

} // namespace launchdeck
