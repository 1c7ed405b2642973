// What Deploy or Rollback would do on a cluster, and the status of the pairs of the workspace's
// cluster environments: the ledger says what was live, the pair's Deployments, pods and active
// Service say what serves and how healthy it is.
#include "deploy/clusterrun.h"

#include "deploy/deploymentrun.h"
#include "kubernetes/rolloutstatus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <future>
#include <vector>

namespace launchdeck::deploy {

namespace {

namespace keys = kube::appkeys;

// A status poll must not hang on a server that accepts and never answers.
constexpr int kStatusTimeoutMs = 10'000;

// Container states a pod does not leave by itself.
const QSet<QString> kStuckReasons = {QStringLiteral("CrashLoopBackOff"),
                                     QStringLiteral("ImagePullBackOff"),
                                     QStringLiteral("ErrImagePull"),
                                     QStringLiteral("InvalidImageName"),
                                     QStringLiteral("CreateContainerConfigError"),
                                     QStringLiteral("RunContainerError")};

QString labelOf(const QJsonObject& object, QStringView key)
{
    return object[u"metadata"][u"labels"][key].toString();
}

// The Launchdeck revision a pod or pod template carries in its annotation, 0 when none.
int annotatedRevision(const QJsonObject& pod)
{
    return pod[u"metadata"][u"annotations"][keys::kRevision].toString().toInt();
}

// Whether a pod is Ready, as its Ready condition says.
bool podReady(const QJsonObject& pod)
{
    for (const QJsonValue& condition : pod[u"status"][u"conditions"].toArray()) {
        if (condition[u"type"].toString() == u"Ready")
            return condition[u"status"].toString() == u"True";
    }
    return false;
}

// The revision a Deployment's pods run: its template's (what `kubectl rollout undo` brings back
// with the template).
int templateRevision(const QJsonObject& deployment)
{
    return annotatedRevision(deployment[u"spec"][u"template"].toObject());
}

QString templateImage(const QJsonObject& deployment)
{
    return deployment[u"spec"][u"template"][u"spec"][u"containers"][0][u"image"].toString();
}

int specReplicas(const QJsonObject& deployment)
{
    // An API server defaults a missing replicas to 1.
    return deployment[u"spec"][u"replicas"].toInt(1);
}

bool hasTrueCondition(const QJsonObject& object, QStringView type)
{
    for (const QJsonValue& condition : object[u"status"][u"conditions"].toArray()) {
        if (condition[u"type"].toString() == type && condition[u"status"].toString() == u"True")
            return true;
    }
    return false;
}

// A pod whose containers wait in a state they do not leave by themselves.
bool isStuck(const QJsonObject& pod)
{
    for (const char16_t* field : {u"initContainerStatuses", u"containerStatuses"}) {
        for (const QJsonValue& status : pod[u"status"][QStringView(field)].toArray()) {
            if (kStuckReasons.contains(status[u"state"][u"waiting"][u"reason"].toString()))
                return true;
        }
    }
    return false;
}

// "cluster NAME (URL): what" — transport errors name the cluster already, the server's
// answers do not.
QString clusterError(const ClusterPlace& place, const QString& error)
{
    const QString label = kube::clusterLabel(place.clusterName, place.connection.server);
    return error.startsWith(label) ? error : label + QStringLiteral(": ") + error;
}

// The items of a list answer, each with the kind a list leaves out.
Result<QList<QJsonObject>> listItems(kube::KubeClient& client, const QString& path,
                                     const QString& kind, bool* unreachable)
{
    const kube::KubeAnswer answer = client.get(path, kStatusTimeoutMs);
    if (!answer.ok()) {
        *unreachable = answer.unreachable;
        return Error{answer.error};
    }
    QList<QJsonObject> items;
    for (const QJsonValue& value :
         QJsonDocument::fromJson(answer.body).object().value(u"items").toArray()) {
        QJsonObject item = value.toObject();
        item.insert(QStringLiteral("kind"), kind);
        items.append(item);
    }
    return items;
}

// One pair of a cluster environment being asked about.
struct PairAsk
{
    PairStatus status;
    QString nameSpace;
    int workspaceReplicas = 1;
};

// The pairs one cluster answers for, asked with one client.
struct ClusterAsk
{
    ClusterPlace place;
    std::vector<PairAsk*> pairs;
};

// The pair's health and replicas from its Deployments (a candidate under test aside) and pods.
void judgePair(kube::KubeClient& client, PairAsk& pair, const QList<QJsonObject>& deployments,
               const QList<QJsonObject>& pods)
{
    PairStatus& status = pair.status;
    const auto ofPair = [&](const QJsonObject& object) {
        return labelOf(object, keys::kName) == status.application &&
               labelOf(object, keys::kEnvironment) == status.environment &&
               labelOf(object, cluster::kTrack) != QStringView(cluster::kCandidate);
    };
    QList<QJsonObject> workloads;
    bool colours = false;
    for (const QJsonObject& deployment : deployments) {
        if (!ofPair(deployment))
            continue;
        workloads.append(deployment);
        const QString track = labelOf(deployment, cluster::kTrack);
        colours = colours || track == QStringView(cluster::kBlue) ||
                  track == QStringView(cluster::kGreen);
    }
    if (!status.live) {
        // The ledger lost the pair (or never had it): the templates tell what runs, except what
        // a deployment still under way rolls out.
        for (const QJsonObject& deployment : std::as_const(workloads)) {
            const int revision = templateRevision(deployment);
            if (revision > 0 && specReplicas(deployment) > 0 &&
                (!status.running || revision != status.running->to.number) &&
                (!status.live || revision > status.live->number))
                status.live = Revision{revision, templateImage(deployment)};
        }
    }
    // As on Docker: the rollout's revision serves from MONITORING on, or when nothing did.
    if (status.running && (!status.live || status.running->stage == DeploymentStage::Monitoring))
        status.servingRevision = status.running->to.number;
    else if (status.live)
        status.servingRevision = status.live->number;
    if (status.servingRevision == 0) {
        status.health = PairStatus::Health::NotDeployed;
        return;
    }
    if (colours) {
        // Blue-green: the colour the application's Service selects takes the traffic.
        const kube::KubeAnswer service =
            client.get(QStringLiteral("/api/v1/namespaces/%1/services/%2")
                           .arg(pair.nameSpace, status.application),
                       kStatusTimeoutMs);
        if (service.ok()) {
            const QString track =
                QJsonDocument::fromJson(service.body)[u"spec"][u"selector"][cluster::kTrack]
                    .toString();
            if (track == QStringView(cluster::kBlue) || track == QStringView(cluster::kGreen))
                status.activeGroup = track;
        }
    }

    int desired = 0;
    bool failed = false;
    bool progressing = false;
    QSet<QString> tracks;
    for (const QJsonObject& deployment : std::as_const(workloads)) {
        const QString track = labelOf(deployment, cluster::kTrack);
        if (templateRevision(deployment) != status.servingRevision) {
            // A rollout away from the serving revision (rolling, recreate): its pods still run
            // under the Deployment that now has the next template, until they are replaced.
            int ready = 0;
            bool any = false;
            for (const QJsonObject& pod : pods) {
                if (!ofPair(pod) || labelOf(pod, cluster::kTrack) != track ||
                    annotatedRevision(pod) != status.servingRevision)
                    continue;
                any = true;
                ready += podReady(pod) ? 1 : 0;
            }
            if (!any)
                continue;
            tracks.insert(track);
            desired += specReplicas(deployment);
            status.runningReplicas += ready;
            continue;
        }
        tracks.insert(track);
        desired += specReplicas(deployment);
        status.runningReplicas += deployment[u"status"][u"readyReplicas"].toInt();
        const kube::RolloutVerdict verdict = kube::rolloutStatus(deployment);
        failed = failed || verdict.state == kube::RolloutVerdict::State::Failed ||
                 hasTrueCondition(deployment, u"ReplicaFailure");
        progressing = progressing || verdict.state == kube::RolloutVerdict::State::InProgress;
    }
    bool stuck = false;
    for (const QJsonObject& pod : pods) {
        if (ofPair(pod) && tracks.contains(labelOf(pod, cluster::kTrack)) &&
            annotatedRevision(pod) == status.servingRevision && isStuck(pod))
            stuck = true;
    }
    status.desiredReplicas = tracks.isEmpty() ? pair.workspaceReplicas : desired;
    if (tracks.isEmpty() || desired == 0)
        status.health = PairStatus::Health::Stopped;
    else if (failed || stuck)
        status.health = PairStatus::Health::Unhealthy;
    else if (progressing || status.runningReplicas < desired)
        status.health = PairStatus::Health::Starting;
    else
        status.health = PairStatus::Health::Healthy;
    if (!status.live && status.runningReplicas == 0)
        status.health = PairStatus::Health::NotDeployed; // the first one has yet to start
}

// Asks one cluster about its pairs: per namespace one list of the pair's Deployments and one of
// their pods, plus the active Service of a blue-green pair. A cluster that does not answer is
// not asked again in this call.
void askCluster(const ClusterAsk& ask)
{
    kube::KubeClient client(ask.place.connection, ask.place.clusterName);
    QMap<QString, QStringList> environmentsOf;
    for (const PairAsk* pair : ask.pairs) {
        QStringList& environments = environmentsOf[pair->nameSpace];
        if (!environments.contains(pair->status.environment))
            environments.append(pair->status.environment);
    }
    QString unreachable;
    for (auto it = environmentsOf.cbegin(); it != environmentsOf.cend(); ++it) {
        const QString& nameSpace = it.key();
        const auto fail = [&](const QString& error) {
            for (PairAsk* pair : ask.pairs) {
                if (pair->nameSpace != nameSpace)
                    continue;
                pair->status.health = PairStatus::Health::Unknown;
                pair->status.hostError = clusterError(ask.place, error);
            }
        };
        if (!unreachable.isEmpty()) {
            fail(unreachable);
            continue;
        }
        const QString selector =
            kube::queryValue(QStringLiteral("%1 in (%2),%3")
                                 .arg(QString::fromUtf16(keys::kEnvironment), it.value().join(u','),
                                      QString::fromUtf16(keys::kName)));
        bool down = false;
        const Result<QList<QJsonObject>> deployments =
            listItems(client,
                      QStringLiteral("/apis/apps/v1/namespaces/%1/deployments?labelSelector=%2")
                          .arg(nameSpace, selector),
                      QStringLiteral("Deployment"), &down);
        Result<QList<QJsonObject>> pods = QList<QJsonObject>();
        if (deployments)
            pods = listItems(client,
                             QStringLiteral("/api/v1/namespaces/%1/pods?labelSelector=%2")
                                 .arg(nameSpace, selector),
                             QStringLiteral("Pod"), &down);
        if (!deployments || !pods) {
            const QString error = (!deployments ? deployments.error() : pods.error()).toString();
            if (down)
                unreachable = error;
            fail(error);
            continue;
        }
        for (PairAsk* pair : ask.pairs) {
            if (pair->nameSpace == nameSpace)
                judgePair(client, *pair, *deployments, *pods);
        }
    }
}

// What the canary's set_weight steps become on the cluster: exact through the environment's
// Ingress, else replica counts as close as the replicas allow.
std::optional<QString> canaryWeightNote(const ClusterSubject& subject)
{
    if (subject.strategy != Strategy::Type::Canary)
        return std::nullopt;
    QStringList splits;
    const int replicas = subject.toConfig.replicas;
    for (const StrategyStep& step : subject.application.strategy.steps) {
        if (step.kind != StrategyStep::Kind::SetWeight)
            continue;
        const cluster::WeightSplit split = cluster::splitReplicas(replicas, step.weight);
        splits.append(QStringLiteral("set_weight %1 becomes %2 of %3 replicas (%4%)")
                          .arg(step.weight)
                          .arg(split.canary)
                          .arg(split.canary + split.stable)
                          .arg(qRound(split.effectiveWeight)));
    }
    if (splits.isEmpty())
        return std::nullopt;
    if (!subject.environment.ingress.isEmpty())
        return QStringLiteral("canary weights are exact: the canary twin %1-canary of Ingress %1 "
                              "carries them")
            .arg(subject.environment.ingress);
    return QStringLiteral("canary weights become replica counts (%1 replicas; name an Ingress "
                          "for exact weights): %2")
        .arg(replicas)
        .arg(splits.join(QStringLiteral("; ")));
}

// How a rollback returns to its revision: by `kubectl rollout undo` when the Deployment's
// ReplicaSets still hold it, else by applying its recorded objects again.
std::optional<QString> rollbackNote(kube::KubeClient& client, const ClusterSubject& subject)
{
    if (subject.liveTrack != QStringView(cluster::kStable))
        return std::nullopt;
    const QString name = cluster::workloadName(subject.application.name, subject.liveTrack);
    const Result<QList<kube::RolloutRevision>> history =
        kube::rolloutHistory(client, subject.place.nameSpace, name);
    if (!history)
        return std::nullopt;
    for (const kube::RolloutRevision& revision : *history) {
        if (annotatedRevision(revision.podTemplate) == subject.to.number)
            return QStringLiteral("Deployment %1 still has revision %2 in its history: it returns "
                                  "as `kubectl rollout undo --to-revision=%3` would")
                .arg(name)
                .arg(subject.to.number)
                .arg(revision.revision);
    }
    return QStringLiteral("Deployment %1 no longer has revision %2 in its history: the objects "
                          "recorded with it are applied again")
        .arg(name)
        .arg(subject.to.number);
}

} // namespace

Result<DeploymentPreview> previewClusterDeployment(const DeploymentContext& context,
                                                   const DeploymentRequest& request)
{
    const Result<ClusterPlace> place = resolveClusterPlace(context.workspace, request.environment);
    if (!place)
        return place.error();
    kube::KubeClient client(place->connection, place->clusterName);
    const Result<ClusterSubject> resolved = resolveClusterSubject(context, request, client, *place);
    if (!resolved)
        return resolved.error();
    const ClusterSubject& subject = *resolved;

    DeploymentPreview preview;
    preview.application = subject.application.name;
    preview.environment = subject.environment.name;
    preview.from = subject.from;
    preview.to = subject.to;
    preview.fromConfig = subject.fromConfig;
    preview.toConfig = subject.toConfig;
    // launchdeck.yaml describes what it generates; objects from a template or manifests are
    // compared as they are applied.
    if (subject.toObjects.generated)
        preview.diff = configDiff(subject.fromConfig, subject.toConfig, DiffNetwork::Omitted);
    else
        preview.diff = cluster::objectsDiff(
            subject.fromObjects ? (*subject.fromObjects)[u"items"].toArray() : QJsonArray(),
            liveObjects(subject), subject.application.name);
    preview.strategy = subject.strategy;
    // The application's Service keeps serving through every other strategy's switch.
    preview.downtime = subject.strategy == Strategy::Type::Recreate;
    preview.isProtected = subject.environment.isProtected;
    if (preview.downtime && subject.from)
        preview.notes.append(QStringLiteral("the application is unreachable while the old pods "
                                            "stop and the new ones start"));
    if (const auto note = canaryWeightNote(subject))
        preview.notes.append(*note);
    if (request.kind == DeploymentKind::Rollback) {
        if (const auto note = rollbackNote(client, subject))
            preview.notes.append(*note);
    }
    QStringList applied{QStringLiteral("Deployment ") + subject.application.name};
    if (subject.toObjects.service)
        applied.append(QStringLiteral("Service ") + subject.application.name);
    if (!subject.toObjects.secretName.isEmpty())
        applied.append(QStringLiteral("Secret ") + subject.toObjects.secretName);
    for (const QJsonObject& companion : subject.toObjects.companions)
        applied.append(companion[u"kind"].toString() + u' ' +
                       companion[u"metadata"][u"name"].toString());
    preview.notes.append(QStringLiteral("objects from %1: %2")
                             .arg(subject.toObjects.source, applied.join(QStringLiteral(", "))));
    preview.notes.append(QStringLiteral("image %1 is not checked here: the nodes of cluster %2 "
                                        "pull it when the pods start")
                             .arg(subject.toConfig.image, place->clusterName));
    preview.estimatedMs =
        estimateDuration(*context.ledger, preview.application, preview.environment, request.kind);
    return preview;
}

QList<PairStatus> clusterPairStatus(const DeploymentContext& context, const QString& application,
                                    const QString& environment)
{
    const Workspace& workspace = context.workspace;
    // Stable addresses: the clusters' threads fill the pairs in place.
    std::vector<std::unique_ptr<PairAsk>> pairs;
    std::vector<ClusterAsk> clusters;
    QMap<QString, std::size_t> clusterOf; // connection identity -> index in `clusters`
    QMap<QString, Result<ClusterPlace>> places;
    for (const Application& app : workspace.applications) {
        if (!application.isEmpty() && app.name != application)
            continue;
        for (const Environment& env : workspace.environments) {
            if ((!environment.isEmpty() && env.name != environment) ||
                !isClusterEnvironment(workspace, env.name))
                continue;
            auto pair = std::make_unique<PairAsk>();
            PairStatus& status = pair->status;
            status.application = app.name;
            status.environment = env.name;
            status.desiredReplicas = app.replicas;
            pair->workspaceReplicas = app.replicas;
            DeploymentFilter filter;
            filter.application = app.name;
            filter.environment = env.name;
            filter.limit = 1;
            if (const QList<DeploymentRecord> newest = context.ledger->list(filter);
                !newest.isEmpty())
                status.last = newest.first();
            filter.unfinishedOnly = true;
            if (const QList<DeploymentRecord> running = context.ledger->list(filter);
                !running.isEmpty())
                status.running = running.first();
            status.live = context.ledger->latestRevision(app.name, env.name);

            auto known = places.find(env.name);
            if (known == places.end())
                known = places.insert(env.name, resolveClusterPlace(workspace, env.name));
            const Result<ClusterPlace>& place = *known;
            if (!place) {
                status.health = PairStatus::Health::Unknown;
                status.hostError = place.error().toString();
                pairs.push_back(std::move(pair));
                continue;
            }
            pair->nameSpace = place->nameSpace;
            const ClusterConnection& connection = place->connection;
            const QString identity = connection.origin.where() + u'|' + connection.contextName +
                                     u'|' + connection.server + u'|' + connection.userName;
            if (!clusterOf.contains(identity)) {
                clusterOf.insert(identity, clusters.size());
                clusters.push_back(ClusterAsk{*place, {}});
            }
            clusters[clusterOf.value(identity)].pairs.push_back(pair.get());
            pairs.push_back(std::move(pair));
        }
    }

    // Clusters are asked side by side; this thread asks the first.
    std::vector<std::future<void>> others;
    for (std::size_t i = 1; i < clusters.size(); ++i)
        others.push_back(std::async(std::launch::async, askCluster, std::cref(clusters[i])));
    if (!clusters.empty())
        askCluster(clusters.front());
    for (std::future<void>& other : others)
        other.get();

    QList<PairStatus> statuses;
    statuses.reserve(qsizetype(pairs.size()));
    for (const std::unique_ptr<PairAsk>& pair : pairs)
        statuses.append(pair->status);
    return statuses;
}

} // namespace launchdeck::deploy
