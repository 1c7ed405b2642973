// Deployment metrics per application and environment, computed from ledger records: volume,
// success, duration, frequency, change failure rate and time to restore.
#pragma once

#include "deploy/deploymentrecord.h"

#include <QList>

#include <optional>

namespace launchdeck {

struct DeploymentMetrics
{
    QString application;
    QString environment;
    int total = 0;     // finished deploys and rollbacks started in the window
    int succeeded = 0; // of them, COMPLETED
    double successRate = 0.0;
    qint64 meanDurationMs = 0;
    qint64 p95DurationMs = 0; // nearest rank
    int deployments = 0;      // of the total, kind deploy
    double deploymentsPerDay = 0.0;
    // Deploys that ended FAILED or ROLLED_BACK, or were followed by a rollback, over deploys.
    double changeFailureRate = 0.0;
    // Mean time from the first failure of a run of failures to the next COMPLETED one; none
    // when nothing was restored in the window.
    std::optional<qint64> meanTimeToRestoreMs;
    int restores = 0;
    double windowDays = 0.0;
};

// `records` in any order; unfinished ones and those started outside [from, to) are ignored.
// The result is sorted by application, then environment.
QList<DeploymentMetrics> computeDeploymentMetrics(const QList<DeploymentRecord>& records,
                                                  const QDateTime& from, const QDateTime& to);

} // namespace launchdeck
