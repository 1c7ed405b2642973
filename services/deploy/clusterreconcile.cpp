// The reconciliation of a deployment on a cluster that a crash cut off: the pair goes back to
// the ledger's latest good revision — the candidate and preview objects removed, a canary's
// Deployment removed and its Ingress weight zeroed, the Deployment that should run the good
// revision given its template back (as `kubectl rollout undo`, or by applying the recorded
// objects again) and its replicas, the application's Service pointed at it — and the ledger
// marks the deployment INTERRUPTED with what was done.
#include "deploy/clusterrun.h"

#include "deploy/pairworkload.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <chrono>

namespace launchdeck::deploy {

namespace {

using namespace std::chrono_literals;
namespace keys = kube::appkeys;

QString text(const char16_t* value)
{
    return QString::fromUtf16(value);
}

QJsonObject parsed(const QByteArray& body)
{
    return QJsonDocument::fromJson(body).object();
}

QString trackOf(const QJsonObject& object)
{
    return object[u"metadata"][u"labels"][cluster::kTrack].toString();
}

QString nameOf(const QJsonObject& object)
{
    return object[u"metadata"][u"name"].toString();
}

// The Launchdeck revision a pod template runs (its annotation), 0 when it carries none.
int revisionOfTemplate(const QJsonValue& podTemplate)
{
    return podTemplate[u"metadata"][u"annotations"][keys::kRevision].toString().toInt();
}

int revisionOf(const QJsonObject& deployment)
{
    return revisionOfTemplate(deployment[u"spec"][u"template"]);
}

int replicasOf(const QJsonObject& deployment)
{
    return deployment[u"spec"][u"replicas"].toInt(1);
}

// The collections the reconciliation touches; %1 is the namespace's part of the path.
const QString kDeployments = QStringLiteral("/apis/apps/v1/%1/deployments");
const QString kServices = QStringLiteral("/api/v1/%1/services");
const QString kIngresses = QStringLiteral("/apis/networking.k8s.io/v1/%1/ingresses");

// One reconciliation: the pair's objects on the cluster, and what was done to them.
class PairReconciler final
{
public:
    PairReconciler(const DeploymentContext& context, const DeploymentRecord& record,
                   const ClusterPlace& place, QStringList& actions)
        : m_context(context)
        , m_record(record)
        , m_place(place)
        , m_client(place.connection, place.clusterName)
        , m_actions(actions)
        , m_application(record.application)
    {}

    // Back to `good` (none: nothing was live, the pair's Deployments go).
    Result<bool> run(const std::optional<Revision>& good);

private:
    Error failure(const QString& what, const QString& error) const;
    QString path(const QString& collection, const QString& name = {}) const;
    Result<QList<QJsonObject>> pairDeployments();
    Result<bool> remove(const QString& kind, const QString& collection, const QString& name);
    Result<bool> scale(const QString& name, int replicas);
    Result<bool> quietCanaryIngress();
    Result<std::optional<QJsonObject>> activeService();
    Result<bool> pointService(const QJsonObject& service, const QString& track,
                              const Revision& good);
    // The stable Deployment's template back to the good revision: `kubectl rollout undo` to
    // the ReplicaSet that ran it, else its recorded objects applied again.
    Result<bool> returnTemplate(const QString& name, const Revision& good, int replicas);
    // Applies the good revision's recorded Deployments and Services (or, when none were
    // recorded, the stable Deployment generated for it); returns the Deployment to follow.
    Result<QString> applyRecorded(const Revision& good, int replicas);
    Result<bool> waitReady(const QString& name, std::chrono::milliseconds timeout);

    const DeploymentContext& m_context;
    const DeploymentRecord& m_record;
    const ClusterPlace& m_place;
    kube::KubeClient m_client;
    QStringList& m_actions;
    QString m_application;
    std::optional<QJsonObject> m_recorded; // the good revision's stored config
};

Error PairReconciler::failure(const QString& what, const QString& error) const
{
    const QString where = kube::clusterLabel(m_place.clusterName, m_place.connection.server);
    QString message = error;
    if (message.startsWith(where + u": "))
        message = message.mid(where.size() + 2);
    return Error{what.isEmpty() ? message : what + QStringLiteral(": ") + message, where};
}

QString PairReconciler::path(const QString& collection, const QString& name) const
{
    const QString base = collection.arg(u"namespaces/" + m_place.nameSpace);
    return name.isEmpty() ? base : base + u'/' + name;
}

Result<QList<QJsonObject>> PairReconciler::pairDeployments()
{
    const QString selector = text(keys::kName) + u'=' + m_application + u',' +
                             text(keys::kEnvironment) + u'=' + m_record.environment;
    const kube::KubeAnswer answer =
        m_client.get(path(kDeployments) + u"?labelSelector=" + kube::queryValue(selector));
    if (!answer.ok())
        return failure(QStringLiteral("listing the Deployments of %1").arg(m_application),
                       answer.error);
    QList<QJsonObject> deployments;
    for (const QJsonValue& item : parsed(answer.body)[u"items"].toArray())
        deployments.append(item.toObject());
    return deployments;
}

Result<bool> PairReconciler::remove(const QString& kind, const QString& collection,
                                    const QString& name)
{
    // The garbage collector takes a Deployment's ReplicaSets and pods after it.
    const QJsonObject options{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                              {QStringLiteral("kind"), QStringLiteral("DeleteOptions")},
                              {QStringLiteral("propagationPolicy"), QStringLiteral("Background")}};
    const kube::KubeAnswer answer =
        m_client.request(QByteArrayLiteral("DELETE"), path(collection, name),
                         QJsonDocument(options).toJson(QJsonDocument::Compact));
    if (answer.status == 404)
        return false;
    if (!answer.ok())
        return failure(QStringLiteral("removing %1 %2").arg(kind, name), answer.error);
    m_actions.append(QStringLiteral("removed %1 %2").arg(kind, name));
    return true;
}

Result<bool> PairReconciler::scale(const QString& name, int replicas)
{
    const QJsonObject patch{
        {QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), replicas}}}};
    const kube::KubeAnswer answer =
        m_client.request(QByteArrayLiteral("PATCH"),
                         path(kDeployments, name) + u"/scale?fieldManager=" +
                             kube::queryValue(text(kube::kFieldManager)),
                         QJsonDocument(patch).toJson(QJsonDocument::Compact),
                         QByteArrayLiteral("application/merge-patch+json"));
    if (!answer.ok())
        return failure(QStringLiteral("scaling Deployment %1").arg(name), answer.error);
    m_actions.append(QStringLiteral("scaled Deployment %1 to %2").arg(name).arg(replicas));
    return true;
}

Result<bool> PairReconciler::quietCanaryIngress()
{
    const Environment* environment = m_context.workspace.environment(m_record.environment);
    if (!environment || environment->ingress.isEmpty())
        return true;
    const QString name = environment->ingress + QStringLiteral("-canary");
    const kube::KubeAnswer current = m_client.get(path(kIngresses, name));
    if (current.status == 404)
        return true;
    if (!current.ok())
        return failure(QStringLiteral("reading Ingress %1").arg(name), current.error);
    const QString weightKey = QStringLiteral("nginx.ingress.kubernetes.io/canary-weight");
    if (parsed(current.body)[u"metadata"][u"annotations"][weightKey].toString() == u"0")
        return true;
    const QJsonObject patch{
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("annotations"),
                                                  QJsonObject{{weightKey, QStringLiteral("0")}}}}}};
    const kube::KubeAnswer answer = m_client.request(
        QByteArrayLiteral("PATCH"),
        path(kIngresses, name) + u"?fieldManager=" + kube::queryValue(text(kube::kFieldManager)),
        QJsonDocument(patch).toJson(QJsonDocument::Compact),
        QByteArrayLiteral("application/merge-patch+json"));
    if (!answer.ok())
        return failure(QStringLiteral("setting the weight of Ingress %1").arg(name), answer.error);
    m_actions.append(QStringLiteral("canary Ingress %1 weight 0").arg(name));
    return true;
}

Result<std::optional<QJsonObject>> PairReconciler::activeService()
{
    const kube::KubeAnswer answer = m_client.get(path(kServices, m_application));
    if (answer.status == 404)
        return std::optional<QJsonObject>();
    if (!answer.ok())
        return failure(QStringLiteral("reading Service %1").arg(m_application), answer.error);
    return std::optional(parsed(answer.body));
}

Result<bool> PairReconciler::pointService(const QJsonObject& service, const QString& track,
                                          const Revision& good)
{
    const QString current = service[u"spec"][u"selector"][cluster::kTrack].toString();
    // The stable track is served whether the Service names it or no track at all (canary
    // without an Ingress); a colour must be named.
    if (current == track || (track == QStringView(cluster::kStable) && current.isEmpty()))
        return true;
    const QJsonValue wanted =
        cluster::isColour(track) ? QJsonValue(track) : QJsonValue(QJsonValue::Null);
    const QJsonObject patch{
        {QStringLiteral("spec"),
         QJsonObject{{QStringLiteral("selector"), QJsonObject{{text(cluster::kTrack), wanted}}}}}};
    const kube::KubeAnswer answer =
        m_client.request(QByteArrayLiteral("PATCH"),
                         path(kServices, m_application) + u"?fieldManager=" +
                             kube::queryValue(text(kube::kFieldManager)),
                         QJsonDocument(patch).toJson(QJsonDocument::Compact),
                         QByteArrayLiteral("application/merge-patch+json"));
    if (!answer.ok())
        return failure(QStringLiteral("pointing Service %1").arg(m_application), answer.error);
    m_actions.append(
        QStringLiteral("traffic back on revision %1 (%2)").arg(good.number).arg(track));
    return true;
}

Result<bool> PairReconciler::returnTemplate(const QString& name, const Revision& good, int replicas)
{
    const Result<QList<kube::RolloutRevision>> history =
        kube::rolloutHistory(m_client, m_place.nameSpace, name);
    if (!history)
        return failure(QStringLiteral("reading the rollout history of Deployment %1").arg(name),
                       history.error().toString());
    // The newest ReplicaSet that ran the good revision.
    std::optional<qint64> target;
    for (const kube::RolloutRevision& revision : *history) {
        if (revisionOfTemplate(revision.podTemplate) == good.number)
            target = revision.revision;
    }
    if (!target) {
        const Result<QString> applied = applyRecorded(good, replicas);
        return applied ? Result<bool>(true) : Result<bool>(applied.error());
    }
    bool alreadyThere = false;
    const Result<qint64> undone =
        kube::rolloutUndo(m_client, m_place.nameSpace, name, *target, &alreadyThere);
    if (!undone)
        return failure(QStringLiteral("rolling Deployment %1 back").arg(name),
                       undone.error().toString());
    if (!alreadyThere)
        m_actions.append(QStringLiteral("rolled Deployment %1 back to revision %2 (rollout undo "
                                        "to ReplicaSet revision %3)")
                             .arg(name)
                             .arg(good.number)
                             .arg(*target));
    return true;
}

Result<QString> PairReconciler::applyRecorded(const Revision& good, int replicas)
{
    QList<QJsonObject> objects;
    QList<QJsonObject> companions;
    const QJsonArray items = m_recorded
                                 ? m_recorded->value(cluster::kRecordedObjects)[u"items"].toArray()
                                 : QJsonArray();
    const QString candidate = cluster::workloadName(m_application, text(cluster::kCandidate));
    const QString canary = cluster::workloadName(m_application, text(cluster::kCanary));
    const QString preview = cluster::previewServiceName(m_application);
    for (const QJsonValue& item : items) {
        const QJsonObject object = item.toObject();
        const QString kind = object[u"kind"].toString();
        const QString name = nameOf(object);
        // What the revision ran for its tests or its canary steps is not brought back; its
        // companions (ConfigMaps, claims, …) are, before its workloads.
        if (kind != u"Deployment" && kind != u"Service")
            companions.append(object);
        else if (name != candidate && name != canary && name != preview)
            objects.append(object);
    }
    if (!objects.isEmpty())
        objects = companions + objects;
    if (objects.isEmpty()) {
        // Nothing recorded (an older ledger): the stable Deployment the workspace makes for the
        // revision's image.
        const Application* application = m_context.workspace.application(m_application);
        const Environment* environment = m_context.workspace.environment(m_record.environment);
        if (!application || !environment)
            return Error{QStringLiteral("%1 in %2 is no longer in the workspace, and revision %3 "
                                        "recorded no objects to apply again")
                             .arg(m_application, m_record.environment)
                             .arg(good.number),
                         m_context.workspace.file};
        const Result<kube::ApplicationObjects> generated = cluster::workspaceApplicationObjects(
            m_context.workspace, *application, *environment, application->strategy.type, good.image,
            good.number, m_place.nameSpace);
        if (!generated)
            return generated.error();
        objects = generated->companions;
        objects.append(cluster::trackDeployment(*generated, text(cluster::kStable),
                                                replicas > 0 ? replicas : 1, good.number,
                                                good.image));
    }
    QString follow;
    for (const QJsonObject& object : std::as_const(objects)) {
        const kube::ApplyResult applied =
            kube::serverSideApply(m_client, object, m_place.nameSpace);
        if (!applied.ok())
            return failure(QString(), applied.error);
        m_actions.append(QStringLiteral("applied %1 %2 of revision %3 again")
                             .arg(object[u"kind"].toString(), nameOf(object))
                             .arg(good.number));
        if (follow.isEmpty() && object[u"kind"].toString() == u"Deployment")
            follow = nameOf(object);
    }
    return follow;
}

Result<bool> PairReconciler::waitReady(const QString& name, std::chrono::milliseconds timeout)
{
    kube::RolloutWatch watch;
    watch.nameSpace = m_place.nameSpace;
    watch.name = name;
    watch.timeout = timeout;
    const kube::RolloutVerdict verdict = kube::followRollout(m_client, watch);
    if (verdict.state != kube::RolloutVerdict::State::Done)
        return failure(QStringLiteral("Deployment %1").arg(name), verdict.message);
    return true;
}

Result<bool> PairReconciler::run(const std::optional<Revision>& good)
{
    const Result<QList<QJsonObject>> listed = pairDeployments();
    if (!listed)
        return listed.error();
    QList<QJsonObject> deployments;
    // What the deployment ran for its tests and its canary steps goes first: none of it served.
    for (const QJsonObject& deployment : *listed) {
        const QString track = trackOf(deployment);
        if (track == QStringView(cluster::kCandidate) || track == QStringView(cluster::kCanary)) {
            if (const Result<bool> removed =
                    remove(QStringLiteral("Deployment"), kDeployments, nameOf(deployment));
                !removed)
                return removed.error();
        } else {
            deployments.append(deployment);
        }
    }
    for (const QString& service : {cluster::previewServiceName(m_application),
                                   cluster::workloadName(m_application, text(cluster::kCanary))}) {
        if (const Result<bool> removed = remove(QStringLiteral("Service"), kServices, service);
            !removed)
            return removed.error();
    }
    if (const Result<bool> quiet = quietCanaryIngress(); !quiet)
        return quiet;

    if (!good) {
        for (const QJsonObject& deployment : std::as_const(deployments)) {
            if (const Result<bool> removed =
                    remove(QStringLiteral("Deployment"), kDeployments, nameOf(deployment));
                !removed)
                return removed.error();
        }
        return true;
    }

    m_recorded =
        m_context.ledger->revisionConfig(m_application, m_record.environment, good->number);
    std::optional<RevisionConfig> goodConfig;
    if (m_recorded) {
        if (Result<RevisionConfig> config = RevisionConfig::fromJson(*m_recorded))
            goodConfig = *config;
    }
    const Application* application = m_context.workspace.application(m_application);
    const int replicas =
        goodConfig ? goodConfig->replicas : (application ? application->replicas : 1);
    // Pods are scheduled and their images pulled before a probe passes: at least two minutes.
    const std::chrono::milliseconds timeout =
        goodConfig ? std::max<std::chrono::milliseconds>(healthDeadline(*goodConfig), 2min) : 5min;

    const Result<std::optional<QJsonObject>> service = activeService();
    if (!service)
        return service.error();
    const QString selected =
        *service ? (**service)[u"spec"][u"selector"][cluster::kTrack].toString() : QString();

    // The Deployment that should run the good revision: one whose template does (the colour
    // the Service selects first), else the stable one given its template back, else the
    // revision's recorded objects applied again.
    std::optional<QJsonObject> keep;
    for (const QJsonObject& deployment : std::as_const(deployments)) {
        if (revisionOf(deployment) != good->number)
            continue;
        if (!keep || trackOf(deployment) == selected ||
            (trackOf(*keep) != selected && replicasOf(deployment) > replicasOf(*keep)))
            keep = deployment;
    }
    QString name;
    QString track;
    bool changed = false;
    if (keep) {
        name = nameOf(*keep);
        track = trackOf(*keep);
        if (replicasOf(*keep) < replicas) {
            if (const Result<bool> scaled = scale(name, replicas); !scaled)
                return scaled;
            changed = true;
        }
        // Traffic moves to a colour only once its pods are ready.
        changed = changed || (*service && cluster::isColour(track) && track != selected);
    } else {
        for (const QJsonObject& deployment : std::as_const(deployments)) {
            if (trackOf(deployment) == QStringView(cluster::kStable))
                keep = deployment;
        }
        if (keep) {
            name = nameOf(*keep);
            track = text(cluster::kStable);
            if (const Result<bool> returned = returnTemplate(name, *good, replicas); !returned)
                return returned;
            if (replicasOf(*keep) < replicas) {
                if (const Result<bool> scaled = scale(name, replicas); !scaled)
                    return scaled;
            }
        } else {
            const Result<QString> applied = applyRecorded(*good, replicas);
            if (!applied)
                return applied.error();
            name = *applied;
        }
        changed = true;
    }
    if (changed && !name.isEmpty()) {
        if (const Result<bool> ready = waitReady(name, timeout); !ready)
            return ready;
    }
    if (track.isEmpty() && !name.isEmpty()) {
        const kube::KubeAnswer answer = m_client.get(path(kDeployments, name));
        if (answer.ok())
            track = trackOf(parsed(answer.body));
    }

    // The Service takes the good revision's pods; what else of the pair runs stops.
    if (*service && !track.isEmpty()) {
        if (const Result<bool> pointed = pointService(**service, track, *good); !pointed)
            return pointed;
    }
    for (const QJsonObject& deployment : std::as_const(deployments)) {
        if (nameOf(deployment) != name && cluster::isColour(trackOf(deployment)) &&
            replicasOf(deployment) > 0) {
            if (const Result<bool> scaled = scale(nameOf(deployment), 0); !scaled)
                return scaled;
        }
    }
    return true;
}

} // namespace

ReconcileOutcome reconcileClusterDeployment(const DeploymentContext& context,
                                            const DeploymentRecord& record)
{
    ReconcileOutcome outcome;
    outcome.deploymentId = record.id;
    outcome.application = record.application;
    outcome.environment = record.environment;
    outcome.stage = record.stage;
    DeploymentLedger& ledger = *context.ledger;
    const QString stage = deploymentStageName(record.stage);
    const auto markInterrupted = [&](const QString& why) {
        outcome.error = why;
        ledger.finish(record.id, DeploymentStatus::Interrupted, QDateTime::currentDateTimeUtc(),
                      QStringLiteral("interrupted at %1; %2")
                          .arg(stage, outcome.actions.isEmpty()
                                          ? why
                                          : outcome.actions.join(QStringLiteral("; ")) +
                                                QStringLiteral("; ") + why));
        return outcome;
    };

    const Result<ClusterPlace> place = resolveClusterPlace(context.workspace, record.environment);
    if (!place)
        return markInterrupted(place.error().toString() +
                               QStringLiteral(": the cluster's objects were not checked"));
    // The revision live before the deployment serves again.
    const std::optional<Revision> good =
        ledger.latestRevision(record.application, record.environment);
    PairReconciler reconciler(context, record, *place, outcome.actions);
    if (const Result<bool> done = reconciler.run(good); !done) {
        return markInterrupted(done.error().toString() +
                               (outcome.actions.isEmpty()
                                    ? QStringLiteral("; reconcile again when the cluster answers")
                                    : QStringLiteral("; deploy or roll back to finish")));
    }

    outcome.resolved = true;
    const QString summary =
        good ? QStringLiteral("revision %1 is live again").arg(good->number)
             : QStringLiteral("nothing was live before it; its Deployments were removed");
    ledger.recordTransition(record.id, DeploymentStage::Failed, QDateTime::currentDateTimeUtc(),
                            QStringLiteral("interrupted: the console ended"));
    ledger.finish(record.id, DeploymentStatus::Interrupted, QDateTime::currentDateTimeUtc(),
                  QStringLiteral("interrupted at %1; %2%3")
                      .arg(stage, summary,
                           outcome.actions.isEmpty() ? QString()
                                                     : u" (" + outcome.actions.join(u"; ") + u')'));
    return outcome;
}

} // namespace launchdeck::deploy
