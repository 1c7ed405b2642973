// The containers of one application in one environment: labels, start, health, removal.
#include "deploy/pairworkload.h"

#include "http/httpcheck.h"

#include <QThread>

#include <algorithm>

namespace launchdeck::deploy {

namespace {

bool isNoSuchContainer(const Error& error)
{
    return error.message.contains(u"No such container") || error.message.contains(u"404");
}

bool isNameInUse(const Error& error)
{
    return error.message.contains(u"is already in use");
}

// The daemon's words for a create naming a network it does not have.
bool isMissingNetwork(const Error& error)
{
    return error.message.contains(u"network") && error.message.contains(u"not found");
}

PairContainer fromInspect(const QJsonObject& inspect)
{
    const QJsonObject config = inspect.value(QLatin1String("Config")).toObject();
    const QJsonObject state = inspect.value(QLatin1String("State")).toObject();
    QMap<QString, QString> labelMap;
    const QJsonObject labelObject = config.value(QLatin1String("Labels")).toObject();
    for (auto it = labelObject.begin(); it != labelObject.end(); ++it)
        labelMap.insert(it.key(), it.value().toString());
    PairContainer entry;
    entry.id = inspect.value(QLatin1String("Id")).toString();
    entry.name = inspect.value(QLatin1String("Name")).toString().mid(1);
    entry.identity = identityFromLabels(labelMap).value_or(ContainerIdentity{});
    entry.image = config.value(QLatin1String("Image")).toString();
    entry.state = state.value(QLatin1String("Status")).toString();
    entry.health =
        state.value(QLatin1String("Health")).toObject().value(QLatin1String("Status")).toString();
    return entry;
}

} // namespace

std::chrono::milliseconds healthDeadline(const RevisionConfig& config)
{
    qint64 ms = 0;
    if (config.healthcheck) {
        const DockerHealthcheck& check = *config.healthcheck;
        ms = check.startPeriodMs +
             (qMax(check.retries, 1) + 1) * (check.intervalMs + check.timeoutMs);
    }
    return std::chrono::milliseconds(qMax<qint64>(ms, 30'000));
}

PairWorkload::PairWorkload(DockerClient& client, QString application, QString environment)
    : m_client(client)
    , m_application(std::move(application))
    , m_environment(std::move(environment))
{}

Result<QList<PairContainer>> PairWorkload::containers()
{
    const Result<QList<DockerContainer>> listed =
        m_client.containers(true, pairFilter(m_application, m_environment));
    if (!listed)
        return listed.error();
    QList<PairContainer> found;
    for (const DockerContainer& container : *listed) {
        const std::optional<ContainerIdentity> identity = identityFromLabels(container.labels);
        if (!identity || identity->application != m_application ||
            identity->environment != m_environment)
            continue;
        PairContainer entry;
        entry.id = container.id;
        entry.name = container.name;
        entry.identity = *identity;
        entry.image = container.image;
        entry.state = container.state;
        entry.health = container.health;
        // The first published port stands for the traffic port; startReplica knows better and
        // sets it from the configuration.
        for (const DockerPortMapping& port : container.ports) {
            if (port.hostPort > 0) {
                entry.trafficPort = port.hostPort;
                break;
            }
        }
        found.append(entry);
    }
    std::sort(found.begin(), found.end(), [](const PairContainer& a, const PairContainer& b) {
        return std::tie(a.identity.revision, a.identity.group, a.identity.replica) <
               std::tie(b.identity.revision, b.identity.group, b.identity.replica);
    });
    return found;
}

Result<PairContainer> PairWorkload::describe(const QString& idOrName)
{
    const Result<QJsonObject> inspect = m_client.inspectContainer(idOrName);
    if (!inspect)
        return inspect.error();
    return fromInspect(*inspect);
}

Result<PairContainer> PairWorkload::startReplica(const RevisionConfig& config,
                                                 const ContainerIdentity& identity,
                                                 const QMap<QString, QString>& secretValues,
                                                 bool publishToLoopback,
                                                 const QMap<int, int>& declaredHostPorts)
{
    const Result<PairContainer> created =
        createReplica(config, identity, secretValues, publishToLoopback, declaredHostPorts);
    if (!created)
        return created;
    return startCreated(*created, config);
}

Result<QString> PairWorkload::create(const DockerContainerSpec& spec, const RevisionConfig& config,
                                     const QString& environment)
{
    // The network and the free name are the usual case: create first, and only when the daemon
    // says otherwise make the network or clear the name, then try again.
    bool networkEnsured = false;
    bool nameCleared = false;
    while (true) {
        Result<QString> id = m_client.createContainer(spec);
        if (id)
            return id;
        if (!nameCleared && isNameInUse(id.error())) {
            // A container of this name can only be a leftover of an interrupted deployment.
            nameCleared = true;
            if (Result<bool> gone = m_client.removeContainer(spec.name, true); !gone) {
                if (!isNoSuchContainer(gone.error()))
                    return gone.error();
            } else {
                repaired(QStringLiteral("removed a leftover container that held the name %1")
                             .arg(spec.name));
            }
            continue;
        }
        if (!networkEnsured && !config.network.isEmpty() && isMissingNetwork(id.error())) {
            networkEnsured = true;
            if (Result<bool> network = ensureNetwork(config.network, environment); !network)
                return network.error();
            continue;
        }
        return id;
    }
}

Result<bool> PairWorkload::ensureNetwork(const QString& network, const QString& environment)
{
    const QMap<QString, QString> networkLabels{
        {QString::fromUtf16(labels::kEnvironment), environment}};
    const Result<bool> created = m_client.ensureNetwork(network, networkLabels);
    if (created && *created)
        repaired(QStringLiteral("created the missing network %1").arg(network));
    return created;
}

void PairWorkload::repaired(const QString& what) const
{
    if (m_repairLog)
        m_repairLog(what);
}

Result<PairContainer> PairWorkload::createReplica(const RevisionConfig& config,
                                                  const ContainerIdentity& identity,
                                                  const QMap<QString, QString>& secretValues,
                                                  bool publishToLoopback,
                                                  const QMap<int, int>& declaredHostPorts)
{
    const DockerContainerSpec spec =
        containerSpec(config, identity, secretValues, publishToLoopback, declaredHostPorts);
    const Result<QString> id = create(spec, config, identity.environment);
    if (!id)
        return id.error();
    PairContainer entry;
    entry.id = *id;
    entry.name = spec.name;
    entry.identity = identity;
    entry.image = spec.image;
    entry.state = QStringLiteral("created");
    return entry;
}

Result<PairContainer> PairWorkload::startCreated(const PairContainer& created,
                                                 const RevisionConfig& config)
{
    Result<bool> started = m_client.startContainer(created.id);
    if (!started && !config.network.isEmpty() && isMissingNetwork(started.error())) {
        // Some daemons accept a missing network at create and name it only at start.
        if (Result<bool> network = ensureNetwork(config.network, created.identity.environment);
            !network)
            started = network.error();
        else
            started = m_client.startContainer(created.id);
    }
    if (!started) {
        // The half-made container goes; the start's error is the one that matters.
        if (Result<bool> removed = m_client.removeContainer(created.id, true); !removed)
            return Error{started.error().message + QStringLiteral(" (and removing it failed: ") +
                             removed.error().message + u')',
                         started.error().where};
        return started.error();
    }
    // One inspect tells the state and the port the daemon bound.
    const Result<QJsonObject> inspect = m_client.inspectContainer(created.id);
    if (!inspect)
        return inspect.error();
    PairContainer entry = fromInspect(*inspect);
    const int trafficContainerPort =
        config.healthPort > 0 ? config.healthPort
                              : (config.ports.isEmpty() ? 0 : config.ports.first().containerPort);
    if (trafficContainerPort > 0)
        entry.trafficPort = publishedHostPort(*inspect, trafficContainerPort).value_or(0);
    return entry;
}

bool PairWorkload::probe(const PairContainer& container, const RevisionConfig& config,
                         std::chrono::milliseconds timeout)
{
    if (!config.healthPath.isEmpty() && container.trafficPort > 0) {
        http::HttpCheckSpec check;
        check.url = QStringLiteral("http://127.0.0.1:%1%2")
                        .arg(container.trafficPort)
                        .arg(config.healthPath);
        check.timeout = timeout;
        return http::runHttpCheck(check).passed;
    }
    const Result<PairContainer> now = describe(container.id);
    if (!now || !now->isRunning())
        return false;
    return now->health.isEmpty() || now->health == u"healthy";
}

Result<bool> PairWorkload::waitHealthy(const PairContainer& container, const RevisionConfig& config,
                                       std::chrono::milliseconds timeout,
                                       const std::atomic_bool* cancel)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // A fresh container usually answers within a few dozen milliseconds: poll often at first,
    // then back off to the old pace.
    std::chrono::milliseconds pause(25);
    const auto probeTimeout = std::chrono::milliseconds(
        config.healthcheck && config.healthcheck->timeoutMs > 0 ? config.healthcheck->timeoutMs
                                                                : 2000);
    while (true) {
        if (cancel && cancel->load())
            return Error{QStringLiteral("cancelled"), container.name};
        if (probe(container, config, probeTimeout))
            return true;
        const Result<PairContainer> now = describe(container.id);
        if (!now)
            return now.error();
        if (!now->isRunning() && now->state != u"restarting")
            return Error{QStringLiteral("the container stopped (%1) before it became healthy")
                             .arg(now->state),
                         container.name};
        if (std::chrono::steady_clock::now() >= deadline) {
            return Error{QStringLiteral("not healthy after %1 s (%2)")
                             .arg(timeout.count() / 1000)
                             .arg(config.healthPath.isEmpty()
                                      ? QStringLiteral("Docker health: %1")
                                            .arg(now->health.isEmpty() ? now->state : now->health)
                                      : QStringLiteral("GET %1 on port %2 did not answer 200")
                                            .arg(config.healthPath)
                                            .arg(container.trafficPort)),
                         container.name};
        }
        QThread::msleep(static_cast<unsigned long>(pause.count()));
        pause = std::min(pause * 2, std::chrono::milliseconds(200));
    }
}

Result<ContainerCondition> PairWorkload::condition(const PairContainer& container)
{
    const Result<QJsonObject> inspect = m_client.inspectContainer(container.id);
    if (!inspect)
        return inspect.error();
    const QJsonObject state = inspect->value(QLatin1String("State")).toObject();
    ContainerCondition condition;
    condition.running = state.value(QLatin1String("Running")).toBool();
    condition.oomKilled = state.value(QLatin1String("OOMKilled")).toBool();
    condition.restartCount = inspect->value(QLatin1String("RestartCount")).toInt();
    return condition;
}

Result<bool> PairWorkload::stop(const PairContainer& container, int stopSeconds)
{
    const Result<bool> stopped = m_client.stopContainer(container.id, stopSeconds);
    if (!stopped && !isNoSuchContainer(stopped.error()))
        return stopped.error();
    return true;
}

Result<bool> PairWorkload::remove(const PairContainer& container, bool removeVolumes,
                                  int stopSeconds)
{
    // One known to be down needs no graceful stop: the forced removal alone suffices.
    if (container.isRunning()) {
        if (Result<bool> stopped = stop(container, stopSeconds); !stopped)
            return stopped;
    }
    const Result<bool> removed = m_client.removeContainer(container.id, true, removeVolumes);
    if (!removed && !isNoSuchContainer(removed.error()))
        return removed.error();
    return true;
}

} // namespace launchdeck::deploy
