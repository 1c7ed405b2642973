// Masking secret values in byte streams and text.
#include "secretmasker.h"

#include <algorithm>
#include <cstring>

namespace launchdeck {

void SecretMasker::add(const QString& value)
{
    const QStringList lines = value.split(u'\n');
    for (QString line : lines) {
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        const QByteArray bytes = line.toUtf8();
        if (m_values.contains(bytes))
            continue;
        m_values.append(bytes);
        m_longest = std::max(m_longest, bytes.size());
    }
    std::sort(m_values.begin(), m_values.end(),
              [](const QByteArray& a, const QByteArray& b) { return a.size() > b.size(); });
}

bool SecretMasker::occursIn(QByteArrayView bytes) const
{
    return std::any_of(m_values.begin(), m_values.end(), [&](const QByteArray& value) {
        return ::memmem(bytes.data(), static_cast<size_t>(bytes.size()), value.constData(),
                        static_cast<size_t>(value.size())) != nullptr;
    });
}

bool SecretMasker::mask(QByteArray& bytes) const
{
    bool changed = false;
    for (const QByteArray& value : m_values) {
        if (bytes.contains(value)) {
            bytes.replace(value, m_mask);
            changed = true;
        }
    }
    return changed;
}

QString SecretMasker::mask(const QString& text) const
{
    if (m_values.isEmpty())
        return text;
    QByteArray bytes = text.toUtf8();
    return mask(bytes) ? QString::fromUtf8(bytes) : text;
}

qsizetype SecretMasker::safeCut(QByteArrayView bytes, qsizetype wanted) const
{
    qsizetype cut = std::min(wanted, bytes.size());
    for (const QByteArray& value : m_values) {
        // An occurrence straddles the cut when it starts in (cut - size, cut).
        const qsizetype from = std::max<qsizetype>(0, cut - value.size() + 1);
        for (qsizetype at = bytes.indexOf(value, from); at >= 0 && at < cut;
             at = bytes.indexOf(value, at + 1)) {
            if (at + value.size() > cut) {
                cut = at;
                break;
            }
        }
    }
    // Never cut inside a UTF-8 sequence: back up over continuation bytes.
    qsizetype utf8 = cut;
    while (utf8 > 0 && utf8 < bytes.size() &&
           (static_cast<unsigned char>(bytes[utf8]) & 0xC0) == 0x80 && cut - utf8 < 4)
        --utf8;
    if (utf8 > 0)
        cut = utf8;
    return cut > 0 ? cut : std::min(wanted, bytes.size());
}

} // namespace launchdeck
