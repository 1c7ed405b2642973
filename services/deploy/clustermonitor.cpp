// After traffic moved on a cluster: the monitoring window over the new revision's pods and the
// old revision's scale-down once it passed; the return to the revision that served before after
// a failure (a Service switched back, a canary taken away, the Deployment's template undone) and
// a rollback to any revision the ledger holds, by `kubectl rollout undo` while the Deployment's
// history still has it, else by applying its recorded objects again; what queries may name.
#include "deploy/clusterrun.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <functional>

namespace launchdeck::deploy {

namespace {

QString text(const char16_t* value)
{
    return QString::fromUtf16(value);
}

QString deploymentPath(const ClusterPlace& place, const QString& name)
{
    return u"/apis/apps/v1/namespaces/" + place.nameSpace + u"/deployments/" + name;
}

QString whereOf(const ClusterPlace& place)
{
    return kube::clusterLabel(place.clusterName, place.connection.server);
}

Error located(const ClusterPlace& place, const Error& error)
{
    return error.where.isEmpty() ? Error{error.message, whereOf(place)} : error;
}

// Launchdeck's revision in a pod template; 0 when none.
int templateRevision(const QJsonValue& podTemplate)
{
    return podTemplate[u"metadata"][u"annotations"][text(kube::appkeys::kRevision)]
        .toString()
        .toInt();
}

// The pods of a Deployment: "<name>-<pod-template-hash>-<suffix>", both spelled in the
// controllers' alphabet, which keeps "web" from matching "web-canary-…" or "web-blue-…".
QString podPattern(const QString& application, const QString& track)
{
    const QString name = cluster::workloadName(application, track);
    if (track != text(cluster::kStable))
        return name + QStringLiteral("-.*");
    static const QString safe = QStringLiteral("[bcdfghjklmnpqrstvwxz2456789]+");
    return name + u'-' + safe + u'-' + safe;
}

// The objects a revision applied: its Deployment (and Service, if recorded) from the List the
// ledger recorded, else `made` as the workspace makes them for its image.
std::optional<kube::ApplicationObjects>
objectsOf(const std::optional<QJsonObject>& recorded, const QString& application,
          const std::optional<kube::ApplicationObjects>& made)
{
    std::optional<kube::ApplicationObjects> objects;
    std::optional<QJsonObject> service = made ? made->service : std::nullopt;
    QList<QJsonObject> companions;
    if (recorded) {
        for (const QJsonValue& item : (*recorded)[u"items"].toArray()) {
            const QString kind = item[u"kind"].toString();
            if (kind == u"Deployment" && !objects)
                objects =
                    kube::ApplicationObjects{item.toObject(), std::nullopt, {}, {}, false, {}, {}};
            else if (kind == u"Service" && item[u"metadata"][u"name"].toString() == application)
                service = item.toObject();
            else if (!cluster::isPairObject(item.toObject(), application))
                companions.append(item.toObject());
        }
    }
    if (!objects)
        return made;
    objects->service = service;
    objects->companions = companions;
    return objects;
}

// The canary's objects, in the order they go: the twin Ingress and the canary Service (with an
// Ingress) before the canary Deployment, so that no traffic is left pointing at its pods.
QList<std::pair<QString, QString>> canaryObjects(const QString& application, const QString& ingress)
{
    const QString canary = cluster::workloadName(application, text(cluster::kCanary));
    QList<std::pair<QString, QString>> objects;
    if (!ingress.isEmpty())
        objects = {{QStringLiteral("Ingress"), ingress + u"-canary"},
                   {QStringLiteral("Service"), canary}};
    objects.append({QStringLiteral("Deployment"), canary});
    return objects;
}

// How a return to a revision changes the cluster: the run's own apply and scale, which log.
struct ReturnSteps
{
    std::function<Result<QJsonObject>(const QJsonObject&)> apply;
    std::function<Result<bool>(const QString&, int)> scale;
};

// Brings the stable Deployment back to `revision`'s template with `replicas`: nothing to do
// when it runs that template, `kubectl rollout undo` to the newest Kubernetes revision whose
// template carries it while the history has one, else `objects` applied again. Says how.
Result<QString> returnStableTo(kube::KubeClient& client, const ClusterPlace& place,
                               const QString& application, const Revision& revision, int replicas,
                               const std::optional<kube::ApplicationObjects>& objects,
                               bool recorded, const ReturnSteps& steps)
{
    const QString stable = text(cluster::kStable);
    const QString name = cluster::workloadName(application, stable);
    const Result<std::optional<QJsonObject>> found =
        fetchObject(client, place, deploymentPath(place, name));
    if (!found)
        return found.error();
    QString way;
    std::optional<qint64> kubeRevision;
    const bool exists = found->has_value();
    const bool there =
        exists && templateRevision((**found)[u"spec"][u"template"]) == revision.number;
    if (exists && !there) {
        const Result<QList<kube::RolloutRevision>> history =
            kube::rolloutHistory(client, place.nameSpace, name);
        if (!history)
            return located(place, history.error());
        for (const kube::RolloutRevision& entry : *history) {
            if (templateRevision(entry.podTemplate) == revision.number)
                kubeRevision = entry.revision;
        }
    }
    if (there) {
        way = QStringLiteral("Deployment %1 runs revision %2's template already")
                  .arg(name)
                  .arg(revision.number);
    } else if (kubeRevision) {
        bool alreadyThere = false;
        if (const Result<qint64> undone =
                kube::rolloutUndo(client, place.nameSpace, name, *kubeRevision, &alreadyThere);
            !undone)
            return located(place, undone.error());
        way = QStringLiteral("rollout undo to Kubernetes revision %1").arg(*kubeRevision);
    } else {
        if (!objects)
            return Error{QStringLiteral("revision %1's objects are neither in the Deployment's "
                                        "history nor recorded")
                             .arg(revision.number),
                         whereOf(place)};
        if (const Result<QJsonObject> applied = steps.apply(cluster::trackDeployment(
                *objects, stable, replicas, revision.number, revision.image));
            !applied)
            return applied.error();
        way = recorded ? QStringLiteral("applied revision %1's recorded objects again")
                             .arg(revision.number)
                       : QStringLiteral("applied revision %1's objects again as the workspace "
                                        "makes them for %2 (the ledger recorded none)")
                             .arg(revision.number)
                             .arg(revision.image);
    }
    // An interrupted canary may have left the stable short of replicas.
    if (exists && (**found)[u"spec"][u"replicas"].toInt() != replicas) {
        if (const Result<bool> scaled = steps.scale(name, replicas); !scaled)
            return scaled.error();
    }
    return way;
}

} // namespace

// ---- what queries may name ---------------------------------------------------------------------

QueryScope ClusterDeploymentRun::queryScope() const
{
    QueryScope scope = DeploymentLifecycle::queryScope();
    const QString& app = m_subject.application.name;
    const QString stable = text(cluster::kStable);
    scope.nameSpace = m_subject.place.nameSpace;
    // A promoted canary runs as the stable track; before that, the canary is the new revision
    // and the stable track the old one.
    const bool promotedCanary =
        m_subject.strategy == Strategy::Type::Canary && m_switchedAt.isValid();
    const QString newTrack = promotedCanary || m_newTrack.isEmpty() ? stable : m_newTrack;
    scope.newGroup = podPattern(app, newTrack);
    if (newTrack == text(cluster::kCanary))
        scope.stableGroup = podPattern(app, stable);
    else if (!m_previousTrack.isEmpty() && m_previousTrack != newTrack)
        scope.stableGroup = podPattern(app, m_previousTrack);
    return scope;
}

// ---- MONITORING --------------------------------------------------------------------------------

DeploymentLifecycle::Outcome ClusterDeploymentRun::monitor()
{
    const Application& app = m_subject.application;
    const QString stable = text(cluster::kStable);
    // After DEPLOYING the new revision serves from its colour, or as the stable track.
    const QString serving = m_subject.strategy == Strategy::Type::BlueGreen && !m_newTrack.isEmpty()
                                ? m_newTrack
                                : stable;
    const qint64 every = app.healthCheck ? qint64(app.healthCheck->interval.count()) : qint64(5000);
    const auto interval = std::chrono::milliseconds(qBound(qint64(250), every, qint64(5000)));
    QMap<QString, int> restartBase;
    if (const Outcome watched =
            watchWindow(interval, [&] { return readTrack(serving, restartBase); });
        !watched.ok)
        return watched;

    // What served before stays warm for the scale-down delay after the switch, then stops. A
    // Deployment whose template changed in place has nothing left to keep warm.
    const QString previous = m_previousTrack.isEmpty() ? m_subject.liveTrack : m_previousTrack;
    if (m_subject.from && !previous.isEmpty() &&
        cluster::workloadName(app.name, previous) != cluster::workloadName(app.name, serving)) {
        const qint64 delay = app.strategy.scaleDownDelay.count();
        const qint64 since =
            m_switchedAt.isValid() ? m_switchedAt.msecsTo(QDateTime::currentDateTimeUtc()) : delay;
        const QString old = cluster::workloadName(app.name, previous);
        if (since < delay) {
            log(QStringLiteral("keeping %1 warm for %2 s more")
                    .arg(old)
                    .arg((delay - since) / 1000.0));
            if (!m_control.sleepFor(std::chrono::milliseconds(delay - since)))
                return {false, QStringLiteral("cancelled while the old revision was kept warm")};
        }
        note(scaleWorkload(old, 0));
    }
    if (m_subject.strategy == Strategy::Type::Canary) {
        for (const auto& [kind, name] : canaryObjects(app.name, m_subject.environment.ingress))
            note(removeObject(kind, name));
    }
    note(removeObject(QStringLiteral("Service"), cluster::previewServiceName(app.name)));
    return {true, {}};
}

// ---- ROLLING_BACK
// --------------------------------------------------------------------------------

DeploymentLifecycle::Outcome ClusterDeploymentRun::restore(const QString& reason)
{
    log(QStringLiteral("rolling back: %1").arg(reason));
    const Application& app = m_subject.application;
    const QString& ingress = m_subject.environment.ingress;
    const QString stable = text(cluster::kStable);
    const auto failed = [this](const Error& error) {
        return Outcome{false, located(m_subject.place, error).toString()};
    };
    const auto follow = [this](const QString& name) -> std::optional<Outcome> {
        const kube::RolloutVerdict verdict = followDeployment(name, 82, 96);
        if (verdict.state == kube::RolloutVerdict::State::Done)
            return std::nullopt;
        return Outcome{false, whereOf(m_subject.place) + u": " + verdict.message};
    };

    if (!m_subject.from || !m_subject.fromConfig) {
        // A first deployment has nothing to return to: what it made is taken away again.
        for (const auto& [kind, name] : canaryObjects(app.name, ingress))
            note(removeObject(kind, name));
        for (const QString& track : {stable, text(cluster::kBlue), text(cluster::kGreen)})
            note(
                removeObject(QStringLiteral("Deployment"), cluster::workloadName(app.name, track)));
        note(removeObject(QStringLiteral("Service"), cluster::previewServiceName(app.name)));
        note(removeObject(QStringLiteral("Service"), app.name));
        return {true, QStringLiteral("no earlier revision: the new one was removed")};
    }
    const Revision& from = *m_subject.from;
    const int replicas = m_subject.fromConfig->replicas;
    // The workspace is read (its templates rendered) only for a revision recorded without its
    // objects.
    const Result<kube::ApplicationObjects> made =
        m_subject.fromObjects
            ? Result<kube::ApplicationObjects>(Error{
                  QStringLiteral("the record of revision %1 holds no Deployment").arg(from.number),
                  whereOf(m_subject.place)})
            : cluster::workspaceApplicationObjects(m_context.workspace, app, m_subject.environment,
                                                   app.strategy.type, from.image, from.number,
                                                   m_subject.place.nameSpace);
    const std::optional<kube::ApplicationObjects> objects =
        objectsOf(m_subject.fromObjects, app.name, made ? std::optional(*made) : std::nullopt);
    const QString previous = m_previousTrack.isEmpty() ? m_subject.liveTrack : m_previousTrack;
    // What the previous revision's pods read or mount goes back first.
    if (objects) {
        for (const QJsonObject& companion : objects->companions) {
            if (const Result<QJsonObject> applied = apply(companion); !applied)
                note(applied.error());
        }
    }

    // Blue-green: the old colour takes the traffic back, scaled up again first when it was
    // scaled down already (or applied again when it is gone); the new colour stops.
    if (m_subject.strategy == Strategy::Type::BlueGreen && !previous.isEmpty() &&
        previous != m_newTrack) {
        const QString old = cluster::workloadName(app.name, previous);
        const Result<std::optional<QJsonObject>> found =
            fetchObject(*m_client, m_subject.place, deploymentPath(m_subject.place, old));
        if (!found)
            return failed(found.error());
        if (!found->has_value()) {
            if (!objects)
                return failed(made.error());
            if (const Result<QJsonObject> applied = apply(cluster::trackDeployment(
                    *objects, previous, replicas, from.number, from.image));
                !applied)
                return failed(applied.error());
        } else if ((**found)[u"spec"][u"replicas"].toInt() < replicas) {
            if (Result<bool> scaled = scaleWorkload(old, replicas); !scaled)
                return failed(scaled.error());
        }
        if (const std::optional<Outcome> unfinished = follow(old))
            return *unfinished;
        if (Result<bool> pointed = pointService(previous); !pointed)
            return failed(pointed.error());
        if (!m_newTrack.isEmpty())
            note(scaleWorkload(cluster::workloadName(app.name, m_newTrack), 0));
        note(removeObject(QStringLiteral("Service"), cluster::previewServiceName(app.name)));
        return {true, QStringLiteral("traffic back on revision %1 (%2)").arg(from.number).arg(old)};
    }

    // A canary that was not promoted left the stable's template as it was: the canary goes and
    // the stable gets back the replicas it gave up.
    const QString name = cluster::workloadName(app.name, stable);
    const Result<std::optional<QJsonObject>> found =
        fetchObject(*m_client, m_subject.place, deploymentPath(m_subject.place, name));
    if (!found)
        return failed(found.error());
    if (m_subject.strategy == Strategy::Type::Canary && found->has_value() &&
        templateRevision((**found)[u"spec"][u"template"]) != m_subject.to.number) {
        for (const auto& [kind, object] : canaryObjects(app.name, ingress))
            note(removeObject(kind, object));
        if ((**found)[u"spec"][u"replicas"].toInt() < replicas) {
            if (Result<bool> scaled = scaleWorkload(name, replicas); !scaled)
                return failed(scaled.error());
        }
        if (const std::optional<Outcome> unfinished = follow(name))
            return *unfinished;
        return {true, QStringLiteral("canary removed: revision %1 (%2) takes all traffic")
                          .arg(from.number)
                          .arg(name)};
    }

    // The Deployment's template changed: back to the previous revision's.
    const Result<QString> way =
        returnStableTo(*m_client, m_subject.place, app.name, from, replicas, objects,
                       m_subject.fromObjects.has_value(),
                       {[this](const QJsonObject& object) { return apply(object); },
                        [this](const QString& workload, int count) {
                            return scaleWorkload(workload, count);
                        }});
    if (!way)
        return failed(way.error());
    log(*way);
    if (m_subject.strategy == Strategy::Type::Canary) {
        for (const auto& [kind, object] : canaryObjects(app.name, ingress))
            note(removeObject(kind, object));
    }
    if (const std::optional<Outcome> unfinished = follow(name))
        return *unfinished;
    return {true, QStringLiteral("revision %1 restored: %2").arg(from.number).arg(*way)};
}

DeploymentLifecycle::Outcome ClusterDeploymentRun::rollBack()
{
    const Application& app = m_subject.application;
    const Revision& target = plan().to;
    const int replicas = m_subject.toConfig.replicas;
    const QString live = m_subject.liveTrack;
    const QString where = whereOf(m_subject.place);
    const auto failed = [this](const Error& error) {
        return Outcome{false, located(m_subject.place, error).toString()};
    };

    // The objects the revision applied, as the ledger recorded them beside its configuration;
    // without a record, as the workspace makes them for the revision's image.
    std::optional<QJsonObject> record;
    if (const std::optional<QJsonObject> config =
            m_context.ledger->revisionConfig(app.name, m_subject.environment.name, target.number);
        config && (*config)[text(cluster::kRecordedObjects)].isObject())
        record = (*config)[text(cluster::kRecordedObjects)].toObject();
    const std::optional<kube::ApplicationObjects> objects =
        objectsOf(record, app.name, m_subject.toObjects);
    note(applySupportingObjects());

    QString colour = text(cluster::kStable);
    QString way;
    if (m_subject.strategy == Strategy::Type::BlueGreen || cluster::isColour(live)) {
        // A colour whose template is still the revision's takes the traffic back as it is
        // (scaled up again when it was scaled down); else the idle colour gets the objects.
        std::optional<QString> holder;
        const QString first = cluster::isColour(live) ? live : text(cluster::kBlue);
        for (const QString& candidate : {first, cluster::otherColour(first)}) {
            const QString name = cluster::workloadName(app.name, candidate);
            const Result<std::optional<QJsonObject>> found =
                fetchObject(*m_client, m_subject.place, deploymentPath(m_subject.place, name));
            if (!found)
                return failed(found.error());
            if (!found->has_value() ||
                templateRevision((**found)[u"spec"][u"template"]) != target.number)
                continue;
            holder = candidate;
            if ((**found)[u"spec"][u"replicas"].toInt() != replicas) {
                if (Result<bool> scaled = scaleWorkload(name, replicas); !scaled)
                    return failed(scaled.error());
            }
            break;
        }
        if (holder) {
            colour = *holder;
            way = QStringLiteral("%1 still runs revision %2")
                      .arg(cluster::workloadName(app.name, colour))
                      .arg(target.number);
        } else {
            colour = cluster::isColour(live) ? cluster::otherColour(live) : text(cluster::kBlue);
            if (const Result<QJsonObject> applied = apply(cluster::trackDeployment(
                    *objects, colour, replicas, target.number, target.image));
                !applied)
                return failed(applied.error());
            way = QStringLiteral("applied revision %1's %2objects again as %3")
                      .arg(target.number)
                      .arg(record ? QStringLiteral("recorded ") : QString())
                      .arg(cluster::workloadName(app.name, colour));
        }
    } else {
        const Result<QString> returned = returnStableTo(
            *m_client, m_subject.place, app.name, target, replicas, objects, record.has_value(),
            {[this](const QJsonObject& object) { return apply(object); },
             [this](const QString& workload, int count) {
                 return scaleWorkload(workload, count);
             }});
        if (!returned)
            return failed(returned.error());
        way = *returned;
    }
    log(way);
    m_newTrack = colour;
    m_trafficMoved = true;
    if (const kube::RolloutVerdict verdict =
            followDeployment(cluster::workloadName(app.name, colour), 82, 94);
        verdict.state != kube::RolloutVerdict::State::Done)
        return {false, cancelled() ? QStringLiteral("cancelled") : where + u": " + verdict.message};

    // The Service selects the revision's pods: its colour, the stable track, or (a canary
    // splitting by replicas) every track.
    if (objects && objects->service) {
        const Result<std::optional<QJsonObject>> service = fetchObject(
            *m_client, m_subject.place,
            u"/api/v1/namespaces/" + m_subject.place.nameSpace + u"/services/" + app.name);
        if (!service)
            return failed(service.error());
        const bool split = m_subject.strategy == Strategy::Type::Canary &&
                           m_subject.environment.ingress.isEmpty() && !cluster::isColour(colour);
        const std::optional<QString> wanted = split ? std::nullopt : std::optional(colour);
        if (!service->has_value()) {
            if (const Result<QJsonObject> applied =
                    apply(*cluster::activeService(*objects, wanted));
                !applied)
                return failed(applied.error());
        } else {
            const QJsonValue track = (**service)[u"spec"][u"selector"][text(cluster::kTrack)];
            if ((track.isString() ? std::optional(track.toString()) : std::nullopt) != wanted) {
                if (Result<bool> pointed = pointService(wanted); !pointed)
                    return failed(pointed.error());
            }
        }
    }
    // What served before the rollback stops serving; canary leftovers go.
    if (!live.isEmpty() && live != colour && m_request.cleanUp)
        note(scaleWorkload(cluster::workloadName(app.name, live), 0));
    for (const auto& [kind, name] : canaryObjects(app.name, m_subject.environment.ingress))
        note(removeObject(kind, name));
    progress(98);
    return {true, way};
}

} // namespace launchdeck::deploy
