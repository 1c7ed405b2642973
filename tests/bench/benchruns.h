// Repeated measurements as the benchmarks report them: the runs that did the whole work, and the
// runs that failed with why. A failed run is counted and shown, never averaged in or dropped.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <vector>

namespace launchdeck::bench {

class Runs final
{
public:
    void add(double value) { m_values.push_back(value); }
    void fail(const QString& why) { m_failures.append(why); }

    int succeeded() const { return int(m_values.size()); }
    int failed() const { return int(m_failures.size()); }
    int attempted() const { return succeeded() + failed(); }
    bool anySucceeded() const { return !m_values.empty(); }
    const std::vector<double>& values() const { return m_values; }
    const QStringList& failures() const { return m_failures; }

    // Of the successful runs only: the middle value (the mean of the two middle ones for an even
    // count); 0 when none succeeded, which count() then says.
    double median() const
    {
        if (m_values.empty())
            return 0;
        std::vector<double> sorted = m_values;
        std::sort(sorted.begin(), sorted.end());
        const size_t n = sorted.size();
        return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
    double min() const
    {
        return m_values.empty() ? 0 : *std::min_element(m_values.begin(), m_values.end());
    }
    double max() const
    {
        return m_values.empty() ? 0 : *std::max_element(m_values.begin(), m_values.end());
    }

    // "3 runs" when all succeeded, else "2 of 3 runs; 1 failed: why"; each distinct reason once.
    QString count() const
    {
        const QString runs = attempted() == 1 ? QStringLiteral("run") : QStringLiteral("runs");
        if (m_failures.isEmpty())
            return QStringLiteral("%1 %2").arg(succeeded()).arg(runs);
        QStringList reasons = m_failures;
        reasons.removeDuplicates();
        return QStringLiteral("%1 of %2 %3; %4 failed: %5")
            .arg(succeeded())
            .arg(attempted())
            .arg(runs)
            .arg(failed())
            .arg(reasons.join(QStringLiteral("; ")));
    }

private:
    std::vector<double> m_values;
    QStringList m_failures;
};

// The ratio of two medians, or 0 when the reference has none.
inline double ratio(double value, double reference)
{
    return reference > 0 ? value / reference : 0;
}

// The value below which `share` (0.99: p99) of the sorted samples lie; 0 for none.
inline double percentile(const QList<double>& sorted, double share)
{
    if (sorted.isEmpty())
        return 0;
    return sorted[std::min<qsizetype>(sorted.size() - 1, qsizetype(share * double(sorted.size())))];
}

// A field of /proc/self/status in KiB: "VmRSS" now, "VmHWM" at the peak; -1 when unreadable.
inline qint64 statusKiB(const QByteArray& field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray key = field + ':';
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace launchdeck::bench
