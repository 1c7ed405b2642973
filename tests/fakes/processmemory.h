// This process's resident memory as the kernel counts it, for tests that bound what a step holds.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

namespace launchdeck::test {

// Lets the kernel's high-water mark of resident memory start again from the current size.
inline void resetPeakResident()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    if (clearRefs.open(QIODevice::WriteOnly))
        clearRefs.write("5");
}

// The kernel's high-water mark of this process's resident memory.
inline qint64 peakResidentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace launchdeck::test
