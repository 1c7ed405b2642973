// Process groups and /proc scans used to end a step's whole process tree.
#include "pipeline/processtree.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace launchdeck::processtree {

namespace {

// Fields of /proc/<pid>/stat after the parenthesised command name (which may contain spaces).
QList<QByteArray> statFields(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    const qsizetype close = text.lastIndexOf(')');
    if (close < 0)
        return {};
    return text.mid(close + 2).split(' ');
}

QList<qint64> allPids()
{
    QList<qint64> pids;
    const QStringList names =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& name : names) {
        bool ok = false;
        const qint64 pid = name.toLongLong(&ok);
        if (ok)
            pids.append(pid);
    }
    return pids;
}

} // namespace

bool signalGroup(qint64 pgid, int signal)
{
    if (pgid <= 1)
        return false;
    return ::kill(static_cast<pid_t>(-pgid), signal) == 0;
}

bool groupAlive(qint64 pgid)
{
    if (pgid <= 1 || (::kill(static_cast<pid_t>(-pgid), 0) != 0 && errno == ESRCH))
        return false;
    for (const qint64 pid : allPids()) {
        const QList<QByteArray> fields = statFields(pid);
        // fields[0] is the state, fields[2] the process group.
        if (fields.size() > 2 && fields[2].toLongLong() == pgid && fields[0] != "Z" &&
            fields[0] != "X")
            return true;
    }
    return false;
}

QList<qint64> processesWithEnvironment(const QByteArray& entry)
{
    QList<qint64> found;
    const qint64 self = ::getpid();
    for (const qint64 pid : allPids()) {
        if (pid == self)
            continue;
        QFile file(QStringLiteral("/proc/%1/environ").arg(pid));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> entries = file.readAll().split('\0');
        if (entries.contains(entry)) {
            const QList<QByteArray> fields = statFields(pid);
            if (!fields.isEmpty() && fields[0] != "Z")
                found.append(pid);
        }
    }
    return found;
}

int signalMarked(const QByteArray& entry, int signal)
{
    int count = 0;
    for (const qint64 pid : processesWithEnvironment(entry)) {
        if (::kill(static_cast<pid_t>(pid), signal) == 0)
            ++count;
    }
    return count;
}

int endProcessesOfRuns(const QStringList& runIds)
{
    int ended = 0;
    for (const QString& runId : runIds)
        ended += signalMarked(QByteArray("LAUNCHDECK_RUN_ID=") + runId.toUtf8(), SIGKILL);
    return ended;
}

} // namespace launchdeck::processtree
