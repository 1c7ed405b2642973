// How bench_deploy splits one replacement's wall time: the health wait, the daemon's time for the
// calls any tool must make, the console's other Docker calls and its own in-process work, from
// the job's events and the calls a timing relay saw.
#pragma once

#include "deploy/deploymentengine.h"
#include "fakes/dockerrelay.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

class QTextStream;

#include <utility>
#include <vector>

namespace launchdeck::bench {

qint64 eventUs(const deploy::DeploymentEvent& event);
double ms(qint64 us);

// The calls any tool replacing a container makes: stop and remove the old one, create and
// start the new one.
bool isRequiredKind(const QString& kind);

using Span = std::pair<qint64, qint64>;

// The length of the union of `spans`, leaving out what falls inside `excluded`.
qint64 coveredUs(std::vector<Span> spans, const std::vector<Span>& excluded = {});

// From "started <name>" to "<name> is healthy" in a job's log, per container.
std::vector<Span> healthWindows(const QList<deploy::DeploymentEvent>& events);

// One round's time, split: the daemon's work any tool must ask for, the daemon's answers to
// the console's other questions, and the console's own work, all outside the health wait.
struct RoundSplit
{
    double total = 0;
    double health = 0;
    double required = 0;   // stop/remove old, create/start new
    double otherCalls = 0; // every other Docker call
    double inProcess = 0;  // ledger, validation, planning, probes' set-up, locks
    double gap = 0; // the old container's stop (or kill) asked → the new one's start answered
    QMap<QString, std::pair<int, double>> perKind; // calls and milliseconds by kind

    double overhead() const { return total - health; }
    double consoleOwn() const { return overhead() - required; }
};

RoundSplit splitRound(qint64 beginUs, qint64 endUs, const QList<test::DockerCall>& calls,
                      const std::vector<Span>& health);

// The value below which `share` of `values` lie (0.5: the median); 0 for none.
double percentile(std::vector<double> values, double share);

// One round's split on a line.
void printSplit(QTextStream& out, const QString& label, const RoundSplit& split);
// The p50 of each figure over the rounds that succeeded, and the Docker calls by kind; the
// failed rounds are counted and their reasons shown.
void printMedians(QTextStream& out, const QString& label, const std::vector<RoundSplit>& rounds,
                  const QStringList& failures);

} // namespace launchdeck::bench
