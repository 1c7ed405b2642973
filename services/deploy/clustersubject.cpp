// Where a deployment on a cluster stands before it starts: the cluster and namespace of the
// environment, the revisions from the ledger (with the objects each recorded), the objects of
// the new revision, and what of the pair runs on the cluster now.
#include "deploy/clusterrun.h"

#include "kubernetes/kubeconfig.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace launchdeck::deploy {

namespace {

QString key(const char16_t* text)
{
    return QStringView(text).toString();
}

// One Deployment of the pair as the cluster has it.
struct PairDeployment
{
    QString track;
    int specReplicas = 0;
    int readyReplicas = 0;
    int revision = 0; // launchdeck.dev/revision; 0 when it carries none
    QString image;    // its first container's
};

// "~/x" as a shell reads it: the README documents `kubeconfig: ~/.kube/config`.
Target withHomeExpanded(Target target, const QString& home)
{
    if (target.kubeconfig == u"~" || target.kubeconfig.startsWith(u"~/"))
        target.kubeconfig = home + target.kubeconfig.mid(1);
    return target;
}

QString pairSelector(const QString& application, const QString& environment)
{
    return key(kube::appkeys::kName) + u'=' + application + u',' +
           key(kube::appkeys::kEnvironment) + u'=' + environment;
}

// The pair's Deployments; none (and no error) when the user may not list them, so that
// VALIDATING names the missing permission with the others instead of the job failing here.
Result<QList<PairDeployment>> pairDeployments(kube::KubeClient& client, const QString& nameSpace,
                                              const QString& application,
                                              const QString& environment)
{
    const kube::KubeAnswer answer =
        client.get(QStringLiteral("/apis/apps/v1/namespaces/%1/deployments?labelSelector=%2")
                       .arg(nameSpace, kube::queryValue(pairSelector(application, environment))));
    if (answer.status == 403)
        return QList<PairDeployment>{};
    if (!answer.ok())
        return Error{
            answer.error,
            QStringLiteral("cluster %1, namespace %2").arg(client.clusterName(), nameSpace)};
    QList<PairDeployment> found;
    const QJsonArray items =
        QJsonDocument::fromJson(answer.body).object().value(QLatin1String("items")).toArray();
    for (const QJsonValue& item : items) {
        const QJsonObject object = item.toObject();
        const QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
        PairDeployment deployment;
        deployment.track = metadata.value(QLatin1String("labels"))
                               .toObject()
                               .value(key(cluster::kTrack))
                               .toString();
        deployment.specReplicas = object.value(QLatin1String("spec"))
                                      .toObject()
                                      .value(QLatin1String("replicas"))
                                      .toInt(1);
        deployment.readyReplicas = object.value(QLatin1String("status"))
                                       .toObject()
                                       .value(QLatin1String("readyReplicas"))
                                       .toInt();
        deployment.revision = metadata.value(QLatin1String("annotations"))
                                  .toObject()
                                  .value(key(kube::appkeys::kRevision))
                                  .toString()
                                  .toInt();
        deployment.image = object.value(QLatin1String("spec"))
                               .toObject()
                               .value(QLatin1String("template"))
                               .toObject()
                               .value(QLatin1String("spec"))
                               .toObject()
                               .value(QLatin1String("containers"))
                               .toArray()
                               .at(0)
                               .toObject()
                               .value(QLatin1String("image"))
                               .toString();
        if (!deployment.track.isEmpty())
            found.append(deployment);
    }
    return found;
}

// The track the application's Service selects, when it narrows to one.
QString servedTrack(kube::KubeClient& client, const QString& nameSpace, const QString& service)
{
    const kube::KubeAnswer answer =
        client.get(QStringLiteral("/api/v1/namespaces/%1/services/%2").arg(nameSpace, service));
    if (!answer.ok())
        return {};
    return QJsonDocument::fromJson(answer.body)
        .object()
        .value(QLatin1String("spec"))
        .toObject()
        .value(QLatin1String("selector"))
        .toObject()
        .value(key(cluster::kTrack))
        .toString();
}

// What serves now: the track the Service selects when it selects one that runs; else the
// stable Deployment; else the colour with the most ready pods. A candidate or a canary never
// serves on its own.
QString liveTrackOf(const QList<PairDeployment>& deployments, const QString& selected)
{
    const auto running = [&](const QString& track) {
        return std::any_of(deployments.cbegin(), deployments.cend(), [&](const PairDeployment& d) {
            return d.track == track && d.specReplicas > 0;
        });
    };
    if (!selected.isEmpty() && selected != QStringView(cluster::kCandidate) &&
        selected != QStringView(cluster::kCanary) && running(selected))
        return selected;
    const auto stable =
        std::find_if(deployments.cbegin(), deployments.cend(), [](const PairDeployment& d) {
            return d.track == QStringView(cluster::kStable);
        });
    if (stable != deployments.cend())
        return stable->track;
    const PairDeployment* best = nullptr;
    for (const PairDeployment& deployment : deployments) {
        const bool colour = deployment.track == QStringView(cluster::kBlue) ||
                            deployment.track == QStringView(cluster::kGreen);
        if (colour && deployment.readyReplicas > 0 &&
            (!best || deployment.readyReplicas > best->readyReplicas))
            best = &deployment;
    }
    return best ? best->track : QString();
}

// The application's objects from a revision's recorded List: its Deployment and Service as
// they were generated, before a track named and narrowed them.
std::optional<kube::ApplicationObjects> recordedApplicationObjects(const QJsonObject& list,
                                                                   const QString& application)
{
    std::optional<kube::ApplicationObjects> objects;
    std::optional<QJsonObject> service;
    QList<QJsonObject> companions;
    const auto withoutTrack = [](QJsonObject object, const QString& field) {
        QJsonObject inner = object.value(field).toObject();
        inner.remove(key(cluster::kTrack));
        object.insert(field, inner);
        return object;
    };
    for (const QJsonValue& item : list.value(QLatin1String("items")).toArray()) {
        QJsonObject object = item.toObject();
        const QString kind = object.value(QLatin1String("kind")).toString();
        QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
        QJsonObject spec = object.value(QLatin1String("spec")).toObject();
        if (kind == u"Deployment" && !objects) {
            metadata.insert(QStringLiteral("name"), application);
            metadata = withoutTrack(metadata, QStringLiteral("labels"));
            spec.insert(QStringLiteral("selector"),
                        withoutTrack(spec.value(QLatin1String("selector")).toObject(),
                                     QStringLiteral("matchLabels")));
            QJsonObject podTemplate = spec.value(QLatin1String("template")).toObject();
            podTemplate.insert(QStringLiteral("metadata"),
                               withoutTrack(podTemplate.value(QLatin1String("metadata")).toObject(),
                                            QStringLiteral("labels")));
            spec.insert(QStringLiteral("template"), podTemplate);
            object.insert(QStringLiteral("metadata"), metadata);
            object.insert(QStringLiteral("spec"), spec);
            objects = kube::ApplicationObjects{object, std::nullopt, {}, {}, false, {}, {}};
        } else if (kind == u"Service" &&
                   metadata.value(QLatin1String("name")).toString() == application) {
            object.insert(QStringLiteral("spec"), withoutTrack(spec, QStringLiteral("selector")));
            service = object;
        } else if (!cluster::isPairObject(object, application)) {
            companions.append(object);
        }
    }
    if (!objects)
        return objects;
    objects->service = service;
    objects->companions = companions;
    const cluster::LaunchdeckSecret secret =
        cluster::launchdeckSecret(objects->deployment, application);
    objects->secretName = secret.name;
    objects->secretKeys = secret.keys;
    return objects;
}

// Two environments in one namespace of one cluster would share the application's Deployments
// and Services, each deployment overwriting the other's.
std::optional<Error> sharedNamespace(const Workspace& workspace, const Environment& environment,
                                     const ClusterPlace& place)
{
    for (const Environment& other : workspace.environments) {
        if (other.name == environment.name || !isClusterEnvironment(workspace, other.name))
            continue;
        const Result<ClusterPlace> otherPlace = resolveClusterPlace(workspace, other.name);
        if (!otherPlace || otherPlace->nameSpace != place.nameSpace ||
            otherPlace->connection.server != place.connection.server)
            continue;
        return Error{QStringLiteral("environments %1 and %2 both deploy into namespace %3 of "
                                    "cluster %4 (contexts %5 and %6): their applications' "
                                    "Deployments and Services would be the same objects; give "
                                    "one of their targets another namespace")
                         .arg(environment.name, other.name, place.nameSpace,
                              place.connection.server, place.connection.contextName,
                              otherPlace->connection.contextName),
                     workspace.file};
    }
    return std::nullopt;
}

// A cluster has no traffic counters to read: analyses there read Prometheus or the pods.
std::optional<Error> unreadableAnalysis(const Workspace& workspace, const Application& application)
{
    for (const AnalysisTemplate& analysis : application.strategy.analyses) {
        if (analysis.metric == u"error_rate" || analysis.metric == u"latency_p95")
            return Error{QStringLiteral("application %1: analysis '%2' measures %3, which needs "
                                        "the traffic counters of a Docker entry point; on a "
                                        "cluster use metric: prometheus (with a query) or "
                                        "restarts")
                             .arg(application.name, analysis.name, analysis.metric),
                         workspace.file};
    }
    return std::nullopt;
}

RevisionConfig clusterRevisionConfig(const Application& application, const Environment& environment,
                                     const QString& image)
{
    RevisionConfig config = revisionConfigFor(application, environment, image);
    config.network.clear(); // a Docker network means nothing on a cluster
    return config;
}

} // namespace

Result<ClusterPlace> resolveClusterPlace(const Workspace& workspace, const QString& environment)
{
    const Environment* env = workspace.environment(environment);
    if (!env)
        return Error{QStringLiteral("no environment '%1' in the workspace").arg(environment),
                     workspace.file};
    const Target* target = workspace.target(env->target);
    if (!target)
        return Error{QStringLiteral("environment %1: its target '%2' is not defined")
                         .arg(env->name, env->target),
                     workspace.file};
    if (target->type != Target::Type::Kubernetes)
        return Error{QStringLiteral("environment %1: its target '%2' is a Docker host, not a "
                                    "Kubernetes cluster")
                         .arg(env->name, target->name),
                     workspace.file};
    const KubeconfigLookup lookup = KubeconfigLookup::fromEnvironment();
    const Result<Kubeconfig> config =
        loadKubeconfigForTarget(withHomeExpanded(*target, lookup.home), workspace.root, lookup);
    if (!config)
        return Error{QStringLiteral("target %1: ").arg(target->name) + config.error().message,
                     config.error().where};
    if (config->files.isEmpty())
        return Error{QStringLiteral("target %1: no kubeconfig — set kubeconfig: on it in "
                                    "launchdeck.yaml, or KUBECONFIG")
                         .arg(target->name),
                     workspace.file};
    const Result<ClusterConnection> connection = resolveContext(*config, target->context);
    if (!connection)
        return Error{QStringLiteral("target %1: ").arg(target->name) + connection.error().message,
                     connection.error().where};
    ClusterPlace place;
    place.connection = *connection;
    place.clusterName = target->name;
    place.nameSpace = !target->nameSpace.isEmpty()       ? target->nameSpace
                      : !connection->nameSpace.isEmpty() ? connection->nameSpace
                                                         : QStringLiteral("default");
    return place;
}

bool isClusterEnvironment(const Workspace& workspace, const QString& environment)
{
    const Environment* env = workspace.environment(environment);
    const Target* target = env ? workspace.target(env->target) : nullptr;
    return target && target->type == Target::Type::Kubernetes;
}

Result<ClusterSubject> resolveClusterSubject(const DeploymentContext& context,
                                             const DeploymentRequest& request,
                                             kube::KubeClient& client, const ClusterPlace& place)
{
    const Workspace& workspace = context.workspace;
    const Application* application = workspace.application(request.application);
    if (!application)
        return Error{
            QStringLiteral("no application '%1' in the workspace").arg(request.application),
            workspace.file};
    const Environment* environment = workspace.environment(request.environment);
    if (!environment)
        return Error{
            QStringLiteral("no environment '%1' in the workspace").arg(request.environment),
            workspace.file};
    if (const auto shared = sharedNamespace(workspace, *environment, place))
        return *shared;

    ClusterSubject subject;
    subject.application = *application;
    subject.environment = *environment;
    subject.place = place;
    subject.strategy = request.strategy.value_or(application->strategy.type);

    const Result<QList<PairDeployment>> deployments =
        pairDeployments(client, place.nameSpace, application->name, environment->name);
    if (!deployments)
        return deployments.error();
    const QString service = application->ports.isEmpty() ? QString() : application->name;
    subject.liveTrack =
        liveTrackOf(*deployments,
                    service.isEmpty() ? QString() : servedTrack(client, place.nameSpace, service));
    int highestOnCluster = 0;
    for (const PairDeployment& deployment : *deployments) {
        highestOnCluster = std::max(highestOnCluster, deployment.revision);
        if (deployment.track == subject.liveTrack)
            subject.liveReplicas += deployment.readyReplicas;
    }

    DeploymentLedger& ledger = *context.ledger;
    subject.from = ledger.latestRevision(application->name, environment->name);
    // A ledger that lost its database still finds what runs by the Deployment's annotations.
    if (!subject.from && !subject.liveTrack.isEmpty()) {
        for (const PairDeployment& deployment : *deployments) {
            if (deployment.track == subject.liveTrack && deployment.revision > 0)
                subject.from = Revision{deployment.revision, deployment.image};
        }
    }
    if (subject.from) {
        if (const auto stored =
                ledger.revisionConfig(application->name, environment->name, subject.from->number)) {
            if (Result<RevisionConfig> parsed = RevisionConfig::fromJson(*stored); parsed)
                subject.fromConfig = *parsed;
            if (const QJsonValue objects = stored->value(key(cluster::kRecordedObjects));
                objects.isObject())
                subject.fromObjects = objects.toObject();
        }
        if (!subject.fromConfig)
            subject.fromConfig =
                clusterRevisionConfig(*application, *environment, subject.from->image);
    }

    if (request.kind == DeploymentKind::Deploy) {
        if (request.version.isEmpty() && application->version.isEmpty())
            return Error{QStringLiteral("no version given and application '%1' names no default")
                             .arg(application->name),
                         workspace.file};
        if (subject.strategy == Strategy::Type::Canary ||
            subject.strategy == Strategy::Type::BlueGreen) {
            if (const auto unreadable = unreadableAnalysis(workspace, *application))
                return *unreadable;
        }
        const QString version = request.version.isEmpty() ? application->version : request.version;
        const QString image = version.contains(u':') || version.contains(u'@')
                                  ? version
                                  : application->image + u':' + version;
        // Numbers stay unique even when the cluster runs revisions the ledger never saw.
        subject.to =
            Revision{std::max(ledger.nextRevisionNumber(application->name, environment->name),
                              highestOnCluster + 1),
                     image};
        subject.toConfig = clusterRevisionConfig(*application, *environment, image);
        Result<kube::ApplicationObjects> objects = cluster::workspaceApplicationObjects(
            workspace, *application, *environment, subject.strategy, subject.to.image,
            subject.to.number, place.nameSpace);
        if (!objects)
            return objects.error();
        subject.toObjects = *objects;
        subject.toConfig.replicas =
            objects->deployment[u"spec"][u"replicas"].toInt(subject.toConfig.replicas);
        return subject;
    }

    // A rollback returns to a revision that was live once.
    const Result<Revision> target = rollbackTarget(ledger, application->name, environment->name,
                                                   request.toRevision, subject.from);
    if (!target)
        return target.error();
    subject.to = *target;
    std::optional<kube::ApplicationObjects> recorded;
    if (const auto stored =
            ledger.revisionConfig(application->name, environment->name, target->number)) {
        Result<RevisionConfig> parsed = RevisionConfig::fromJson(*stored);
        if (!parsed)
            return parsed.error();
        subject.toConfig = *parsed;
        recorded = recordedApplicationObjects(
            stored->value(key(cluster::kRecordedObjects)).toObject(), application->name);
    } else {
        subject.toConfig = clusterRevisionConfig(*application, *environment, target->image);
    }
    // Blue-green returns by switching colours; every other shape by its stable Deployment,
    // whose own strategy (Recreate or RollingUpdate) replaces the pods.
    if (cluster::isColour(subject.liveTrack))
        subject.strategy = Strategy::Type::BlueGreen;
    else if (application->strategy.type == Strategy::Type::Recreate)
        subject.strategy = Strategy::Type::Recreate;
    else
        subject.strategy = Strategy::Type::Rolling;
    if (recorded) {
        subject.toObjects = *recorded;
        subject.toObjects.source = QStringLiteral("the record of revision %1").arg(target->number);
    } else {
        // A revision recorded before its objects were: made again from the workspace.
        Result<kube::ApplicationObjects> objects = cluster::workspaceApplicationObjects(
            workspace, *application, *environment, application->strategy.type, subject.to.image,
            subject.to.number, place.nameSpace);
        if (!objects)
            return objects.error();
        subject.toObjects = *objects;
    }
    return subject;
}

QJsonArray liveObjects(const ClusterSubject& subject)
{
    // A canary ends as the stable Deployment, blue-green as its colour behind the Service;
    // applying these again restores the revision exactly.
    const bool blueGreen = subject.strategy == Strategy::Type::BlueGreen;
    const bool liveColour = cluster::isColour(subject.liveTrack);
    const QString liveAs = !blueGreen   ? key(cluster::kStable)
                           : liveColour ? cluster::otherColour(subject.liveTrack)
                                        : key(cluster::kBlue);
    const int replicas = subject.toObjects.deployment.value(QLatin1String("spec"))
                             .toObject()
                             .value(QLatin1String("replicas"))
                             .toInt(subject.application.replicas);
    QJsonArray items;
    for (const QJsonObject& companion : subject.toObjects.companions)
        items.append(companion);
    items.append(cluster::trackDeployment(subject.toObjects, liveAs, replicas, subject.to.number,
                                          subject.to.image));
    const bool splitByIngress =
        subject.strategy == Strategy::Type::Canary && !subject.environment.ingress.isEmpty();
    const std::optional<QString> selected =
        blueGreen || splitByIngress ? std::optional<QString>(liveAs) : std::nullopt;
    if (const auto service = cluster::activeService(subject.toObjects, selected))
        items.append(*service);
    if (splitByIngress) {
        if (const auto service = cluster::canaryService(subject.toObjects))
            items.append(*service);
    }
    return items;
}

// ---- ClusterDeploymentRun ------------------------------------------------------------------

ClusterDeploymentRun::ClusterDeploymentRun(const DeploymentContext& context,
                                           const DeploymentRequest& request, JobControl& control,
                                           Emit report)
    : DeploymentLifecycle(context, request, control, std::move(report))
{}

ClusterDeploymentRun::~ClusterDeploymentRun() = default;

Result<DeploymentLifecycle::Plan> ClusterDeploymentRun::prepare()
{
    const Result<ClusterPlace> place =
        resolveClusterPlace(m_context.workspace, m_request.environment);
    if (!place)
        return place.error();
    m_client = std::make_unique<kube::KubeClient>(place->connection, place->clusterName);
    Result<ClusterSubject> subject = resolveClusterSubject(m_context, m_request, *m_client, *place);
    if (!subject)
        return subject.error();
    m_subject = std::move(subject).value();

    const bool liveColour = cluster::isColour(m_subject.liveTrack);
    m_previousTrack = m_subject.liveTrack;
    switch (m_subject.strategy) {
    case Strategy::Type::BlueGreen:
        m_newTrack = liveColour ? cluster::otherColour(m_subject.liveTrack) : key(cluster::kBlue);
        break;
    case Strategy::Type::Canary:
        m_newTrack = key(cluster::kCanary);
        break;
    case Strategy::Type::Recreate:
    case Strategy::Type::Rolling:
        m_newTrack = key(cluster::kStable);
        break;
    }

    const Application& app = m_subject.application;
    Plan plan;
    plan.application = app.name;
    plan.environment = m_subject.environment.name;
    plan.from = m_subject.from;
    plan.to = m_subject.to;
    plan.strategy = m_subject.strategy;
    plan.recordedConfig = m_subject.toConfig.toJson();
    plan.recordedConfig.insert(key(cluster::kRecordedObjects),
                               QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                           {QStringLiteral("kind"), QStringLiteral("List")},
                                           {QStringLiteral("items"), liveObjects(m_subject)}});
    return plan;
}

} // namespace launchdeck::deploy
