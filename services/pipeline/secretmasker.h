// Replaces secret values with *** in output before it is stored or shown anywhere.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace launchdeck {

class SecretMasker final
{
public:
    static constexpr QByteArrayView kMask = "***";

    SecretMasker() = default;
    // Masks with `mask` instead of kMask, for a view whose readers expect another width.
    explicit SecretMasker(QByteArrayView mask)
        : m_mask(mask.toByteArray())
    {}

    // Multi-line values are masked line by line, as a step may print them one line at a time.
    void add(const QString& value);
    bool isEmpty() const { return m_values.isEmpty(); }
    // Bytes of the longest value: how much output must be held back before a cut.
    qsizetype longest() const { return m_longest; }

    // True when a value occurs in `bytes`: one pass per value, so clean output is passed on as is.
    bool occursIn(QByteArrayView bytes) const;
    // True when something was replaced.
    bool mask(QByteArray& bytes) const;
    QString mask(const QString& text) const;

    // The largest position <= `wanted` at which `bytes` can be cut without splitting a secret
    // or a UTF-8 sequence, or `wanted` when there is none. `bytes` must hold at least
    // longest() - 1 bytes after `wanted`.
    qsizetype safeCut(QByteArrayView bytes, qsizetype wanted) const;

private:
    QList<QByteArray> m_values; // longest first, so a value containing another is masked whole
    qsizetype m_longest = 0;
    QByteArray m_mask = kMask.toByteArray();
};

} // namespace launchdeck
