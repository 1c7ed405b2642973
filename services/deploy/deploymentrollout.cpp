// The rollout half of a deployment job: the steps the strategies share, the four strategies
// and canary analysis.
#include "deploy/deploymentrun.h"

#include "prometheus/prometheusclient.h"
#include "prometheus/serverendpoints.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace launchdeck::deploy {

using namespace std::chrono_literals;

// ---- shared steps ----------------------------------------------------------------------------

Result<QList<PairContainer>> DeploymentRun::startGroup(const RevisionConfig& config,
                                                       const Revision& revision,
                                                       const QString& group, int firstReplica,
                                                       int count, bool publishToLoopback)
{
    QList<PairContainer> started;
    const QMap<QString, QString> secrets = secretValues();
    for (int replica = firstReplica; replica < firstReplica + count; ++replica) {
        if (cancelled())
            return Error{QStringLiteral("cancelled"), group};
        ContainerIdentity identity{m_subject.application.name,
                                   m_subject.environment.name,
                                   revision.number,
                                   m_id,
                                   group,
                                   replica};
        const Result<PairContainer> container =
            m_workload->startReplica(config, identity, secrets, publishToLoopback,
                                     publishToLoopback ? QMap<int, int>() : declaredHostPorts());
        if (!container)
            return container.error();
        log(QStringLiteral("started %1 (%2)%3")
                .arg(container->name, config.image,
                     container->trafficPort > 0
                         ? QStringLiteral(" on 127.0.0.1:%1").arg(container->trafficPort)
                         : QString()));
        started.append(*container);
        if (revision.number == m_subject.to.number)
            m_started.append(*container);
    }
    return started;
}

Result<bool> DeploymentRun::waitGroupHealthy(const QList<PairContainer>& containers,
                                             const RevisionConfig& config)
{
    for (const PairContainer& container : containers) {
        const Result<bool> healthy =
            m_workload->waitHealthy(container, config, healthDeadline(config), &m_control.cancel);
        if (!healthy)
            return healthy;
        log(QStringLiteral("%1 is healthy").arg(container.name));
    }
    return true;
}

Result<QList<PairContainer>> DeploymentRun::replaceStopFirst(QList<PairContainer>& old,
                                                             const RevisionConfig& config,
                                                             bool publishToLoopback)
{
    // Creating binds no port: the new containers are made while the old ones still serve, so
    // the gap is only the old ones' stop and the new ones' start.
    const QMap<QString, QString> secrets = secretValues();
    QList<PairContainer> created;
    for (int replica = 1; replica <= config.replicas; ++replica) {
        if (cancelled())
            return Error{QStringLiteral("cancelled"), m_newGroup};
        const ContainerIdentity identity{m_subject.application.name,
                                         m_subject.environment.name,
                                         m_subject.to.number,
                                         m_id,
                                         m_newGroup,
                                         replica};
        const Result<PairContainer> container =
            m_workload->createReplica(config, identity, secrets, publishToLoopback,
                                      publishToLoopback ? QMap<int, int>() : declaredHostPorts());
        if (!container)
            return container.error();
        created.append(*container);
        m_started.append(*container);
    }
    if (m_router && !m_subject.liveGroup.isEmpty())
        note(releaseSlots(m_subject.liveGroup));
    for (PairContainer& container : old) {
        if (!container.isRunning())
            continue;
        if (Result<bool> stopped = m_workload->stop(container); !stopped)
            return stopped.error();
        container.state = QStringLiteral("exited");
        log(QStringLiteral("stopped %1").arg(container.name));
    }
    progress(50);
    QList<PairContainer> started;
    for (const PairContainer& container : std::as_const(created)) {
        const Result<PairContainer> running = m_workload->startCreated(container, config);
        // One that did not start was removed; the others stay listed for the cleanup.
        m_started.removeIf([&](const PairContainer& c) { return c.id == container.id; });
        if (!running)
            return running.error();
        m_started.append(*running);
        started.append(*running);
        log(QStringLiteral("started %1 (%2)%3")
                .arg(running->name, config.image,
                     running->trafficPort > 0
                         ? QStringLiteral(" on 127.0.0.1:%1").arg(running->trafficPort)
                         : QString()));
    }
    if (Result<bool> healthy = waitGroupHealthy(started, config); !healthy)
        return healthy.error();
    if (Result<bool> removed = removeContainers(old, !m_request.preserveData); !removed)
        return removed.error();
    return started;
}

Result<bool> DeploymentRun::openRouter(int slotsPerGroup)
{
    if (m_router)
        return true;
    const TrafficRouterOptions options =
        trafficOptions(m_context, m_subject.environment, m_subject.toConfig);
    Result<TrafficRouter> router = TrafficRouter::open(options, slotsPerGroup);
    if (!router)
        return router.error();
    m_router.emplace(std::move(router).value());
    log(QStringLiteral("traffic entry point %1 (haproxy %2)")
            .arg(m_subject.environment.trafficListen)
            .arg(m_router->pid()));
    return true;
}

Result<bool> DeploymentRun::assignSlots(const QList<PairContainer>& containers)
{
    for (const PairContainer& container : containers) {
        if (container.trafficPort <= 0)
            return Error{QStringLiteral("no published traffic port"), container.name};
        if (Result<bool> assigned =
                m_router->assign(container.identity.group, container.identity.replica,
                                 QStringLiteral("127.0.0.1"), container.trafficPort);
            !assigned)
            return assigned;
    }
    return true;
}

Result<bool> DeploymentRun::releaseSlots(const QString& group, int fromIndex)
{
    const Result<QList<TrafficSlot>> states = m_router->slotStates();
    if (!states)
        return states.error();
    for (const TrafficSlot& slot : *states) {
        if (slot.group == group && slot.index >= fromIndex && slot.enabled) {
            if (Result<bool> released = m_router->release(group, slot.index); !released)
                return released;
        }
    }
    return true;
}

Result<bool> DeploymentRun::removeContainers(const QList<PairContainer>& containers,
                                             bool removeVolumes)
{
    Result<bool> result = true;
    for (const PairContainer& container : containers) {
        if (Result<bool> removed = m_workload->remove(container, removeVolumes); !removed)
            result = removed;
        else
            log(QStringLiteral("removed %1").arg(container.name));
    }
    return result;
}

Result<QList<PairContainer>> DeploymentRun::revisionContainers(int revision, bool runningOnly)
{
    Result<QList<PairContainer>> all = m_workload->containers();
    if (!all)
        return all;
    QList<PairContainer> found;
    for (const PairContainer& container : *all) {
        if (container.identity.revision == revision && container.identity.group != u"candidate" &&
            (!runningOnly || container.isRunning()))
            found.append(container);
    }
    return found;
}

// ---- DEPLOYING -------------------------------------------------------------------------------

DeploymentRun::Outcome DeploymentRun::deployByStrategy()
{
    const RevisionConfig& config = m_subject.toConfig;
    const Strategy& strategy = m_subject.application.strategy;
    const QString oldGroup = m_subject.liveGroup;
    // The old revision's containers as the subject found them: nothing since touched them.
    QList<PairContainer> oldContainers;
    if (m_subject.from) {
        for (const PairContainer& container : std::as_const(m_subject.containers)) {
            if (container.identity.revision == m_subject.from->number &&
                container.identity.group != u"candidate")
                oldContainers.append(container);
        }
    }

    if (!m_subject.usesTraffic) {
        // Without an entry point the declared host ports move from the old containers to the new
        // ones: stop-first, so there is a gap.
        log(QStringLiteral("no traffic entry point: the old containers stop before the new ones "
                           "start"));
        m_trafficMoved = true;
        const Result<QList<PairContainer>> started = replaceStopFirst(oldContainers, config, false);
        if (!started)
            return {false, started.error().toString()};
        progress(74);
        return {true, {}};
    }

    const int slotCount =
        qMax(config.replicas, m_subject.fromConfig ? m_subject.fromConfig->replicas : 1);
    if (Result<bool> opened = openRouter(slotCount); !opened)
        return {false, opened.error().toString()};

    switch (m_subject.strategy) {
    case Strategy::Type::Recreate: {
        log(QStringLiteral("recreate: the application is unreachable until the new containers "
                           "are up"));
        m_trafficMoved = true;
        const Result<QList<PairContainer>> started = replaceStopFirst(oldContainers, config, true);
        if (!started)
            return {false, started.error().toString()};
        if (Result<bool> assigned = assignSlots(*started); !assigned)
            return {false, assigned.error().toString()};
        if (Result<bool> up =
                m_router->waitUntilUp(m_newGroup, healthDeadline(config), &m_control.cancel);
            !up)
            return {false, up.error().toString()};
        if (Result<bool> shared = m_router->setShares({{m_newGroup, 100}}); !shared)
            return {false, shared.error().toString()};
        m_switchedAt = QDateTime::currentDateTimeUtc();
        progress(74);
        return {true, {}};
    }
    case Strategy::Type::Rolling: {
        // Start-first, one replica at a time; the first one was the tested candidate.
        const int replicas = config.replicas;
        QList<PairContainer> oldRunning;
        for (const PairContainer& container : std::as_const(oldContainers)) {
            if (container.isRunning())
                oldRunning.append(container);
        }
        QList<PairContainer> fresh = m_started;
        for (int replica = 1; replica <= replicas; ++replica) {
            if (cancelled())
                return {false, QStringLiteral("cancelled")};
            if (replica > fresh.size()) {
                const Result<QList<PairContainer>> one =
                    startGroup(config, m_subject.to, m_newGroup, replica, 1, true);
                if (!one)
                    return {false, one.error().toString()};
                if (Result<bool> healthy = waitGroupHealthy(*one, config); !healthy)
                    return {false, healthy.error().toString()};
                fresh.append(one->first());
            }
            if (Result<bool> assigned = assignSlots({fresh.at(replica - 1)}); !assigned)
                return {false, assigned.error().toString()};
            if (Result<bool> up =
                    m_router->waitUntilUp(m_newGroup, healthDeadline(config), &m_control.cancel);
                !up)
                return {false, up.error().toString()};
            // Traffic in proportion to the replicas of each revision that serve.
            const int oldLeft = qMax(0, int(oldRunning.size()) - replica);
            const int newShare = oldLeft == 0 ? 100 : 100 * replica / (replica + oldLeft);
            QMap<QString, int> shares{{m_newGroup, newShare}};
            if (!oldGroup.isEmpty())
                shares.insert(oldGroup, 100 - newShare);
            if (Result<bool> shared = m_router->setShares(shares); !shared)
                return {false, shared.error().toString()};
            m_trafficMoved = true;
            log(QStringLiteral("replica %1 of %2 serves (%3% of traffic on revision %4)")
                    .arg(replica)
                    .arg(replicas)
                    .arg(newShare)
                    .arg(m_subject.to.number));
            // One old replica goes.
            if (!oldRunning.isEmpty() && oldRunning.size() > oldLeft) {
                const PairContainer retiring = oldRunning.takeLast();
                note(m_router->release(retiring.identity.group, retiring.identity.replica));
                m_control.sleepFor(1s); // let its last answers finish
                note(removeContainers({retiring}, !m_request.preserveData));
            }
            progress(35 + 40 * replica / replicas);
        }
        if (!oldRunning.isEmpty()) {
            for (const PairContainer& retiring : std::as_const(oldRunning))
                note(m_router->release(retiring.identity.group, retiring.identity.replica));
            m_control.sleepFor(1s);
            note(removeContainers(oldRunning, !m_request.preserveData));
        }
        if (Result<bool> shared = m_router->setShares({{m_newGroup, 100}}); !shared)
            return {false, shared.error().toString()};
        m_switchedAt = QDateTime::currentDateTimeUtc();
        return {true, {}};
    }
    case Strategy::Type::BlueGreen: {
        if (Result<bool> assigned = assignSlots(m_started); !assigned)
            return {false, assigned.error().toString()};
        log(QStringLiteral("waiting for HAProxy to see the %1 group up").arg(m_newGroup));
        if (Result<bool> up =
                m_router->waitUntilUp(m_newGroup, healthDeadline(config), &m_control.cancel);
            !up)
            return {false, up.error().toString()};
        progress(60);
        if (const Outcome analysed = runNamedAnalysis(
                strategy.prePromotionAnalysis, QStringLiteral("pre-promotion"), trafficMetric());
            !analysed.ok)
            return analysed;
        QElapsedTimer switchClock;
        switchClock.start();
        if (Result<bool> shared = m_router->setShares({{m_newGroup, 100}}); !shared)
            return {false, shared.error().toString()};
        m_trafficMoved = true;
        m_switchedAt = QDateTime::currentDateTimeUtc();
        log(QStringLiteral("traffic switched to %1 (revision %2) in %3 ms; %4 stays warm for %5 s")
                .arg(m_newGroup)
                .arg(m_subject.to.number)
                .arg(switchClock.elapsed())
                .arg(oldGroup.isEmpty() ? QStringLiteral("nothing") : oldGroup)
                .arg(strategy.scaleDownDelay.count() / 1000));
        // As Argo: after the switch, with the old group still warm; a failure switches back.
        if (const Outcome analysed = runNamedAnalysis(
                strategy.postPromotionAnalysis, QStringLiteral("post-promotion"), trafficMetric());
            !analysed.ok)
            return analysed;
        progress(74);
        return {true, {}};
    }
    case Strategy::Type::Canary: {
        if (Result<bool> assigned = assignSlots(m_started); !assigned)
            return {false, assigned.error().toString()};
        if (Result<bool> up =
                m_router->waitUntilUp(m_newGroup, healthDeadline(config), &m_control.cancel);
            !up)
            return {false, up.error().toString()};
        if (oldGroup.isEmpty()) {
            log(QStringLiteral("first deployment: the canary takes all traffic"));
        } else {
            const Outcome stepped = runCanarySteps();
            if (!stepped.ok)
                return stepped;
        }
        if (Result<bool> shared = m_router->setShares({{m_newGroup, 100}}); !shared)
            return {false, shared.error().toString()};
        m_trafficMoved = true;
        m_switchedAt = QDateTime::currentDateTimeUtc();
        log(QStringLiteral("canary promoted: revision %1 takes all traffic")
                .arg(m_subject.to.number));
        progress(74);
        return {true, {}};
    }
    }
    return {false, QStringLiteral("unknown strategy")};
}

DeploymentRun::Outcome DeploymentRun::runCanarySteps()
{
    const Strategy& strategy = m_subject.application.strategy;
    const QString stable = m_subject.liveGroup;
    const int steps = int(strategy.steps.size());
    int done = 0;
    for (const StrategyStep& step : strategy.steps) {
        if (cancelled())
            return {false, QStringLiteral("cancelled")};
        switch (step.kind) {
        case StrategyStep::Kind::SetWeight: {
            if (Result<bool> shared =
                    m_router->setShares({{stable, 100 - step.weight}, {m_newGroup, step.weight}});
                !shared)
                return {false, shared.error().toString()};
            m_trafficMoved = m_trafficMoved || step.weight > 0;
            log(QStringLiteral("canary weight %1%").arg(step.weight));
            break;
        }
        case StrategyStep::Kind::Pause: {
            if (const Outcome paused = pauseStep(step, done + 1); !paused.ok)
                return paused;
            break;
        }
        case StrategyStep::Kind::Analysis: {
            const auto found =
                std::find_if(strategy.analyses.begin(), strategy.analyses.end(),
                             [&](const AnalysisTemplate& a) { return a.name == step.analysis; });
            if (found == strategy.analyses.end())
                return {false, QStringLiteral("no analysis named '%1'").arg(step.analysis)};
            const Outcome analysed = runAnalysis(*found, trafficMetric());
            if (!analysed.ok)
                return analysed;
            break;
        }
        }
        ++done;
        progress(35 + 38 * done / qMax(1, steps));
    }
    return {true, {}};
}

DeploymentLifecycle::MetricReader DeploymentRun::trafficMetric()
{
    // Traffic figures are per interval (the counters since the previous reading); restarts
    // count from the baseline reading.
    struct State
    {
        std::optional<Result<TrafficCounters>> before;
        int restartsBefore = 0;
    };
    auto state = std::make_shared<State>();
    const auto restartsNow = [this] {
        int total = 0;
        for (const PairContainer& container : std::as_const(m_started)) {
            if (const Result<ContainerCondition> condition = m_workload->condition(container))
                total += condition->restartCount + (condition->oomKilled ? 1 : 0);
        }
        return total;
    };
    return
        [this, state, restartsNow](const QString& metric, QString* error) -> std::optional<double> {
            if (!m_router) {
                *error = QStringLiteral("no traffic entry point");
                return std::nullopt;
            }
            Result<TrafficCounters> after = m_router->counters(m_newGroup);
            if (!state->before) {
                state->before = std::move(after);
                state->restartsBefore = restartsNow();
                return std::nullopt;
            }
            std::optional<double> value;
            const Result<TrafficCounters>& before = *state->before;
            if (!before || !after) {
                *error = (!after ? after.error() : before.error()).toString();
            } else {
                const Result<std::optional<double>> measured =
                    metricValue(metric, *before, *after, restartsNow() - state->restartsBefore);
                if (!measured)
                    *error = measured.error().message;
                else if (!*measured)
                    *error = QStringLiteral("no requests reached the canary");
                else
                    value = *measured;
            }
            state->before = std::move(after);
            return value;
        };
}

} // namespace launchdeck::deploy
