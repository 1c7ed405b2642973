// Finding an object's schema by apiVersion and kind, explaining kinds that have none, and the
// queries the editor and other validators make of the schema.
#include "kubeschema/kubeschema.h"

#include "core/yamllookup.h"
#include "core/yamlmapreader.h"
#include "core/yamlsource.h"
#include "kubeschema/kubeschemadata.h"
#include "kubeschema/kubestructurewalker.h"

#include <algorithm>
#include <string_view>

namespace launchdeck {

namespace {

using kubeschema::data::kResources;

QString fromView(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

const kubeschema::data::Resource* findResource(std::string_view apiVersion, std::string_view kind)
{
    const auto found =
        std::lower_bound(kResources.begin(), kResources.end(), std::pair{apiVersion, kind},
                         [](const kubeschema::data::Resource& resource,
                            const std::pair<std::string_view, std::string_view>& key) {
                             return std::pair{resource.apiVersion, resource.kind} < key;
                         });
    if (found == kResources.end() || found->apiVersion != apiVersion || found->kind != kind)
        return nullptr;
    return &*found;
}

std::string_view groupOf(std::string_view apiVersion)
{
    const size_t slash = apiVersion.find('/');
    return slash == std::string_view::npos ? std::string_view() : apiVersion.substr(0, slash);
}

bool isBuiltInGroup(std::string_view group)
{
    // Custom resource groups must be domain names with a dot; a group without one is either
    // the core group or a built-in group, perhaps one that newer Kubernetes removed.
    if (group.find('.') == std::string_view::npos)
        return true;
    if (std::any_of(kResources.begin(), kResources.end(), [group](const auto& resource) {
            return groupOf(resource.apiVersion) == group;
        }))
        return true;
    // A group whose every version was removed (or that the types leave out) is still built in.
    return kubeschema::isLifecycleGroup(group);
}

QStringList kindsOf(std::string_view apiVersion)
{
    QStringList kinds;
    for (const auto& resource : kResources) {
        if (apiVersion.empty() || resource.apiVersion == apiVersion)
            kinds.append(fromView(resource.kind));
    }
    kinds.removeDuplicates();
    return kinds;
}

QString scalarOf(const YAML::Node& node)
{
    return node.IsScalar() ? yamlText(node) : QString();
}

void reportUnknownKind(const KubeObject& object, const std::string& apiVersion, Diagnostics& out)
{
    const YAML::Node apiVersionNode = object.node["apiVersion"];
    const YAML::Node kindNode = object.node["kind"];
    const QString apiVersionText = scalarOf(apiVersionNode);
    const QString kindText = scalarOf(kindNode);
    if (!isBuiltInGroup(groupOf(apiVersion))) {
        out.append(diagnosticAt(object.path, kindNode, Severity::Low, QStringLiteral("no-schema"),
                                QStringLiteral("no schema for custom resource kind %1 (%2); its "
                                               "fields are not checked")
                                    .arg(kindText, apiVersionText)));
        return;
    }
    const QStringList servedBy = knownApiVersionsForKind(kindText);
    if (!servedBy.isEmpty()) {
        out.append(diagnosticAt(
            object.path, apiVersionNode, Severity::High, QStringLiteral("unknown-kind"),
            QStringLiteral("%1 is not served by apiVersion %2 in Kubernetes %3; did you mean "
                           "apiVersion: %4?")
                .arg(kindText, apiVersionText, kubeSchemaVersion(),
                     servedBy.join(QStringLiteral(" or ")))));
        return;
    }
    QString message =
        QStringLiteral("unknown kind %1 for apiVersion %2").arg(kindText, apiVersionText);
    QString suggestion = closestMatch(kindText, kindsOf(apiVersion));
    if (suggestion.isEmpty()) {
        suggestion = closestMatch(kindText, kindsOf({}));
        if (!suggestion.isEmpty()) {
            suggestion +=
                QStringLiteral("' (apiVersion %1)")
                    .arg(knownApiVersionsForKind(suggestion).join(QStringLiteral(" or ")));
            message += QStringLiteral("; did you mean '%1?").arg(suggestion);
        }
    } else {
        message += QStringLiteral("; did you mean '%1'?").arg(suggestion);
    }
    out.append(diagnosticAt(object.path, kindNode, Severity::High, QStringLiteral("unknown-kind"),
                            message));
}

} // namespace

void validateKubeStructure(const KubeObject& object, Diagnostics& out)
{
    static const QList<KubeCluster> newest{assumedKubeCluster()};
    validateKubeStructure(object, newest, out);
}

void validateKubeStructure(const KubeObject& object, const QList<KubeCluster>& clusters,
                           Diagnostics& out)
{
    if (!object.node.IsMap())
        return;
    const YAML::Node apiVersionNode = yamlChild(object.node, "apiVersion");
    const YAML::Node kindNode = yamlChild(object.node, "kind");
    if (!apiVersionNode.IsDefined() || !kindNode.IsDefined() || !apiVersionNode.IsScalar() ||
        !kindNode.IsScalar())
        return; // kubeObjectsOf reports objects without them
    const std::string& apiVersion = apiVersionNode.Scalar();
    const kubeschema::data::Resource* resource = findResource(apiVersion, kindNode.Scalar());
    bool removed = false;
    const bool known =
        kubeschema::checkApiLifecycle(object, apiVersionNode, kindNode,
                                      resource ? resource->lifecycle : -2, clusters, out, removed);
    if (!resource && known) {
        // An API the schema's release no longer serves, or one the types leave out: the
        // lifecycle has said what there is to say about a release that does not serve it.
        if (!removed) {
            out.append(diagnosticAt(
                object.path, kindNode, Severity::Low, QStringLiteral("no-schema"),
                QStringLiteral("%1 %2 is not in the Kubernetes %3 types Launchdeck checks fields "
                               "against; its fields are not checked")
                    .arg(scalarOf(apiVersionNode), scalarOf(kindNode), kubeSchemaVersion())));
        }
        return;
    }
    if (!resource) {
        reportUnknownKind(object, apiVersion, out);
        return;
    }
    kubeschema::StructureWalker walker(object.path, out);
    walker.walk(object.node, resource->type);
    // The models leave metadata.name optional because generateName may stand in for it; the
    // API server refuses an object with neither.
    const YAML::Node metadata = yamlChild(object.node, "metadata");
    const bool hasGenerateName = yamlChild(metadata, "generateName").IsDefined();
    if (object.name.isEmpty() && !hasGenerateName) {
        out.append(
            diagnosticAt(object.path, metadata.IsDefined() ? metadata : object.node, Severity::High,
                         QStringLiteral("missing-field"),
                         QStringLiteral("%1 has no metadata.name (nor metadata.generateName)")
                             .arg(QString::fromStdString(kindNode.Scalar()))));
    }
}

QString kubeSchemaVersion()
{
    return fromView(kubeschema::data::kSchemaVersion);
}

bool isKnownKind(QStringView apiVersion, QStringView kind)
{
    const QByteArray apiVersionUtf8 = apiVersion.toUtf8();
    const QByteArray kindUtf8 = kind.toUtf8();
    return findResource(std::string_view(apiVersionUtf8.constData(), apiVersionUtf8.size()),
                        std::string_view(kindUtf8.constData(), kindUtf8.size())) != nullptr;
}

QStringList knownApiVersionsForKind(QStringView kind)
{
    const QByteArray kindUtf8 = kind.toUtf8();
    const std::string_view wanted(kindUtf8.constData(), kindUtf8.size());
    QStringList apiVersions;
    for (const auto& resource : kResources) {
        if (resource.kind == wanted)
            apiVersions.append(fromView(resource.apiVersion));
    }
    apiVersions.sort();
    return apiVersions;
}

QStringList knownKinds()
{
    QStringList kinds = kindsOf({});
    kinds.sort();
    return kinds;
}

bool isBuiltInApiGroup(QStringView apiVersion)
{
    const QByteArray utf8 = apiVersion.toUtf8();
    return isBuiltInGroup(groupOf(std::string_view(utf8.constData(), utf8.size())));
}

QStringList kubeFieldNames(QStringView apiVersion, QStringView kind, const QStringList& fieldPath)
{
    using namespace kubeschema::data;
    const QByteArray apiVersionUtf8 = apiVersion.toUtf8();
    const QByteArray kindUtf8 = kind.toUtf8();
    const Resource* resource =
        findResource(std::string_view(apiVersionUtf8.constData(), apiVersionUtf8.size()),
                     std::string_view(kindUtf8.constData(), kindUtf8.size()));
    if (!resource)
        return {};
    std::uint16_t type = resource->type;
    const auto skipLists = [&type] {
        while (kTypeRefs[type].kind == ValueKind::List)
            type = kTypeRefs[type].target;
    };
    for (const QString& name : fieldPath) {
        skipLists();
        const TypeRef ref = kTypeRefs[type];
        if (ref.kind == ValueKind::Map) {
            type = ref.target; // the name is a key of the map
            continue;
        }
        if (ref.kind != ValueKind::Model)
            return {};
        const Model& model = kModels[ref.target];
        const QByteArray nameUtf8 = name.toUtf8();
        const int index =
            fieldIndex(model, std::string_view(nameUtf8.constData(), nameUtf8.size()));
        if (index < 0)
            return {};
        type = kFields[model.firstField + static_cast<size_t>(index)].type;
    }
    skipLists();
    if (kTypeRefs[type].kind != ValueKind::Model)
        return {};
    const Model& model = kModels[kTypeRefs[type].target];
    QStringList names;
    for (size_t i = 0; i < model.fieldCount; ++i)
        names.append(fromView(kFields[model.firstField + i].jsonName));
    return names;
}

} // namespace launchdeck
