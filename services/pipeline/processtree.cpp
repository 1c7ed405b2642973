// Process groups and /proc scans used to end a step's whole process tree.
#include "pipeline/processtree.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <string>
#include <string_view>
#include <unistd.h>

namespace launchdeck::processtree {

namespace {

// The whole of /proc/<pid>/<name>, read with one descriptor and no Qt file machinery: a step's
// end scans every process, so the cost is paid per process on the machine.
bool readProcFile(qint64 pid, const char* name, std::string& text)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%lld/%s", static_cast<long long>(pid), name);
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    text.clear();
    char block[4096];
    ssize_t got = 0;
    while ((got = ::read(fd, block, sizeof block)) > 0)
        text.append(block, static_cast<size_t>(got));
    ::close(fd);
    return got == 0;
}

struct ProcState
{
    char state = 0;
    qint64 group = 0;
};

// State and process group from /proc/<pid>/stat, after the parenthesised command name (which may
// contain spaces and parentheses).
std::optional<ProcState> procState(qint64 pid, std::string& text)
{
    if (!readProcFile(pid, "stat", text))
        return std::nullopt;
    const size_t close = text.rfind(')');
    if (close == std::string::npos || close + 2 >= text.size())
        return std::nullopt;
    ProcState proc;
    proc.state = text[close + 2];
    // "<state> <ppid> <pgrp> ...": the group is the third field.
    const char* fields = text.c_str() + close + 2;
    for (int skip = 0; skip < 2 && fields; ++skip) {
        fields = std::strchr(fields, ' ');
        if (fields)
            ++fields;
    }
    if (!fields)
        return std::nullopt;
    proc.group = std::strtoll(fields, nullptr, 10);
    return proc;
}

bool running(char state)
{
    return state != 'Z' && state != 'X';
}

// Calls visit(pid) for every process listed in /proc.
template <typename Visit> void forEachPid(Visit&& visit)
{
    DIR* proc = ::opendir("/proc");
    if (!proc)
        return;
    while (const dirent* entry = ::readdir(proc)) {
        char* end = nullptr;
        const long long pid = std::strtoll(entry->d_name, &end, 10);
        if (pid > 0 && end && *end == '\0')
            visit(static_cast<qint64>(pid));
    }
    ::closedir(proc);
}

// True when the NUL-separated `environment` holds exactly `entry`.
bool holdsEntry(const std::string& environment, const QByteArray& entry)
{
    const std::string_view needle(entry.constData(), static_cast<size_t>(entry.size()));
    for (size_t at = environment.find(needle); at != std::string::npos;
         at = environment.find(needle, at + 1)) {
        const size_t after = at + needle.size();
        if ((at == 0 || environment[at - 1] == '\0') &&
            (after == environment.size() || environment[after] == '\0'))
            return true;
    }
    return false;
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
    bool alive = false;
    std::string text;
    forEachPid([&](qint64 pid) {
        if (alive)
            return;
        const std::optional<ProcState> proc = procState(pid, text);
        alive = proc && proc->group == pgid && running(proc->state);
    });
    return alive;
}

QList<qint64> processesWithEnvironment(const QByteArray& entry)
{
    QList<qint64> found;
    if (entry.isEmpty())
        return found;
    const qint64 self = ::getpid();
    std::string environment;
    std::string stat;
    forEachPid([&](qint64 pid) {
        if (pid == self || !readProcFile(pid, "environ", environment) ||
            !holdsEntry(environment, entry))
            return;
        const std::optional<ProcState> proc = procState(pid, stat);
        if (proc && running(proc->state))
            found.append(pid);
    });
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
