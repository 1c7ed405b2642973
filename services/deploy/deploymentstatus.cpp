// The status of every application × environment: the ledger says what was live and what runs,
// the containers' labels on each Docker host say what actually serves and how healthy it is.
#include "deploy/clusterrun.h"
#include "deploy/deploymentengine.h"
#include "deploy/deploymentrun.h"
#include "docker/environmenthost.h"

namespace launchdeck::deploy {

namespace {

// The running containers of `revision` (the test candidate aside) make the pair's health and
// replica count.
void countServing(const QList<PairContainer>& containers, int revision, PairStatus& status)
{
    int starting = 0;
    int unhealthy = 0;
    for (const PairContainer& container : containers) {
        if (container.identity.revision != revision || container.identity.group == u"candidate" ||
            !container.isRunning())
            continue;
        ++status.runningReplicas;
        status.activeGroup = container.identity.group;
        if (container.health.isEmpty() || container.health == u"healthy")
            continue;
        if (container.health == u"starting")
            ++starting;
        else
            ++unhealthy;
    }
    if (status.runningReplicas == 0)
        status.health = PairStatus::Health::Stopped;
    else if (unhealthy > 0)
        status.health = PairStatus::Health::Unhealthy;
    else if (starting > 0)
        status.health = PairStatus::Health::Starting;
    else
        status.health = PairStatus::Health::Healthy;
}

} // namespace

QList<PairStatus> deploymentStatus(const DeploymentContext& context, const QString& application,
                                   const QString& environment)
{
    QList<PairStatus> statuses;
    const Workspace& workspace = context.workspace;
    // One client (and one listing) per Docker host.
    QMap<QString, std::shared_ptr<DockerClient>> clients;
    QMap<QString, QString> clientErrors;
    // Pairs on clusters are asked for together, one client per cluster.
    bool anyCluster = false;
    for (const Environment& env : workspace.environments)
        anyCluster = anyCluster || ((environment.isEmpty() || env.name == environment) &&
                                    isClusterEnvironment(workspace, env.name));
    const QList<PairStatus> onClusters =
        anyCluster ? clusterPairStatus(context, application, environment) : QList<PairStatus>();
    for (const Application& app : workspace.applications) {
        if (!application.isEmpty() && app.name != application)
            continue;
        for (const Environment& env : workspace.environments) {
            if (!environment.isEmpty() && env.name != environment)
                continue;
            if (isClusterEnvironment(workspace, env.name)) {
                for (const PairStatus& status : onClusters) {
                    if (status.application == app.name && status.environment == env.name)
                        statuses.append(status);
                }
                continue;
            }
            PairStatus status;
            status.application = app.name;
            status.environment = env.name;
            status.desiredReplicas = app.replicas;
            DeploymentFilter filter;
            filter.application = app.name;
            filter.environment = env.name;
            filter.limit = 1;
            const QList<DeploymentRecord> newest = context.ledger->list(filter);
            if (!newest.isEmpty())
                status.last = newest.first();
            filter.unfinishedOnly = true;
            const QList<DeploymentRecord> running = context.ledger->list(filter);
            if (!running.isEmpty())
                status.running = running.first();
            status.live = context.ledger->latestRevision(app.name, env.name);

            DeploymentRequest request;
            request.application = app.name;
            request.environment = env.name;
            const Result<DockerEndpoint> endpoint = resolveEndpoint(context, request);
            if (!endpoint) {
                status.health = PairStatus::Health::Unknown;
                status.hostError = endpoint.error().toString();
                statuses.append(status);
                continue;
            }
            const QString key = endpoint->toString();
            if (!clients.contains(key) && !clientErrors.contains(key)) {
                Result<std::unique_ptr<DockerClient>> client = connectDocker(*endpoint);
                if (!client)
                    clientErrors.insert(key, client.error().toString());
                else
                    clients.insert(key, std::move(client).value());
            }
            if (clientErrors.contains(key)) {
                status.health = PairStatus::Health::Unknown;
                status.hostError = clientErrors.value(key);
                statuses.append(status);
                continue;
            }
            PairWorkload workload(*clients.value(key), app.name, env.name);
            const Result<QList<PairContainer>> containers = workload.containers();
            if (!containers) {
                status.health = PairStatus::Health::Unknown;
                status.hostError = containers.error().toString();
                statuses.append(status);
                continue;
            }
            if (!status.live) {
                // The ledger lost the pair (or never had it): the labels tell what runs. The
                // containers of a deployment still under way are not live yet.
                for (const PairContainer& container : *containers) {
                    if (container.isRunning() && container.identity.group != u"candidate" &&
                        (!status.running ||
                         container.identity.deploymentId != status.running->id) &&
                        (!status.live || container.identity.revision > status.live->number))
                        status.live = Revision{container.identity.revision, container.image};
                }
            }
            // Every strategy has moved all traffic to the new revision before MONITORING, and a
            // first deployment has nothing else to serve: then its containers are what the
            // pair runs on. Before, and once it fails, the live revision serves.
            if (status.running &&
                (!status.live || status.running->stage == DeploymentStage::Monitoring))
                status.servingRevision = status.running->to.number;
            else if (status.live)
                status.servingRevision = status.live->number;
            if (status.servingRevision == 0) {
                status.health = PairStatus::Health::NotDeployed;
                statuses.append(status);
                continue;
            }
            countServing(*containers, status.servingRevision, status);
            if (!status.live && status.runningReplicas == 0)
                status.health = PairStatus::Health::NotDeployed; // the first one has yet to start
            if (env.trafficListen.isEmpty())
                status.activeGroup.clear();
            statuses.append(status);
        }
    }
    return statuses;
}

} // namespace launchdeck::deploy
