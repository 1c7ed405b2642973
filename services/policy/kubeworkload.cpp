// Reading the pods that workloads create, and matching label selectors against them.
#include "policy/kubeworkload.h"

#include "core/yamllookup.h"

#include <QStringList>

namespace launchdeck::kubecheck {

YAML::Node child(const YAML::Node& node, const char* key)
{
    // A fresh undefined node each time, never a shared one: assigning to a yaml-cpp node that
    // already refers to something rewrites what it refers to.
    return yamlChild(node, key);
}

QString text(const YAML::Node& node)
{
    return node.IsDefined() && node.IsScalar() ? QString::fromStdString(node.Scalar()) : QString();
}

bool isQuoted(const YAML::Node& node)
{
    return node.IsDefined() && node.IsScalar() && node.Tag() == "!";
}

bool isTrue(const YAML::Node& node)
{
    bool value = false;
    return node.IsDefined() && node.IsScalar() && !isQuoted(node) &&
           YAML::convert<bool>::decode(node, value) && value;
}

bool isFalse(const YAML::Node& node)
{
    bool value = true;
    return node.IsDefined() && node.IsScalar() && !isQuoted(node) &&
           YAML::convert<bool>::decode(node, value) && !value;
}

std::optional<qint64> integerOf(const YAML::Node& node)
{
    if (!node.IsDefined() || !node.IsScalar() || isQuoted(node))
        return std::nullopt;
    bool ok = false;
    const qint64 value = QString::fromStdString(node.Scalar()).toLongLong(&ok, 10);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

YAML::Node either(const YAML::Node& preferred, const YAML::Node& fallback)
{
    return preferred.IsDefined() ? preferred : fallback;
}

Labels labelsOf(const YAML::Node& map)
{
    Labels labels;
    if (!map.IsDefined() || !map.IsMap())
        return labels;
    for (const auto& entry : map) {
        if (entry.first.IsScalar())
            labels.insert(text(entry.first), text(entry.second));
    }
    return labels;
}

QString formatLabels(const QList<std::pair<QString, QString>>& labels)
{
    QStringList parts;
    for (const auto& [key, value] : labels)
        parts.append(key + u'=' + value);
    return parts.join(QStringLiteral(", "));
}

LabelSelector LabelSelector::fromMap(const YAML::Node& node)
{
    LabelSelector selector;
    if (!node.IsDefined() || !node.IsMap())
        return selector;
    for (const auto& entry : node) {
        if (entry.first.IsScalar())
            selector.m_labels.append({text(entry.first), text(entry.second)});
    }
    return selector;
}

LabelSelector LabelSelector::fromLabelSelector(const YAML::Node& node)
{
    LabelSelector selector = fromMap(child(node, "matchLabels"));
    const YAML::Node expressions = child(node, "matchExpressions");
    if (!expressions.IsSequence())
        return selector;
    for (const YAML::Node& item : expressions) {
        Expression expression{text(child(item, "key")), text(child(item, "operator")), {}};
        const YAML::Node values = child(item, "values");
        if (values.IsSequence()) {
            for (const YAML::Node& value : values)
                expression.values.append(text(value));
        }
        selector.m_expressions.append(expression);
    }
    return selector;
}

bool LabelSelector::matches(const Labels& labels) const
{
    for (const auto& [key, value] : m_labels) {
        const auto it = labels.constFind(key);
        if (it == labels.constEnd() || *it != value)
            return false;
    }
    for (const Expression& expression : m_expressions) {
        const auto it = labels.constFind(expression.key);
        const bool has = it != labels.constEnd();
        if (expression.op == u"In") {
            if (!has || !expression.values.contains(*it))
                return false;
        } else if (expression.op == u"NotIn") {
            if (has && expression.values.contains(*it))
                return false;
        } else if (expression.op == u"Exists") {
            if (!has)
                return false;
        } else if (expression.op == u"DoesNotExist") {
            if (has)
                return false;
        } else {
            return false; // the API server rejects other operators; nothing is selected
        }
    }
    return true;
}

QString LabelSelector::toString() const
{
    QStringList parts;
    if (!m_labels.isEmpty())
        parts.append(formatLabels(m_labels));
    for (const Expression& expression : m_expressions) {
        parts.append(expression.key + u' ' + expression.op +
                     (expression.values.isEmpty()
                          ? QString()
                          : u" (" + expression.values.join(QStringLiteral(", ")) + u')'));
    }
    return parts.join(QStringLiteral(", "));
}

QString Container::describe() const
{
    const QString shown = name.isEmpty() ? QStringLiteral("<unnamed>") : name;
    return (init ? QStringLiteral("init container '") : QStringLiteral("container '")) + shown +
           u'\'';
}

bool isWorkloadKind(QStringView kind)
{
    return kind == u"Deployment" || kind == u"StatefulSet" || kind == u"DaemonSet" ||
           kind == u"ReplicaSet" || kind == u"ReplicationController" || kind == u"Job" ||
           kind == u"CronJob" || kind == u"Pod";
}

namespace {

void readContainers(const YAML::Node& podSpec, const char* key, bool init, QList<Container>& out)
{
    const YAML::Node list = child(podSpec, key);
    if (!list.IsSequence())
        return;
    for (const YAML::Node& node : list) {
        if (!node.IsMap())
            continue;
        const YAML::Node nameNode = child(node, "name");
        out.append({node, either(nameNode, node), text(nameNode), init});
    }
}

} // namespace

std::optional<Workload> workloadOf(const KubeObject& object, int index)
{
    if (!isWorkloadKind(object.kind))
        return std::nullopt;
    const bool isPod = object.kind == u"Pod";
    const bool isController = object.kind == u"ReplicationController";
    const bool hasReplicas = object.kind == u"Deployment" || object.kind == u"StatefulSet" ||
                             object.kind == u"ReplicaSet" || isController;
    const YAML::Node spec = child(object.node, "spec");
    const YAML::Node ownerSpec =
        object.kind == u"CronJob" ? child(child(spec, "jobTemplate"), "spec") : spec;
    const YAML::Node podTemplate = isPod ? object.node : child(ownerSpec, "template");
    const YAML::Node selectorNode =
        isPod ? YAML::Node(YAML::NodeType::Undefined) : child(ownerSpec, "selector");
    const YAML::Node replicasNode =
        hasReplicas ? child(spec, "replicas") : YAML::Node(YAML::NodeType::Undefined);
    // yaml-cpp nodes are built in place here, never assigned: assignment rewrites the target.
    Workload workload{index,
                      isPod ? spec : child(podTemplate, "spec"),
                      podTemplate,
                      labelsOf(child(child(podTemplate, "metadata"), "labels")),
                      selectorNode,
                      isController ? LabelSelector::fromMap(selectorNode)
                                   : LabelSelector::fromLabelSelector(selectorNode),
                      replicasNode,
                      !hasReplicas               ? std::nullopt
                      : replicasNode.IsDefined() ? integerOf(replicasNode)
                                                 : std::optional<qint64>(1),
                      {}};
    readContainers(workload.podSpec, "initContainers", true, workload.containers);
    readContainers(workload.podSpec, "containers", false, workload.containers);
    return workload;
}

bool namespacesMeet(const QString& a, const QString& b)
{
    return a.isEmpty() || b.isEmpty() || a == b;
}

WorkloadIndex::WorkloadIndex(const QList<KubeObject>& objects)
{
    for (int i = 0; i < objects.size(); ++i) {
        if (std::optional<Workload> workload = workloadOf(objects[i], i))
            m_workloads.append(std::move(*workload));
    }
}

} // namespace launchdeck::kubecheck
