// The shape of an application on a cluster: the Deployment of each track, the Services that
// select the tracks, the ingress-nginx canary twin and the replica split of a canary weight.
#include "deploy/clusterobjects.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace launchdeck::deploy::cluster {

namespace {

QString key(const char16_t* text)
{
    return QStringView(text).toString();
}

// The object's `field` object with `name` set to `value`.
QJsonObject withEntry(const QJsonObject& object, const QString& field, const QString& name,
                      const QJsonValue& value)
{
    QJsonObject inner = object.value(field).toObject();
    inner.insert(name, value);
    QJsonObject out = object;
    out.insert(field, inner);
    return out;
}

QString applicationOf(const kube::ApplicationObjects& objects)
{
    const QJsonObject metadata = objects.deployment.value(QLatin1String("metadata")).toObject();
    const QString labelled = metadata.value(QLatin1String("labels"))
                                 .toObject()
                                 .value(key(kube::appkeys::kName))
                                 .toString();
    return labelled.isEmpty() ? metadata.value(QLatin1String("name")).toString() : labelled;
}

// The application's Service renamed to `name`, its selector narrowed to `track` (or left to
// select every track of the pair).
QJsonObject serviceFor(const QJsonObject& service, const QString& name,
                       const std::optional<QString>& track)
{
    QJsonObject out = withEntry(service, QStringLiteral("metadata"), QStringLiteral("name"), name);
    QJsonObject spec = out.value(QLatin1String("spec")).toObject();
    QJsonObject selector = spec.value(QLatin1String("selector")).toObject();
    if (track)
        selector.insert(key(kTrack), *track);
    else
        selector.remove(key(kTrack));
    spec.insert(QStringLiteral("selector"), selector);
    out.insert(QStringLiteral("spec"), spec);
    return out;
}

// Whether an Ingress backend (networking.k8s.io/v1 `service.name`, or the older `serviceName`)
// sends traffic to `service`; when it does and `to` is given, points it there instead.
bool redirectBackend(QJsonObject& backend, const QString& service, const QString& to)
{
    if (backend.contains(QLatin1String("service"))) {
        QJsonObject target = backend.value(QLatin1String("service")).toObject();
        if (target.value(QLatin1String("name")).toString() != service)
            return false;
        target.insert(QStringLiteral("name"), to);
        backend.insert(QStringLiteral("service"), target);
        return true;
    }
    if (backend.value(QLatin1String("serviceName")).toString() != service)
        return false;
    backend.insert(QStringLiteral("serviceName"), to);
    return true;
}

// "path: value" of every scalar under `value`, in key order; lists of named items by name.
void flatten(const QJsonValue& value, const QString& path, QMap<QString, QString>& out)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            flatten(it.value(), path.isEmpty() ? it.key() : path + u'.' + it.key(), out);
        return;
    }
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString name = array[i].toObject().value(QLatin1String("name")).toString();
            flatten(array[i], path + u'[' + (name.isEmpty() ? QString::number(i) : name) + u']',
                    out);
        }
        return;
    }
    out.insert(path, value.isString() ? value.toString()
                                      : QString::fromUtf8(QJsonDocument(QJsonArray{value})
                                                              .toJson(QJsonDocument::Compact)
                                                              .chopped(1)
                                                              .mid(1)));
}

// What a revision's objects say, without what changes with every revision by design.
QMap<QString, QString> comparable(const QJsonObject& object)
{
    QMap<QString, QString> fields;
    flatten(object, QString(), fields);
    const QString revision = key(kube::appkeys::kRevision);
    const QString track = key(kTrack);
    QStringList dropped{QStringLiteral("metadata.annotations.") + revision,
                        QStringLiteral("metadata.annotations.kubernetes.io/change-cause"),
                        QStringLiteral("spec.template.metadata.annotations.") + revision};
    if (object.value(QLatin1String("kind")).toString() == u"Deployment") {
        dropped += {QStringLiteral("metadata.name"), QStringLiteral("metadata.labels.") + track,
                    QStringLiteral("spec.selector.matchLabels.") + track,
                    QStringLiteral("spec.template.metadata.labels.") + track};
    }
    for (const QString& field : std::as_const(dropped))
        fields.remove(field);
    return fields;
}

// "Kind/name"; the application's Deployment by the application's name, whatever its track.
QString objectKey(const QJsonObject& object, const QString& application)
{
    const QString kind = object.value(QLatin1String("kind")).toString();
    if (kind == u"Deployment")
        return kind + u'/' + application;
    return kind + u'/' +
           object.value(QLatin1String("metadata"))
               .toObject()
               .value(QLatin1String("name"))
               .toString();
}

} // namespace

QStringList objectsDiff(const QJsonArray& from, const QJsonArray& to, const QString& application)
{
    QMap<QString, QJsonObject> before;
    for (const QJsonValue& item : from)
        before.insert(objectKey(item.toObject(), application), item.toObject());
    QStringList lines;
    QSet<QString> seen;
    for (const QJsonValue& item : to) {
        const QJsonObject object = item.toObject();
        const QString name = objectKey(object, application);
        seen.insert(name);
        const auto old = before.constFind(name);
        if (old == before.cend()) {
            lines.append(u"+ " + name);
            continue;
        }
        const QMap<QString, QString> was = comparable(*old);
        const QMap<QString, QString> now = comparable(object);
        QStringList paths = was.keys() + now.keys();
        paths.removeDuplicates();
        std::sort(paths.begin(), paths.end());
        for (const QString& path : std::as_const(paths)) {
            const auto a = was.constFind(path);
            const auto b = now.constFind(path);
            if (a != was.cend() && b != now.cend() && *a == *b)
                continue;
            if (a != was.cend())
                lines.append(QStringLiteral("- %1 %2: %3").arg(name, path, *a));
            if (b != now.cend())
                lines.append(QStringLiteral("+ %1 %2: %3").arg(name, path, *b));
        }
    }
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (!seen.contains(it.key()))
            lines.append(u"- " + it.key() + u" (left on the cluster)");
    }
    return lines;
}

bool isColour(const QString& track)
{
    return track == QStringView(kBlue) || track == QStringView(kGreen);
}

QString workloadName(const QString& application, const QString& track)
{
    if (track.isEmpty() || track == QStringView(kStable))
        return application;
    return application + u'-' + track;
}

QString previewServiceName(const QString& application)
{
    return application + QStringLiteral("-preview");
}

QString otherColour(const QString& colour)
{
    return colour == QStringView(kBlue) ? key(kGreen) : key(kBlue);
}

QJsonObject trackDeployment(const kube::ApplicationObjects& objects, const QString& track,
                            int replicas, int revision, const QString& image)
{
    const QString application = applicationOf(objects);
    QJsonObject deployment = objects.deployment;

    QJsonObject metadata = deployment.value(QLatin1String("metadata")).toObject();
    metadata.insert(QStringLiteral("name"), workloadName(application, track));
    QJsonObject labels = metadata.value(QLatin1String("labels")).toObject();
    labels.insert(key(kTrack), track);
    metadata.insert(QStringLiteral("labels"), labels);
    QJsonObject annotations = metadata.value(QLatin1String("annotations")).toObject();
    annotations.insert(key(kube::appkeys::kRevision), QString::number(revision));
    // The controller copies it to the ReplicaSet, where `kubectl rollout history` reads it.
    annotations.insert(QStringLiteral("kubernetes.io/change-cause"),
                       QStringLiteral("launchdeck revision %1 (%2)").arg(revision).arg(image));
    metadata.insert(QStringLiteral("annotations"), annotations);
    deployment.insert(QStringLiteral("metadata"), metadata);

    QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    spec.insert(QStringLiteral("replicas"), std::max(0, replicas));
    QJsonObject selector = spec.value(QLatin1String("selector")).toObject();
    selector = withEntry(selector, QStringLiteral("matchLabels"), key(kTrack), track);
    spec.insert(QStringLiteral("selector"), selector);
    QJsonObject podTemplate = spec.value(QLatin1String("template")).toObject();
    QJsonObject podMetadata = podTemplate.value(QLatin1String("metadata")).toObject();
    podMetadata = withEntry(podMetadata, QStringLiteral("labels"), key(kTrack), track);
    // The revision on the pod template is what a rollback finds in the ReplicaSet history.
    podMetadata = withEntry(podMetadata, QStringLiteral("annotations"),
                            key(kube::appkeys::kRevision), QString::number(revision));
    podTemplate.insert(QStringLiteral("metadata"), podMetadata);
    spec.insert(QStringLiteral("template"), podTemplate);
    deployment.insert(QStringLiteral("spec"), spec);
    return deployment;
}

std::optional<QJsonObject> activeService(const kube::ApplicationObjects& objects,
                                         const std::optional<QString>& track)
{
    if (!objects.service)
        return std::nullopt;
    const QString name = objects.service->value(QLatin1String("metadata"))
                             .toObject()
                             .value(QLatin1String("name"))
                             .toString();
    return serviceFor(*objects.service, name, track);
}

std::optional<QJsonObject> previewService(const kube::ApplicationObjects& objects,
                                          const QString& track)
{
    if (!objects.service)
        return std::nullopt;
    return serviceFor(*objects.service, previewServiceName(applicationOf(objects)), track);
}

std::optional<QJsonObject> canaryService(const kube::ApplicationObjects& objects)
{
    if (!objects.service)
        return std::nullopt;
    return serviceFor(*objects.service, workloadName(applicationOf(objects), key(kCanary)),
                      key(kCanary));
}

Result<QJsonObject> canaryIngress(const QJsonObject& ingress, const QString& application,
                                  const QString& serviceName, int weight)
{
    const QJsonObject metadata = ingress.value(QLatin1String("metadata")).toObject();
    const QString name = metadata.value(QLatin1String("name")).toString();
    const QString nameSpace = metadata.value(QLatin1String("namespace")).toString();
    const QString canary = workloadName(application, key(kCanary));
    const QJsonObject spec = ingress.value(QLatin1String("spec")).toObject();

    // Only the paths that reach the application go to its canary: the twin routes nothing else.
    QJsonArray rules;
    for (const QJsonValue& ruleValue : spec.value(QLatin1String("rules")).toArray()) {
        QJsonObject rule = ruleValue.toObject();
        QJsonObject http = rule.value(QLatin1String("http")).toObject();
        QJsonArray paths;
        for (const QJsonValue& pathValue : http.value(QLatin1String("paths")).toArray()) {
            QJsonObject path = pathValue.toObject();
            QJsonObject backend = path.value(QLatin1String("backend")).toObject();
            if (!redirectBackend(backend, serviceName, canary))
                continue;
            path.insert(QStringLiteral("backend"), backend);
            paths.append(path);
        }
        if (paths.isEmpty())
            continue;
        http.insert(QStringLiteral("paths"), paths);
        rule.insert(QStringLiteral("http"), http);
        rules.append(rule);
    }
    QJsonObject canarySpec;
    QJsonObject defaultBackend = spec.value(QLatin1String("defaultBackend")).toObject();
    if (redirectBackend(defaultBackend, serviceName, canary))
        canarySpec.insert(QStringLiteral("defaultBackend"), defaultBackend);
    if (rules.isEmpty() && canarySpec.isEmpty())
        return Error{QStringLiteral("Ingress %1%2: no rule sends traffic to Service %3, so its "
                                    "canary twin could not shift any of it to %4")
                         .arg(name, nameSpace.isEmpty() ? QString() : u" in namespace " + nameSpace,
                              serviceName, canary),
                     QStringLiteral("ingress")};
    if (!rules.isEmpty())
        canarySpec.insert(QStringLiteral("rules"), rules);
    // The class decides which controller serves the twin: it must be the original's.
    if (spec.contains(QLatin1String("ingressClassName")))
        canarySpec.insert(QStringLiteral("ingressClassName"),
                          spec.value(QLatin1String("ingressClassName")));

    QJsonObject annotations{
        {QStringLiteral("nginx.ingress.kubernetes.io/canary"), QStringLiteral("true")},
        {QStringLiteral("nginx.ingress.kubernetes.io/canary-weight"),
         QString::number(std::clamp(weight, 0, 100))}};
    const QJsonObject original = metadata.value(QLatin1String("annotations")).toObject();
    if (original.contains(QLatin1String("kubernetes.io/ingress.class")))
        annotations.insert(QStringLiteral("kubernetes.io/ingress.class"),
                           original.value(QLatin1String("kubernetes.io/ingress.class")));
    QJsonObject canaryMetadata{
        {QStringLiteral("name"), QString(name + QStringLiteral("-canary"))},
        {QStringLiteral("labels"),
         QJsonObject{{key(kube::appkeys::kName), application},
                     {key(kube::appkeys::kManagedBy), QStringLiteral("launchdeck")}}},
        {QStringLiteral("annotations"), annotations}};
    if (!nameSpace.isEmpty())
        canaryMetadata.insert(QStringLiteral("namespace"), nameSpace);
    const QString apiVersion = ingress.value(QLatin1String("apiVersion")).toString();
    return QJsonObject{{QStringLiteral("apiVersion"),
                        apiVersion.isEmpty() ? QStringLiteral("networking.k8s.io/v1") : apiVersion},
                       {QStringLiteral("kind"), QStringLiteral("Ingress")},
                       {QStringLiteral("metadata"), canaryMetadata},
                       {QStringLiteral("spec"), canarySpec}};
}

bool isPairObject(const QJsonObject& object, const QString& application)
{
    const QString kind = object.value(QLatin1String("kind")).toString();
    if (kind == u"Deployment")
        return true;
    if (kind != u"Service")
        return false;
    const QString name =
        object.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
    return name == application || name == previewServiceName(application) ||
           name == workloadName(application, key(kCanary));
}

WeightSplit splitReplicas(int replicas, int weight)
{
    replicas = std::max(0, replicas);
    weight = std::clamp(weight, 0, 100);
    WeightSplit split;
    if (weight == 0) {
        split.stable = replicas;
    } else if (weight == 100) {
        split.canary = replicas;
    } else {
        split.canary = std::max(1, int(std::lround(double(weight) * replicas / 100.0)));
        split.stable = std::max(1, replicas - split.canary);
    }
    const int total = split.stable + split.canary;
    split.effectiveWeight = total > 0 ? 100.0 * split.canary / total : 0.0;
    return split;
}

} // namespace launchdeck::deploy::cluster
