// DORA-style figures from the ledger, per application and environment.
#include "deploy/deploymentmetrics.h"

#include <QMap>

#include <algorithm>
#include <cmath>

namespace launchdeck {

namespace {

bool isFailure(const DeploymentRecord& record)
{
    return record.status == DeploymentStatus::Failed ||
           record.status == DeploymentStatus::RolledBack;
}

DeploymentMetrics metricsOf(const QList<DeploymentRecord>& chronological, double windowDays)
{
    DeploymentMetrics m;
    m.application = chronological.constFirst().application;
    m.environment = chronological.constFirst().environment;
    m.windowDays = windowDays;
    m.total = static_cast<int>(chronological.size());

    QList<qint64> durations;
    int failedChanges = 0;
    qint64 restoreSum = 0;
    QDateTime failingSince;
    for (qsizetype i = 0; i < chronological.size(); ++i) {
        const DeploymentRecord& record = chronological[i];
        durations.append(record.durationMs);
        if (record.status == DeploymentStatus::Completed)
            ++m.succeeded;
        if (record.kind == DeploymentKind::Deploy) {
            ++m.deployments;
            const bool rolledBackLater = i + 1 < chronological.size() &&
                                         chronological[i + 1].kind == DeploymentKind::Rollback;
            if (isFailure(record) || rolledBackLater)
                ++failedChanges;
        }
        if (isFailure(record) && !failingSince.isValid()) {
            failingSince = record.finishedAt;
        } else if (record.status == DeploymentStatus::Completed && failingSince.isValid()) {
            restoreSum += failingSince.msecsTo(record.finishedAt);
            ++m.restores;
            failingSince = {};
        }
    }

    m.successRate = static_cast<double>(m.succeeded) / m.total;
    qint64 durationSum = 0;
    for (const qint64 duration : std::as_const(durations))
        durationSum += duration;
    m.meanDurationMs = std::llround(static_cast<double>(durationSum) / m.total);
    std::sort(durations.begin(), durations.end());
    const auto rank = static_cast<qsizetype>(std::ceil(0.95 * static_cast<double>(m.total)));
    m.p95DurationMs = durations[std::max<qsizetype>(rank, 1) - 1];
    m.deploymentsPerDay = windowDays > 0 ? m.deployments / windowDays : 0.0;
    m.changeFailureRate =
        m.deployments > 0 ? static_cast<double>(failedChanges) / m.deployments : 0.0;
    if (m.restores > 0)
        m.meanTimeToRestoreMs = std::llround(static_cast<double>(restoreSum) / m.restores);
    return m;
}

} // namespace

QList<DeploymentMetrics> computeDeploymentMetrics(const QList<DeploymentRecord>& records,
                                                  const QDateTime& from, const QDateTime& to)
{
    QMap<std::pair<QString, QString>, QList<DeploymentRecord>> byTarget;
    for (const DeploymentRecord& record : records) {
        if (!record.status || record.startedAt < from || record.startedAt >= to)
            continue;
        byTarget[{record.application, record.environment}].append(record);
    }
    const double windowDays = static_cast<double>(from.msecsTo(to)) / (24.0 * 3600 * 1000);
    QList<DeploymentMetrics> result;
    for (auto it = byTarget.begin(); it != byTarget.end(); ++it) {
        QList<DeploymentRecord>& list = it.value();
        std::stable_sort(list.begin(), list.end(),
                         [](const DeploymentRecord& a, const DeploymentRecord& b) {
                             return a.startedAt < b.startedAt;
                         });
        result.append(metricsOf(list, windowDays));
    }
    return result;
}

} // namespace launchdeck
