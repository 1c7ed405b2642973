// Finding an application's objects in the workspace's templates and manifests, and making them
// the shape a deployment drives: the image to run, the labels a pair is found by, the strategy.
#include "deploy/clustersource.h"

#include "compose/yamljson.h"
#include "core/kubeobject.h"
#include "core/yamlsource.h"
#include "templates/template.h"

#include <QDir>
#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <optional>

namespace launchdeck::deploy::cluster {

namespace {

QString key(const char16_t* text)
{
    return QStringView(text).toString();
}

constexpr char16_t kTemplateLabel[] = u"launchdeck.io/template";

QString nameOf(const QJsonObject& object)
{
    return object[u"metadata"][u"name"].toString();
}

QString describe(const QJsonObject& object)
{
    return object[u"kind"].toString() + u'/' + nameOf(object);
}

// The objects of one file (a manifest file, or a template's render) and what to call it.
struct SourceFile
{
    QString shownAs; // "manifests/web.yaml", "templates/web-stack.yaml (rendered for staging)"
    QList<QJsonObject> objects;
};

bool isApplicationDeployment(const QJsonObject& object, const QString& application)
{
    return object[u"kind"].toString() == u"Deployment" &&
           (nameOf(object) == application ||
            object[u"metadata"][u"labels"][key(kube::appkeys::kName)].toString() == application);
}

std::optional<QJsonObject> deploymentIn(const SourceFile& file, const QString& application)
{
    for (const QJsonObject& object : file.objects) {
        if (isApplicationDeployment(object, application))
            return object;
    }
    return std::nullopt;
}

QList<QJsonObject> objectsOf(const YamlFile& file, Diagnostics& out)
{
    QList<QJsonObject> objects;
    for (const KubeObject& object : kubeObjectsOf(file, out))
        objects.append(yamlToJson(object.node).value.toObject());
    return objects;
}

Error firstError(const Diagnostics& found, const QString& fallback, const QString& where)
{
    for (const Diagnostic& diagnostic : found) {
        if (isError(diagnostic.severity))
            return Error{formatDiagnostic(diagnostic), diagnostic.path};
    }
    return Error{fallback, where};
}

// The template files written for `environment` (or for every environment) whose Kubernetes
// render holds the application's Deployment; when there is none, the manifest files that do.
Result<QList<SourceFile>> filesWithApplication(const Workspace& workspace,
                                               const QString& application,
                                               const QString& environment)
{
    const QDir root(workspace.root);
    QList<SourceFile> found;
    for (const QString& path : workspace.templateFiles) {
        Diagnostics diagnostics;
        const YamlFile file = loadYamlFile(path, diagnostics);
        if (!file.readable || !templates::looksLikeTemplate(file))
            continue;
        const std::optional<templates::InfraTemplate> parsed =
            templates::parseTemplate(file, diagnostics);
        // A template that does not parse is reported by the workspace checks; it cannot be
        // told to hold the application or not.
        if (!parsed || parsed->provider != templates::Provider::Kubernetes ||
            (!parsed->environment.isEmpty() && parsed->environment != environment))
            continue;
        const bool named = std::any_of(
            parsed->resources.cbegin(), parsed->resources.cend(),
            [&](const templates::Resource& resource) { return resource.name == application; });
        if (!named)
            continue;
        Diagnostics rendering;
        const templates::RenderResult rendered =
            templates::renderTemplate(*parsed, templates::RenderTarget::Kubernetes, {}, rendering);
        const YamlFile renderedFile = parseYaml(path, rendered.text.toUtf8(), rendering);
        SourceFile source{root.relativeFilePath(path) +
                              QStringLiteral(" (rendered for %1)").arg(environment),
                          objectsOf(renderedFile, rendering)};
        if (std::any_of(rendering.cbegin(), rendering.cend(),
                        [](const Diagnostic& d) { return isError(d.severity); }))
            return firstError(rendering, QString(), path);
        if (deploymentIn(source, application))
            found.append(std::move(source));
    }
    // A template written for the environment comes before the manifests.
    if (!found.isEmpty())
        return found;
    for (const QString& path : workspace.manifestFiles) {
        Diagnostics diagnostics;
        const YamlFile file = loadYamlFile(path, diagnostics);
        if (!file.readable || !looksLikeKubernetes(file))
            continue;
        SourceFile source{root.relativeFilePath(path), objectsOf(file, diagnostics)};
        if (deploymentIn(source, application))
            found.append(std::move(source));
    }
    return found;
}

QJsonObject withLabels(QJsonObject object, const QString& field, const QJsonObject& labels)
{
    QJsonObject inner = object.value(field).toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it)
        inner.insert(it.key(), it.value());
    object.insert(field, inner);
    return object;
}

// The Deployment as a deployment drives it: the image, the pair's labels, the strategy.
Result<QJsonObject> drivenDeployment(QJsonObject deployment, const Application& application,
                                     const Environment& environment, Strategy::Type strategy,
                                     const QString& image, const QString& shownAs)
{
    const QJsonObject pair{{key(kube::appkeys::kName), application.name},
                           {key(kube::appkeys::kEnvironment), environment.name}};
    QJsonObject labels = pair;
    labels.insert(key(kube::appkeys::kManagedBy), QStringLiteral("launchdeck"));

    QJsonObject metadata = deployment.value(u"metadata").toObject();
    metadata.insert(QStringLiteral("name"), application.name);
    deployment.insert(QStringLiteral("metadata"),
                      withLabels(metadata, QStringLiteral("labels"), labels));

    QJsonObject spec = deployment.value(u"spec").toObject();
    if (!spec.contains(u"replicas"))
        spec.insert(QStringLiteral("replicas"), application.replicas);
    spec.insert(QStringLiteral("selector"), withLabels(spec.value(u"selector").toObject(),
                                                       QStringLiteral("matchLabels"), pair));
    QJsonObject podTemplate = spec.value(u"template").toObject();
    podTemplate.insert(
        QStringLiteral("metadata"),
        withLabels(podTemplate.value(u"metadata").toObject(), QStringLiteral("labels"), labels));

    QJsonObject podSpec = podTemplate.value(u"spec").toObject();
    QJsonArray containers = podSpec.value(u"containers").toArray();
    qsizetype chosen = -1;
    for (qsizetype i = 0; i < containers.size(); ++i) {
        if (containers[i][u"name"].toString() == application.name)
            chosen = i;
    }
    if (chosen < 0 && containers.size() == 1)
        chosen = 0;
    if (chosen < 0)
        return Error{QStringLiteral("Deployment %1 has %2 containers and none is named %3, so "
                                    "Launchdeck cannot tell which one runs %4; name that "
                                    "container %3")
                         .arg(nameOf(deployment))
                         .arg(containers.size())
                         .arg(application.name, image),
                     shownAs};
    QJsonObject container = containers[chosen].toObject();
    container.insert(QStringLiteral("image"), image);
    containers[chosen] = container;
    podSpec.insert(QStringLiteral("containers"), containers);
    podTemplate.insert(QStringLiteral("spec"), podSpec);
    spec.insert(QStringLiteral("template"), podTemplate);
    const Result<std::optional<QJsonObject>> driven =
        kube::deploymentStrategy(application.strategy, strategy);
    if (!driven)
        return Error{u"application " + application.name + u": " + driven.error().message, shownAs};
    if (*driven)
        spec.insert(QStringLiteral("strategy"), **driven);
    deployment.insert(QStringLiteral("spec"), spec);
    return deployment;
}

void collectNames(const QJsonValue& value, QStringList& out)
{
    if (value.isArray()) {
        for (const QJsonValue& item : value.toArray())
            collectNames(item, out);
        return;
    }
    if (!value.isObject())
        return;
    const QJsonObject object = value.toObject();
    const auto note = [&](const char* kind, const QString& name) {
        const QString entry = QLatin1String(kind) + u'/' + name;
        if (!name.isEmpty() && !out.contains(entry))
            out.append(entry);
    };
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString field = it.key();
        const QJsonObject inner = it.value().toObject();
        if (field == u"configMap" || field == u"configMapRef" || field == u"configMapKeyRef")
            note("ConfigMap", inner[u"name"].toString());
        else if (field == u"secretRef" || field == u"secretKeyRef")
            note("Secret", inner[u"name"].toString());
        else if (field == u"secret")
            note("Secret", inner[u"secretName"].toString(inner[u"name"].toString()));
        else if (field == u"persistentVolumeClaim")
            note("PersistentVolumeClaim", inner[u"claimName"].toString());
        else if (field == u"serviceAccountName")
            note("ServiceAccount", it.value().toString());
        collectNames(it.value(), out);
    }
}

} // namespace

QStringList podReferences(const QJsonObject& deployment)
{
    QStringList references;
    collectNames(deployment[u"spec"][u"template"][u"spec"], references);
    return references;
}

LaunchdeckSecret launchdeckSecret(const QJsonObject& deployment, const QString& application)
{
    const QString fromTemplate = deployment[u"metadata"][u"labels"][key(kTemplateLabel)].toString();
    const QString name = fromTemplate.isEmpty() ? kube::applicationSecretName(application)
                                                : fromTemplate + QStringLiteral("-secrets");
    LaunchdeckSecret secret;
    const QJsonObject podSpec = deployment[u"spec"][u"template"][u"spec"].toObject();
    for (const char16_t* list : {u"initContainers", u"containers"}) {
        for (const QJsonValue& container : podSpec.value(QStringView(list)).toArray()) {
            for (const QJsonValue& variable : container[u"env"].toArray()) {
                const QJsonObject ref = variable[u"valueFrom"][u"secretKeyRef"].toObject();
                const QString keyName = ref[u"key"].toString();
                if (ref[u"name"].toString() == name && !secret.keys.contains(keyName))
                    secret.keys.append(keyName);
            }
        }
    }
    if (!secret.keys.isEmpty())
        secret.name = name;
    return secret;
}

Result<kube::ApplicationObjects>
workspaceApplicationObjects(const Workspace& workspace, const Application& application,
                            const Environment& environment, Strategy::Type strategy,
                            const QString& image, int revision, const QString& placeNamespace)
{
    const Result<QList<SourceFile>> files =
        filesWithApplication(workspace, application.name, environment.name);
    if (!files)
        return files.error();
    if (files->isEmpty()) {
        // The strategy the request chose (a recreate asked for on a rolling application) is
        // the generated Deployment's.
        Workspace chosen = workspace;
        for (Application& app : chosen.applications) {
            if (app.name == application.name)
                app.strategy.type = strategy;
        }
        Result<kube::ApplicationObjects> generated =
            kube::applicationObjects(chosen, application.name, environment.name, image, revision);
        if (generated)
            generated.value().source = QDir(workspace.root).relativeFilePath(workspace.file) +
                                       u':' + QString::number(application.line);
        return generated;
    }
    if (files->size() > 1)
        return Error{QStringLiteral("application %1: both %2 and %3 hold its Deployment; keep it "
                                    "in one of them")
                         .arg(application.name, files->at(0).shownAs, files->at(1).shownAs),
                     workspace.file};

    const SourceFile& file = files->first();
    const Target* target = workspace.target(environment.target);
    const QString nameSpace =
        !placeNamespace.isEmpty() ? placeNamespace : (target ? target->nameSpace : QString());
    for (const QJsonObject& object : file.objects) {
        const QString own = object[u"metadata"][u"namespace"].toString();
        if (!own.isEmpty() && !nameSpace.isEmpty() && own != nameSpace)
            return Error{QStringLiteral("%1 is for namespace %2, and environment %3 deploys into "
                                        "%4; leave its namespace out or make it %4")
                             .arg(describe(object), own, environment.name, nameSpace),
                         file.shownAs};
    }

    const QJsonObject source = *deploymentIn(file, application.name);
    const Result<QJsonObject> driven =
        drivenDeployment(source, application, environment, strategy, image, file.shownAs);
    if (!driven)
        return driven.error();
    QJsonObject deployment = *driven;
    QJsonObject metadata = deployment[u"metadata"].toObject();
    QJsonObject annotations = metadata[u"annotations"].toObject();
    annotations.insert(key(kube::appkeys::kRevision), QString::number(revision));
    metadata.insert(QStringLiteral("annotations"), annotations);
    deployment.insert(QStringLiteral("metadata"), metadata);

    kube::ApplicationObjects objects;
    objects.deployment = deployment;
    objects.source = file.shownAs;
    const QStringList used = podReferences(source);
    const QJsonObject pair{{key(kube::appkeys::kName), application.name},
                           {key(kube::appkeys::kEnvironment), environment.name}};
    for (const QJsonObject& object : file.objects) {
        const QString kind = object[u"kind"].toString();
        if (object == source)
            continue;
        if (kind == u"Service" && nameOf(object) == application.name) {
            QJsonObject spec = object[u"spec"].toObject();
            spec.insert(QStringLiteral("selector"),
                        withLabels(spec, QStringLiteral("selector"), pair)[u"selector"]);
            QJsonObject service = object;
            service.insert(QStringLiteral("spec"), spec);
            objects.service = service;
            continue;
        }
        // Other workloads of the file are theirs to deploy, even when they carry the label;
        // Secrets are made from the keyring or exist already: their values never reach the
        // ledger's records.
        if (kind == u"Deployment" || kind == u"StatefulSet" || kind == u"DaemonSet" ||
            kind == u"Secret")
            continue;
        const bool labelled =
            object[u"metadata"][u"labels"][key(kube::appkeys::kName)].toString() ==
            application.name;
        if (labelled || used.contains(describe(object)))
            objects.companions.append(object);
    }
    const LaunchdeckSecret secret = launchdeckSecret(objects.deployment, application.name);
    objects.secretName = secret.name;
    objects.secretKeys = secret.keys;
    return objects;
}

} // namespace launchdeck::deploy::cluster
