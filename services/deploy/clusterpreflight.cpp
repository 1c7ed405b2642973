// The VALIDATING stage on a cluster: the workspace at the environment's level, the image
// reference, the new revision's objects through the API server as a dry run (admission, schema
// and field ownership), the permissions the strategy needs, the namespace's quota against what
// the rollout adds at most, and the application's secrets.
#include "deploy/clusterrun.h"

#include "validation/validator.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace launchdeck::deploy {

namespace {

QString key(const char16_t* text)
{
    return QStringView(text).toString();
}

QString describeObject(const QJsonObject& object)
{
    return object.value(QLatin1String("kind")).toString() + u' ' +
           object.value(QLatin1String("metadata"))
               .toObject()
               .value(QLatin1String("name"))
               .toString();
}

// An image reference split as the container runtimes read it.
struct ImageReference
{
    QString tag;
    bool digest = false;
};

// The reference grammar of the distribution project: [domain/]path[:tag][@algorithm:hex], the
// domain a host name with an optional port, each path component lower-case alphanumerics joined
// by '.', '_', '__' or dashes. Fails saying what is wrong.
Result<ImageReference> parseImageReference(const QString& image)
{
    static const QRegularExpression domainPattern(
        QStringLiteral("^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
                       "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$"));
    static const QRegularExpression componentPattern(
        QStringLiteral("^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$"));
    static const QRegularExpression tagPattern(QStringLiteral("^[\\w][\\w.-]{0,127}$"));
    static const QRegularExpression digestPattern(
        QStringLiteral("^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$"));
    const auto refuse = [&](const QString& why) {
        return Error{QStringLiteral("image reference '%1' is not well formed: %2").arg(image, why),
                     QStringLiteral("image")};
    };

    ImageReference reference;
    QString rest = image;
    if (const qsizetype at = rest.indexOf(u'@'); at >= 0) {
        if (!digestPattern.match(rest.mid(at + 1)).hasMatch())
            return refuse(
                QStringLiteral("'%1' is not a digest (algorithm:hex)").arg(rest.mid(at + 1)));
        reference.digest = true;
        rest.truncate(at);
    }
    const qsizetype slash = rest.lastIndexOf(u'/');
    if (const qsizetype colon = rest.lastIndexOf(u':'); colon > slash) {
        reference.tag = rest.mid(colon + 1);
        if (!tagPattern.match(reference.tag).hasMatch())
            return refuse(QStringLiteral("tag '%1' is not letters, digits, '_', '.' and '-' "
                                         "(at most 128, not starting with '.' or '-')")
                              .arg(reference.tag));
        rest.truncate(colon);
    }
    if (rest.isEmpty() || rest.size() > 255)
        return refuse(QStringLiteral("the repository name is empty or longer than 255"));
    QStringList components = rest.split(u'/');
    const QString first = components.first();
    if (components.size() > 1 && (first.contains(u'.') || first.contains(u':') ||
                                  first == u"localhost" || first != first.toLower())) {
        if (!domainPattern.match(first).hasMatch())
            return refuse(QStringLiteral("'%1' is not a registry host[:port]").arg(first));
        components.removeFirst();
    }
    for (const QString& component : std::as_const(components)) {
        if (!componentPattern.match(component).hasMatch())
            return refuse(QStringLiteral("'%1' is not lower-case letters and digits joined by "
                                         "'.', '_' or '-'")
                              .arg(component));
    }
    return reference;
}

} // namespace

bool ClusterDeploymentRun::validate()
{
    bool critical = false;
    const auto finding = [&](Severity severity, const QString& rule, const QString& text) {
        validation(severity, rule, text);
        if (blocksDeploy(severity, m_subject.environment.validation))
            critical = true;
    };
    const Application& app = m_subject.application;
    const Environment& env = m_subject.environment;
    const QString& nameSpace = m_subject.place.nameSpace;
    const QString clusterText =
        kube::clusterLabel(m_subject.place.clusterName, m_subject.place.connection.server);
    const bool deploying = m_request.kind == DeploymentKind::Deploy;
    const Strategy::Type strategy = m_subject.strategy;
    const bool blueGreen = strategy == Strategy::Type::BlueGreen;
    const bool canary = strategy == Strategy::Type::Canary;
    const bool testing = deploying && !app.tests.isEmpty();
    const bool candidate = testing && !blueGreen;

    // Workspace, templates and policy at the environment's level, as on every target.
    checkWorkspaceFiles(finding);
    if (deploying) {
        // A cluster has no traffic counters: canary analysis reads restarts or PromQL.
        checkAnalysesAndTriggers(finding, [](const QString& metric) {
            return metric == u"restarts"
                       ? QString()
                       : QStringLiteral("metric %1 cannot be read on a Kubernetes cluster; use "
                                        "restarts, or prometheus with a query")
                             .arg(metric);
        });
    }

    // The image reference; a moving tag at strict, where a revision must mean one image.
    const QString& image = m_subject.to.image;
    if (const Result<ImageReference> reference = parseImageReference(image); !reference) {
        finding(Severity::Critical, QStringLiteral("image-reference"), reference.error().message);
    } else if (deploying && env.validation == ValidationLevel::Strict && !reference->digest &&
               (reference->tag.isEmpty() || reference->tag == u"latest")) {
        finding(Severity::Critical, QStringLiteral("latest-tag"),
                QStringLiteral("image %1 %2 at the strict level of environment %3: pin a "
                               "version tag or a digest, so that a revision is one image")
                    .arg(image,
                         reference->tag.isEmpty() ? QStringLiteral("has no tag (it means latest)")
                                                  : QStringLiteral("uses the tag latest"),
                         env.name));
    }

    // What the strategy needs of the application.
    if (deploying && (blueGreen || canary) && !m_subject.toObjects.service)
        finding(Severity::Critical, QStringLiteral("strategy"),
                QStringLiteral("%1 moves traffic through the application's Service, and the "
                               "objects of %2 (from %3) have no Service named %2: declare ports")
                    .arg(strategyName(strategy), app.name, m_subject.toObjects.source));
    if (testing && !m_subject.toObjects.service)
        finding(Severity::Critical, QStringLiteral("tests"),
                QStringLiteral("the tests of %1 reach the candidate through a preview Service, "
                               "and the objects of %1 (from %2) have no Service named %1: "
                               "declare ports")
                    .arg(app.name, m_subject.toObjects.source));

    // The new revision's objects through admission and validation, nothing kept.
    log(QStringLiteral("objects of %1 from %2").arg(app.name, m_subject.toObjects.source));
    QList<QJsonObject> objects;
    for (const QJsonValue& item : plan()
                                      .recordedConfig.value(key(cluster::kRecordedObjects))
                                      .toObject()
                                      .value(QLatin1String("items"))
                                      .toArray())
        objects.append(item.toObject());
    if (candidate)
        objects.append(cluster::trackDeployment(m_subject.toObjects, key(cluster::kCandidate), 1,
                                                m_subject.to.number, image));
    if (deploying && canary)
        objects.append(cluster::trackDeployment(m_subject.toObjects, key(cluster::kCanary), 1,
                                                m_subject.to.number, image));
    if (testing) {
        const QString previewed = blueGreen ? m_newTrack : key(cluster::kCandidate);
        if (const auto preview = cluster::previewService(m_subject.toObjects, previewed))
            objects.append(*preview);
    }
    if (deploying && canary && !env.ingress.isEmpty()) {
        const kube::KubeAnswer answer =
            m_client->get(QStringLiteral("/apis/networking.k8s.io/v1/namespaces/%1/ingresses/%2")
                              .arg(nameSpace, env.ingress));
        if (answer.status == 404)
            finding(Severity::Critical, QStringLiteral("ingress"),
                    QStringLiteral("environment %1 names Ingress %2, which namespace %3 of %4 "
                                   "does not have")
                        .arg(env.name, env.ingress, nameSpace, clusterText));
        else if (!answer.ok())
            finding(Severity::Critical, QStringLiteral("ingress"),
                    QStringLiteral("Ingress %1: %2").arg(env.ingress, answer.error));
        else if (const Result<QJsonObject> twin = cluster::canaryIngress(
                     QJsonDocument::fromJson(answer.body).object(), app.name, app.name, 0);
                 !twin)
            finding(Severity::Critical, QStringLiteral("ingress"), twin.error().message);
        else
            objects.append(*twin);
    }
    int admitted = 0;
    for (const QJsonObject& object : std::as_const(objects)) {
        const QString what = describeObject(object);
        kube::ApplyOptions options;
        options.dryRun = true;
        kube::ApplyResult result = kube::serverSideApply(*m_client, object, nameSpace, options);
        if (!result.conflicts.isEmpty()) {
            // Fields Launchdeck itself changed outside apply (a scale, a Service's selector, a
            // rollout undo) are owned by the same manager under another operation: taking them
            // back is no conflict with anyone, as the apply step does.
            bool foreign = false;
            for (const kube::ApplyConflict& conflict : std::as_const(result.conflicts)) {
                if (conflict.manager == QStringView(kube::kFieldManager))
                    continue;
                foreign = true;
                finding(m_request.force ? Severity::Medium : Severity::Critical,
                        QStringLiteral("apply-conflict"),
                        m_request.force
                            ? QStringLiteral("%1: %2 is owned by %3; forced, the deployment "
                                             "takes it over")
                                  .arg(what, conflict.field, conflict.manager)
                            : QStringLiteral("%1: %2 is owned by %3, and this deployment would "
                                             "change it; deploy with force to take it over")
                                  .arg(what, conflict.field, conflict.manager));
            }
            if (foreign && !m_request.force)
                continue;
            // Taking the fields over leaves admission to be checked.
            options.force = true;
            result = kube::serverSideApply(*m_client, object, nameSpace, options);
        }
        if (result.ok()) {
            ++admitted;
            continue;
        }
        finding(Severity::Critical, QStringLiteral("dry-run"),
                result.error.contains(object.value(QLatin1String("metadata"))
                                          .toObject()
                                          .value(QLatin1String("name"))
                                          .toString())
                    ? result.error
                    : what + u": " + result.error);
        if (result.httpStatus == 0)
            break; // the server is not there: every other object would say the same
    }
    log(QStringLiteral("%1 of %2 objects admitted by %3 in a dry run")
            .arg(admitted)
            .arg(objects.size())
            .arg(clusterText));
    progress(7);

    // Every permission the strategy uses, before anything changes.
    QList<kube::AccessCheck> checks;
    const auto need = [&](const QString& verbs, const QString& group, const QString& resource,
                          const QString& subresource = {}) {
        for (const QString& verb : verbs.split(u' '))
            checks.append(kube::AccessCheck{verb, group, resource, subresource, nameSpace, {}});
    };
    const QString apps = QStringLiteral("apps");
    need(QStringLiteral("get list watch"), apps, QStringLiteral("deployments"));
    need(QStringLiteral("get list watch"), apps, QStringLiteral("replicasets"));
    need(QStringLiteral("get list watch"), {}, QStringLiteral("pods"));
    need(QStringLiteral("get list watch"), {}, QStringLiteral("events"));
    need(QStringLiteral("patch create"), apps, QStringLiteral("deployments"));
    if (m_subject.toObjects.service)
        need(QStringLiteral("get patch create"), {}, QStringLiteral("services"));
    if (candidate || blueGreen || canary) {
        need(QStringLiteral("delete"), apps, QStringLiteral("deployments"));
        need(QStringLiteral("patch"), apps, QStringLiteral("deployments"), QStringLiteral("scale"));
    }
    if (testing) {
        need(QStringLiteral("get"), {}, QStringLiteral("services"), QStringLiteral("proxy"));
        need(QStringLiteral("delete"), {}, QStringLiteral("services"));
    }
    if (!m_subject.toObjects.secretName.isEmpty())
        need(QStringLiteral("create patch"), {}, QStringLiteral("secrets"));
    QStringList companionKinds;
    for (const QJsonObject& companion : std::as_const(m_subject.toObjects.companions)) {
        const QString apiVersion = companion.value(QLatin1String("apiVersion")).toString();
        const QString kind = companion.value(QLatin1String("kind")).toString();
        if (companionKinds.contains(apiVersion + u' ' + kind))
            continue;
        companionKinds.append(apiVersion + u' ' + kind);
        need(QStringLiteral("get patch create"),
             apiVersion.contains(u'/') ? apiVersion.section(u'/', 0, 0) : QString(),
             kube::resourceOfKind(kind));
    }
    if (!env.ingress.isEmpty())
        need(QStringLiteral("get patch create"), QStringLiteral("networking.k8s.io"),
             QStringLiteral("ingresses"));
    if (const Result<QStringList> denied = kube::deniedAccess(*m_client, checks); !denied) {
        finding(Severity::Critical, QStringLiteral("rbac"), denied.error().toString());
    } else {
        for (const QString& refusal : *denied)
            finding(Severity::Critical, QStringLiteral("rbac"), clusterText + u": " + refusal);
        log(QStringLiteral("%1 permissions asked of %2, %3 missing")
                .arg(checks.size())
                .arg(clusterText)
                .arg(denied->size()));
    }
    progress(8);

    // The namespace's quota against the most the rollout adds while both revisions run.
    const int replicas = m_subject.toConfig.replicas;
    const bool live = !m_subject.liveTrack.isEmpty();
    const bool grows = live && m_subject.liveReplicas < replicas;
    int pods = 0;
    switch (strategy) {
    case Strategy::Type::Recreate:
        pods = live ? std::max(0, replicas - m_subject.liveReplicas) : replicas;
        break;
    case Strategy::Type::Rolling:
        pods = !live ? replicas
                     : std::min(app.strategy.maxSurge, replicas) +
                           (grows ? replicas - m_subject.liveReplicas : 0);
        break;
    case Strategy::Type::BlueGreen:
        pods = replicas; // the other colour at full size beside the live one
        break;
    case Strategy::Type::Canary:
        pods = live ? 0 : replicas;
        for (const StrategyStep& step : app.strategy.steps) {
            if (step.kind == StrategyStep::Kind::SetWeight)
                pods = std::max(pods, cluster::splitReplicas(replicas, step.weight).canary);
        }
        if (live && pods == 0)
            pods = replicas;
        break;
    }
    if (candidate)
        ++pods;
    if (pods > 0) {
        kube::ResourceAsk ask;
        ask.pods = pods;
        if (app.cpu)
            ask.cpuMilli = pods * app.cpu->milli;
        if (app.memory)
            ask.memoryBytes = pods * ((app.memory->milli + 999) / 1000);
        if (const Result<QStringList> shortfalls = kube::quotaShortfalls(*m_client, nameSpace, ask);
            !shortfalls) {
            finding(Severity::High, QStringLiteral("quota"),
                    QStringLiteral("the quota of namespace %1 could not be read: %2")
                        .arg(nameSpace, shortfalls.error().toString()));
        } else {
            for (const QString& shortfall : *shortfalls)
                finding(Severity::Critical, QStringLiteral("quota"),
                        QStringLiteral("namespace %1: %2 (the rollout adds up to %3 pods)")
                            .arg(nameSpace, shortfall)
                            .arg(pods));
        }
    }
    progress(9);

    // The Secret is made from values looked up before the job began; a missing one would leave
    // the pods waiting on a key that is not there.
    if (deploying) {
        const QMap<QString, QString> values = secretValues();
        for (const QString& name : std::as_const(m_subject.toObjects.secretKeys)) {
            if (!app.secrets.contains(name))
                finding(Severity::Critical, QStringLiteral("secrets"),
                        QStringLiteral("the pods of %1 (from %2) read key %3 of Secret %4, which "
                                       "Launchdeck makes: add %3 to the secrets of %1 in "
                                       "launchdeck.yaml, so that its value is looked up")
                            .arg(app.name, m_subject.toObjects.source, name,
                                 m_subject.toObjects.secretName));
            else if (!values.contains(name))
                finding(Severity::Critical, QStringLiteral("secrets"),
                        QStringLiteral("application %1 reads secret %2, which has no value: set "
                                       "it in the environment or the keyring")
                            .arg(app.name, name));
        }
    }
    progress(10);
    return !critical;
}

} // namespace launchdeck::deploy
