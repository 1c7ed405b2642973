// Splitting manifest files into Kubernetes objects.
#include "core/kubeobject.h"

#include "core/yamllookup.h"

namespace launchdeck {

namespace {

QString scalarOrEmpty(const YAML::Node& node)
{
    return node.IsDefined() && node.IsScalar() ? yamlText(node) : QString();
}

void addObject(const QString& path, int document, const YAML::Node& node,
               QList<KubeObject>& objects, Diagnostics& out)
{
    if (!node.IsMap()) {
        out.append(diagnosticAt(path, node, Severity::High, QStringLiteral("not-an-object"),
                                QStringLiteral("a Kubernetes object must be a mapping, not a %1")
                                    .arg(yamlKindName(node))));
        return;
    }
    KubeObject object;
    object.path = path;
    object.document = document;
    object.node = node;
    object.apiVersion = scalarOrEmpty(yamlChild(node, "apiVersion"));
    object.kind = scalarOrEmpty(yamlChild(node, "kind"));
    const YAML::Node metadata = yamlChild(node, "metadata");
    if (metadata.IsDefined() && metadata.IsMap()) {
        object.name = scalarOrEmpty(yamlChild(metadata, "name"));
        object.nameSpace = scalarOrEmpty(yamlChild(metadata, "namespace"));
    }
    if (object.apiVersion.isEmpty() || object.kind.isEmpty()) {
        out.append(diagnosticAt(path, node, Severity::High, QStringLiteral("missing-field"),
                                object.kind.isEmpty()
                                    ? QStringLiteral("object has no 'kind'")
                                    : QStringLiteral("%1 has no 'apiVersion'").arg(object.kind)));
        return;
    }
    if (object.kind == u"List" && object.apiVersion == u"v1") {
        const YAML::Node items = yamlChild(node, "items");
        if (items.IsDefined() && items.IsSequence()) {
            for (const YAML::Node& item : items)
                addObject(path, document, item, objects, out);
            return;
        }
    }
    objects.append(object);
}

} // namespace

QList<KubeObject> kubeObjectsOf(const YamlFile& file, Diagnostics& out)
{
    QList<KubeObject> objects;
    for (const YamlDocument& document : file.documents) {
        if (document.root.IsNull() || !document.root.IsDefined())
            continue; // an empty document between separators
        addObject(file.path, document.index, document.root, objects, out);
    }
    return objects;
}

bool looksLikeKubernetes(const YamlFile& file)
{
    for (const YamlDocument& document : file.documents) {
        if (document.root.IsMap() && yamlChild(document.root, "apiVersion").IsDefined() &&
            yamlChild(document.root, "kind").IsDefined())
            return true;
    }
    return false;
}

} // namespace launchdeck
