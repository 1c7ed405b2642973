// The containers of one application in one environment on its Docker host: found by their
// labels, started from a revision's configuration, probed for health, stopped and removed.
// Blocking: used by deployment jobs, the status query and the reconciliation on their threads.
#pragma once

#include "core/result.h"
#include "deploy/containerplan.h"
#include "docker/dockerclient.h"

#include <QList>
#include <QMap>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>

namespace launchdeck::deploy {

struct PairContainer
{
    QString id;
    QString name;
    ContainerIdentity identity;
    QString image;
    QString state;       // running, exited, created…
    QString health;      // Docker's, empty without a healthcheck
    int trafficPort = 0; // host port of the configuration's health/traffic port; 0 when none

    bool isRunning() const { return state == u"running"; }
};

// What MONITORING reads of one container.
struct ContainerCondition
{
    bool running = false;
    int restartCount = 0;
    bool oomKilled = false;
};

class PairWorkload final
{
public:
    PairWorkload(DockerClient& client, QString application, QString environment);

    const QString& application() const { return m_application; }
    const QString& environment() const { return m_environment; }

    // Every container carrying the pair's labels, running or not, ordered by revision then
    // group and replica.
    Result<QList<PairContainer>> containers();
    // Creates and starts one container of `config` as `identity`; a container of that name left
    // over from an interrupted deployment is removed first. Returns it with its bound port.
    Result<PairContainer> startReplica(const RevisionConfig& config,
                                       const ContainerIdentity& identity,
                                       const QMap<QString, QString>& secretValues,
                                       bool publishToLoopback,
                                       const QMap<int, int>& declaredHostPorts);
    // The first half of startReplica: creates the container (its network too, when missing)
    // without starting it. Creating binds no port, so it may happen while an older container
    // still holds the declared host ports. Returns it in state "created".
    Result<PairContainer> createReplica(const RevisionConfig& config,
                                        const ContainerIdentity& identity,
                                        const QMap<QString, QString>& secretValues,
                                        bool publishToLoopback,
                                        const QMap<int, int>& declaredHostPorts);
    // The second half: starts a container createReplica made and returns it with its state and
    // bound port. A container that does not start is removed.
    Result<PairContainer> startCreated(const PairContainer& created, const RevisionConfig& config);
    // One health check from the host: the HTTP path on the container's traffic port answering
    // 200, else Docker's own health "healthy", else simply running.
    bool probe(const PairContainer& container, const RevisionConfig& config,
               std::chrono::milliseconds timeout);
    // Probes until healthy; fails after `timeout` naming the container and the last answer, or
    // when the container stops, or on `cancel`.
    Result<bool> waitHealthy(const PairContainer& container, const RevisionConfig& config,
                             std::chrono::milliseconds timeout, const std::atomic_bool* cancel);
    Result<ContainerCondition> condition(const PairContainer& container);
    // Stops (with `stopSeconds` before SIGKILL) and removes it; a container already gone counts
    // as removed. One whose state says it is not running is removed without the stop.
    Result<bool> remove(const PairContainer& container, bool removeVolumes, int stopSeconds = 5);
    // Stops it and leaves it for inspection.
    Result<bool> stop(const PairContainer& container, int stopSeconds = 5);
    // Told of every repair made on the way (a leftover container removed for its name, the
    // environment's network created), in words for the job's log.
    void setRepairLog(std::function<void(const QString&)> log) { m_repairLog = std::move(log); }

private:
    Result<PairContainer> describe(const QString& idOrName);
    Result<QString> create(const DockerContainerSpec& spec, const RevisionConfig& config,
                           const QString& environment);
    Result<bool> ensureNetwork(const QString& network, const QString& environment);
    void repaired(const QString& what) const;

    DockerClient& m_client;
    QString m_application;
    QString m_environment;
    std::function<void(const QString&)> m_repairLog;
};

// How long a revision's containers may take to become healthy: start period plus the retries'
// intervals and timeouts, at least 30 s.
std::chrono::milliseconds healthDeadline(const RevisionConfig& config);

} // namespace launchdeck::deploy
