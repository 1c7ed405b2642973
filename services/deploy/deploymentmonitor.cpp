// After traffic moved: the monitoring window with its rollback triggers (the containers,
// HAProxy's counters, PromQL conditions and Alertmanager's alerts), and the return to a recorded
// revision.
#include "deploy/deploymentrun.h"

#include "alerts/alertmanagerclient.h"
#include "prometheus/prometheusclient.h"
#include "prometheus/serverendpoints.h"

#include <QElapsedTimer>

#include <functional>

namespace launchdeck::deploy {

using namespace std::chrono_literals;

namespace {

// A monitoring server read at every reading: an outage is logged when it begins and when it
// ends, not at every reading, and trips nothing by itself.
class OutageLog final
{
public:
    OutageLog(QString what, std::function<void(const QString&)> log)
        : m_what(std::move(what))
        , m_log(std::move(log))
    {}
    void failed(const QString& error)
    {
        if (m_down)
            return;
        m_down = true;
        m_log(QStringLiteral("%1 could not be read during monitoring (%2); its triggers wait")
                  .arg(m_what, error));
    }
    void answered()
    {
        if (!m_down)
            return;
        m_down = false;
        m_log(QStringLiteral("%1 answers again").arg(m_what));
    }

private:
    QString m_what;
    std::function<void(const QString&)> m_log;
    bool m_down = false;
};

// Monitoring reads often: a server that hangs must not hold a reading up for long.
constexpr std::chrono::milliseconds kMonitoringQueryTimeout{5000};

} // namespace

// ---- Prometheus and Alertmanager -------------------------------------------------------------

Result<prometheus::ServerEndpoint>
DeploymentRun::monitoringEndpoint(const MonitoringServer& server) const
{
    // Only values looked up before the job began: the keyring is not asked from this thread.
    const QMap<QString, QString>& secrets = m_control.secretValues;
    return prometheus::endpointOf(server, [&secrets](const QString& name) {
        const auto it = secrets.constFind(name);
        return it == secrets.cend() ? std::nullopt : std::optional<QString>(*it);
    });
}

QueryScope DeploymentRun::queryScope() const
{
    QueryScope scope;
    scope.application = m_subject.application.name;
    scope.environment = m_subject.environment.name;
    scope.revision = m_subject.to.number;
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
    const auto window = policy.monitorWindow;
    const auto interval = std::chrono::milliseconds(
        qBound(qint64(250), config.healthcheck ? config.healthcheck->intervalMs : qint64(5000),
               qint64(5000)));
    log(QStringLiteral("monitoring for %1 s").arg(window.count() / 1000.0));
    MonitorTriggers triggers(policy);
    Result<PromTriggerWatch> promTriggers = PromTriggerWatch::create(policy.prometheus);
    if (!promTriggers)
        return {false, promTriggers.error().toString()};
    const QMap<QString, QString> variables = queryVariables(queryScope());
    QStringList promQueries;
    std::optional<prometheus::PrometheusClient> prometheus;
    std::optional<alerts::AlertmanagerClient> alertmanager;
    // Triggers of a server the environment lacks are not watched; VALIDATING said so.
    if (!policy.prometheus.isEmpty() && m_subject.environment.prometheus.isSet()) {
        Result<prometheus::ServerEndpoint> endpoint =
            monitoringEndpoint(m_subject.environment.prometheus);
        if (!endpoint)
            return {false, QStringLiteral("PromQL triggers: ") + endpoint.error().toString()};
        endpoint.value().timeout = std::min(endpoint->timeout, kMonitoringQueryTimeout);
        prometheus.emplace(*endpoint);
        for (const PromTrigger& trigger : policy.prometheus)
            promQueries.append(prometheus::expandVariables(trigger.query, variables));
    }
    if (!policy.alerts.isEmpty() && m_subject.environment.alertmanager.isSet()) {
        Result<prometheus::ServerEndpoint> endpoint =
            monitoringEndpoint(m_subject.environment.alertmanager);
        if (!endpoint)
            return {false, QStringLiteral("alert triggers: ") + endpoint.error().toString()};
        endpoint.value().timeout = std::min(endpoint->timeout, kMonitoringQueryTimeout);
        alertmanager.emplace(*endpoint);
    }
    const auto logLine = [this](const QString& text) {
        log(text);
    };
    OutageLog prometheusOutage(
        QStringLiteral("Prometheus %1").arg(m_subject.environment.prometheus.url), logLine);
    OutageLog alertmanagerOutage(
        QStringLiteral("Alertmanager %1").arg(m_subject.environment.alertmanager.url), logLine);
    // Without a window nothing is read: the baselines below would have no reading to meet.
    QList<PairContainer> containers;
    QMap<QString, int> restartBase;
    std::optional<TrafficCounters> previous;
    if (window.count() > 0) {
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
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < window.count()) {
        const qint64 left = window.count() - clock.elapsed();
        if (!m_control.sleepFor(std::chrono::milliseconds(qMin<qint64>(interval.count(), left))))
            return {false, QStringLiteral("cancelled while monitoring")};
        MonitorReading reading;
        for (const PairContainer& container : containers) {
            const Result<ContainerCondition> condition = m_workload->condition(container);
            if (!condition)
                return {false, condition.error().toString()};
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
        if (const std::optional<QString> reason = triggers.observe(reading))
            return {false, QStringLiteral("monitoring: ") + *reason};
        if (prometheus) {
            QString unread;
            for (qsizetype i = 0; i < promQueries.size(); ++i) {
                const Result<QList<SeriesValue>> values = readQuery(*prometheus, promQueries.at(i));
                if (!values && unread.isEmpty())
                    unread = values.error().toString();
                const std::optional<QString> reason =
                    promTriggers.value().observe(i, values ? std::optional(*values) : std::nullopt,
                                                 QDateTime::currentDateTimeUtc());
                if (reason)
                    return {false, QStringLiteral("monitoring: ") + *reason};
            }
            if (unread.isEmpty())
                prometheusOutage.answered();
            else
                prometheusOutage.failed(unread);
        }
        if (alertmanager) {
            const Result<QList<alerts::Alert>> firing = alertmanager->alerts(true, false, false);
            if (!firing) {
                alertmanagerOutage.failed(firing.error().toString());
            } else {
                alertmanagerOutage.answered();
                if (const std::optional<QString> reason =
                        firingAlertReason(*firing, policy.alerts, m_subject.application.name,
                                          m_subject.environment.name))
                    return {false, QStringLiteral("monitoring: ") + *reason};
            }
        }
        progress(75 + int(20 * clock.elapsed() / qMax<qint64>(1, window.count())));
    }
    log(QStringLiteral("monitoring window passed"));

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
