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
    const qsizetype limit = std::min(wanted, bytes.size());
    const auto continues = [bytes](qsizetype at) {
        return at < bytes.size() && (static_cast<unsigned char>(bytes[at]) & 0xC0) == 0x80;
    };
    qsizetype cut = limit;
    // Backing up for a secret or for a UTF-8 sequence can land inside the other (stray
    // continuation bytes right after a secret), so both are checked until the cut stays put. The
    // cut only moves back, so this ends.
    for (qsizetype checked = -1; cut > 0 && cut != checked;) {
        checked = cut;
        for (const QByteArray& value : m_values) {
            // An occurrence straddles the cut when it starts in (cut - size, cut).
            const qsizetype from = std::max<qsizetype>(0, cut - value.size() + 1);
            const qsizetype to = std::min(bytes.size(), cut + value.size() - 1);
            const qsizetype at = bytes.sliced(from, to - from).indexOf(value);
            if (at >= 0)
                cut = from + at;
        }
        // Never cut inside a UTF-8 sequence: back up to its first byte, at most 3 bytes back.
        qsizetype start = cut;
        while (start > 0 && cut - start < 3 && continues(start))
            --start;
        if (start > 0 && !continues(start))
            cut = start;
    }
    return cut > 0 ? cut : limit;
}

} // namespace launchdeck
