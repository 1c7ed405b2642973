// After traffic moved: the monitoring window with its rollback triggers (the containers,
// HAProxy's counters, PromQL conditions and Alertmanager's alerts), and the return to a recorded
// revision.
#include "deploy/deploymentrun.h"

namespace launchdeck::deploy {

using namespace std::chrono_literals;

// ---- Prometheus and Alertmanager -------------------------------------------------------------

QueryScope DeploymentRun::queryScope() const
{
    QueryScope scope = DeploymentLifecycle::queryScope();
    scope.backend = m_router ? m_router->options().environment : m_subject.environment.name;
    scope.newGroup = m_newGroup;
    scope.stableGroup = m_subject.liveGroup;
    scope.metricsListen = m_subject.environment.trafficMetrics;
    return scope;
}

// ---- MONITORING ------------------------------------------------------------------------------

DeploymentRun::Outcome DeploymentRun::monitor()
{
    const RollbackPolicy& policy = m_subject.application.rollback;
    const RevisionConfig& config = m_subject.toConfig;
    const auto interval = std::chrono::milliseconds(
        qBound(qint64(250), config.healthcheck ? config.healthcheck->intervalMs : qint64(5000),
               qint64(5000)));
    // Without a window nothing is read: the baselines below would have no reading to meet.
    QList<PairContainer> containers;
    QMap<QString, int> restartBase;
    std::optional<TrafficCounters> previous;
    if (policy.monitorWindow.count() > 0) {
        const Result<QList<PairContainer>> fresh = revisionContainers(m_subject.to.number, false);
        if (!fresh)
            return {false, fresh.error().toString()};
        containers = *fresh;
        // Restart counts at the start of the window.
        for (const PairContainer& container : std::as_const(containers)) {
            if (const Result<ContainerCondition> condition = m_workload->condition(container))
                restartBase.insert(container.id, condition->restartCount);
        }
        if (m_router) {
            if (const Result<TrafficCounters> counters = m_router->counters(m_newGroup))
                previous = *counters;
        }
    }
    const auto readContainers = [&]() -> Result<MonitorReading> {
        MonitorReading reading;
        for (const PairContainer& container : containers) {
            const Result<ContainerCondition> condition = m_workload->condition(container);
            if (!condition)
                return condition.error();
            reading.restarts += condition->restartCount - restartBase.value(container.id);
            reading.oomKilled = reading.oomKilled || condition->oomKilled;
            const bool healthy =
                condition->running &&
                m_workload->probe(
                    container, config,
                    std::chrono::milliseconds(config.healthcheck
                                                  ? qMax<qint64>(config.healthcheck->timeoutMs, 500)
                                                  : 2000));
            reading.healthy = reading.healthy && healthy;
            if (policy.memoryShare && condition->running) {
                if (const Result<DockerStatsSample> stats = m_client->statsOnce(container.id);
                    stats && stats->memoryLimitBytes > 0)
                    reading.memoryShare =
                        qMax(reading.memoryShare.value_or(0.0),
                             double(stats->memoryUsedBytes) / double(stats->memoryLimitBytes));
            }
        }
        if (m_router) {
            if (const Result<TrafficCounters> counters = m_router->counters(m_newGroup)) {
                if (previous)
                    reading.errorRate = errorRate(*previous, *counters);
                if (counters->requests > (previous ? previous->requests : 0))
                    reading.responseTimeMs = counters->responseTimeMs;
                previous = *counters;
            }
        }
        return reading;
    };
    if (const Outcome watched = watchWindow(interval, readContainers); !watched.ok)
        return watched;

    // The old group stays warm for the scale-down delay after the switch, then goes. Recreate
    // removed it before the switch: there is nothing to keep warm.
    if (m_router && !m_subject.liveGroup.isEmpty() && m_subject.from &&
        m_subject.strategy != Strategy::Type::Recreate) {
        const qint64 delay = m_subject.application.strategy.scaleDownDelay.count();
        const qint64 since =
            m_switchedAt.isValid() ? m_switchedAt.msecsTo(QDateTime::currentDateTimeUtc()) : delay;
        if (since < delay) {
            log(QStringLiteral("keeping %1 warm for %2 s more")
                    .arg(m_subject.liveGroup)
                    .arg((delay - since) / 1000.0));
            if (!m_control.sleepFor(std::chrono::milliseconds(delay - since)))
                return {false, QStringLiteral("cancelled while the old revision was kept warm")};
        }
        const Result<QList<PairContainer>> old = revisionContainers(m_subject.from->number, false);
        if (old && !old->isEmpty()) {
            note(releaseSlots(m_subject.liveGroup));
            m_control.sleepFor(1s); // their last answers finish
            note(removeContainers(*old, !m_request.preserveData));
        }
    }
    // The new group's slots beyond its replicas hold nothing.
    if (m_router)
        note(releaseSlots(m_newGroup, config.replicas + 1));
    return {true, {}};
}

// ---- ROLLING_BACK ----------------------------------------------------------------------------

DeploymentRun::Outcome DeploymentRun::switchTo(const RevisionConfig& config,
                                               const Revision& revision, bool removeOld)
{
    // Used by rollbacks: bring `revision` up in the group the live one is not in (reusing its
    // containers when they still run), move all traffic to it, then retire the rest.
    const Result<QList<PairContainer>> all = m_workload->containers();
    if (!all)
        return {false, all.error().toString()};
    QList<PairContainer> target;
    QList<PairContainer> others;
    for (const PairContainer& container : *all) {
        if (container.identity.revision == revision.number && container.isRunning() &&
            container.identity.group != u"candidate")
            target.append(container);
        else
            others.append(container);
    }
    QString group = target.isEmpty() ? QString() : target.first().identity.group;
    if (group.isEmpty()) {
        QString liveGroup;
        for (const PairContainer& container : others) {
            if (container.isRunning() && container.identity.group != u"candidate")
                liveGroup = container.identity.group;
        }
        group = liveGroup.isEmpty() ? QString::fromUtf16(kBlue) : otherGroup(liveGroup);
    }
    // Containers of the target's group that are not the target make way.
    QList<PairContainer> inTheWay;
    for (const PairContainer& container : std::as_const(others)) {
        if (container.identity.group == group)
            inTheWay.append(container);
    }

    if (!m_subject.usesTraffic) {
        note(removeContainers(others, !m_request.preserveData));
        if (target.isEmpty()) {
            const Result<QList<PairContainer>> started =
                startGroup(config, revision, group, 1, config.replicas, false);
            if (!started)
                return {false, started.error().toString()};
            target = *started;
        }
        if (Result<bool> healthy = waitGroupHealthy(target, config); !healthy)
            return {false, healthy.error().toString()};
        return {true, QStringLiteral("revision %1 restored").arg(revision.number)};
    }

    if (Result<bool> opened = openRouter(qMax(config.replicas, int(all->size()))); !opened)
        return {false, opened.error().toString()};
    if (target.size() < config.replicas) {
        if (!inTheWay.isEmpty()) {
            note(releaseSlots(group));
            note(removeContainers(inTheWay, !m_request.preserveData));
            for (const PairContainer& container : std::as_const(inTheWay))
                others.removeIf([&](const PairContainer& c) { return c.id == container.id; });
        }
        const Result<QList<PairContainer>> started =
            startGroup(config, revision, group, int(target.size()) + 1,
                       config.replicas - int(target.size()), true);
        if (!started)
            return {false, started.error().toString()};
        target += *started;
    }
    if (Result<bool> healthy = waitGroupHealthy(target, config); !healthy)
        return {false, healthy.error().toString()};
    if (Result<bool> assigned = assignSlots(target); !assigned)
        return {false, assigned.error().toString()};
    if (Result<bool> up = m_router->waitUntilUp(group, healthDeadline(config), nullptr); !up)
        return {false, up.error().toString()};
    if (Result<bool> shared = m_router->setShares({{group, 100}}); !shared)
        return {false, shared.error().toString()};
    log(QStringLiteral("traffic on revision %1 (%2)").arg(revision.number).arg(group));
    note(releaseSlots(otherGroup(group)));
    m_control.sleepFor(1s); // answers in flight on the other group finish
    QList<PairContainer> retired;
    for (const PairContainer& container : std::as_const(others)) {
        if (container.identity.group != group || container.identity.revision != revision.number)
            retired.append(container);
    }
    if (removeOld) {
        note(removeContainers(retired, !m_request.preserveData));
    } else {
        for (const PairContainer& container : std::as_const(retired))
            note(m_workload->stop(container));
    }
    return {true,
            QStringLiteral("traffic back on revision %1 (%2)").arg(revision.number).arg(group)};
}

DeploymentRun::Outcome DeploymentRun::restore(const QString& reason)
{
    log(QStringLiteral("rolling back: %1").arg(reason));
    if (!m_subject.from || !m_subject.fromConfig) {
        // A first deployment has nothing to return to: it is taken away again.
        const Result<QList<PairContainer>> all = m_workload->containers();
        if (!all)
            return {false, all.error().toString()};
        if (m_router)
            note(releaseSlots(m_newGroup));
        note(removeContainers(*all, true));
        return {true, QStringLiteral("no earlier revision: the new one was removed")};
    }
    const Outcome outcome = switchTo(*m_subject.fromConfig, *m_subject.from, true);
    if (!outcome.ok)
        return outcome;
    return {true, QStringLiteral("revision %1 restored").arg(m_subject.from->number)};
}

} // namespace launchdeck::deploy
