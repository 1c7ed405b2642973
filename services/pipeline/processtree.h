// Finding and signalling every process a step started: its process group, and anything carrying
// the step's marker variable that left the group (Linux /proc).
#pragma once

#include <QByteArray>
#include <QList>
#include <QStringList>

namespace launchdeck::processtree {

// Sends `signal` to every process of group `pgid`; false when the group no longer exists.
bool signalGroup(qint64 pgid, int signal);

// True while a process of the group is alive (zombies, which nobody may reap, do not count).
bool groupAlive(qint64 pgid);

// Processes whose environment holds exactly `entry` ("NAME=value"), excluding this process.
QList<qint64> processesWithEnvironment(const QByteArray& entry);

// Sends `signal` to each of them; returns how many were signalled.
int signalMarked(const QByteArray& entry, int signal);

// Ends (SIGKILL) every process still carrying LAUNCHDECK_RUN_ID of one of `runIds`: the step
// processes of runs whose console was killed outlive it. Returns how many were ended.
int endProcessesOfRuns(const QStringList& runIds);

} // namespace launchdeck::processtree
