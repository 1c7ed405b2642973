// Consistency checks of each Kubernetes object: what the API server would reject or silently
// get wrong (selectors, ports, probes, quantities). Those that relate objects to each other
// (duplicates, dangling Services, target ports) are in kubefacts.cpp.
#include "core/units.h"
#include "policy/kubefacts.h"
#include "policy/kubepolicy.h"
#include "policy/kubereporter.h"
#include "policy/kubeworkload.h"

#include <QSet>

#include <algorithm>

namespace launchdeck {

namespace {

using namespace kubecheck;

QString sortedLabels(const Labels& labels)
{
    QList<std::pair<QString, QString>> pairs;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        pairs.append({it.key(), it.value()});
    std::sort(pairs.begin(), pairs.end());
    return pairs.isEmpty() ? QStringLiteral("none") : formatLabels(pairs);
}

struct DeclaredPorts
{
    QSet<qint64> numbers;
    QSet<QString> names;
    bool any = false;
};

DeclaredPorts declaredPorts(const YAML::Node& container)
{
    DeclaredPorts declared;
    const YAML::Node ports = child(container, "ports");
    if (!ports.IsSequence())
        return declared;
    for (const YAML::Node& port : ports) {
        if (const auto number = integerOf(child(port, "containerPort"))) {
            declared.numbers.insert(*number);
            declared.any = true;
        }
        if (const QString name = text(child(port, "name")); !name.isEmpty())
            declared.names.insert(name);
    }
    return declared;
}

class SemanticChecker final
{
public:
    SemanticChecker(const QList<KubeObject>& objects, Diagnostics& out)
        : m_objects(objects)
        , m_report(objects, out, std::nullopt)
        , m_index(objects)
    {}

    void run()
    {
        for (const Workload& workload : m_index.workloads())
            checkWorkload(workload);
        for (int i = 0; i < m_objects.size(); ++i) {
            const KubeObject& object = m_objects[i];
            if (object.kind == u"Service")
                checkService(i);
            else if (object.kind == u"PersistentVolumeClaim")
                checkQuantities(i, child(child(object.node, "spec"), "resources"),
                                QStringLiteral("claim"));
        }
    }

private:
    void checkWorkload(const Workload& workload)
    {
        if (workload.selectorNode.IsDefined() && !workload.selector.isEmpty() &&
            !workload.selector.matches(workload.labels)) {
            m_report.report(Rule::MismatchingSelector, workload.object, workload.selectorNode,
                            QStringLiteral("selector (%1) does not match the pod template labels "
                                           "(%2)")
                                .arg(workload.selector.toString(), sortedLabels(workload.labels)));
        }
        QHash<QString, int> containerNames;
        for (const Container& container : workload.containers) {
            if (!container.name.isEmpty()) {
                if (containerNames.contains(container.name)) {
                    m_report.report(Rule::DuplicateContainerName, workload.object,
                                    container.nameNode,
                                    QStringLiteral("two containers are named '%1' (first at "
                                                   "line %2)")
                                        .arg(container.name)
                                        .arg(containerNames.value(container.name)));
                } else {
                    containerNames.insert(container.name, yamlLine(container.nameNode));
                }
            }
            checkContainer(workload.object, container);
        }
        const YAML::Node volumes = child(workload.podSpec, "volumes");
        if (volumes.IsSequence()) {
            for (const YAML::Node& volume : volumes) {
                const YAML::Node size = child(child(volume, "emptyDir"), "sizeLimit");
                if (size.IsDefined())
                    checkQuantity(workload.object, size,
                                  QStringLiteral("volume '%1' has sizeLimit")
                                      .arg(text(child(volume, "name"))));
            }
        }
        const YAML::Node claims =
            child(child(m_objects[workload.object].node, "spec"), "volumeClaimTemplates");
        if (m_objects[workload.object].kind == u"StatefulSet" && claims.IsSequence()) {
            for (const YAML::Node& claim : claims) {
                checkQuantities(workload.object, child(child(claim, "spec"), "resources"),
                                QStringLiteral("volume claim '%1'")
                                    .arg(text(child(child(claim, "metadata"), "name"))));
            }
        }
    }

    void checkContainer(int object, const Container& container)
    {
        const QString who = container.describe();
        QHash<QString, int> envNames;
        const YAML::Node env = child(container.node, "env");
        if (env.IsSequence()) {
            for (const YAML::Node& variable : env) {
                const YAML::Node nameNode = child(variable, "name");
                const QString name = text(nameNode);
                if (name.isEmpty())
                    continue;
                if (envNames.contains(name)) {
                    m_report.report(Rule::DuplicateEnvVar, object, nameNode,
                                    QStringLiteral("%1 sets environment variable '%2' twice "
                                                   "(first at line %3); only the last counts")
                                        .arg(who, name)
                                        .arg(envNames.value(name)));
                } else {
                    envNames.insert(name, yamlLine(nameNode));
                }
            }
        }
        const YAML::Node ports = child(container.node, "ports");
        if (ports.IsSequence()) {
            for (const YAML::Node& port : ports) {
                checkPortNumber(object, child(port, "containerPort"),
                                who + QStringLiteral(" containerPort"), false);
                checkPortNumber(object, child(port, "hostPort"), who + QStringLiteral(" hostPort"),
                                true);
                const YAML::Node nameNode = child(port, "name");
                if (nameNode.IsDefined() && !isPortName(text(nameNode))) {
                    m_report.report(Rule::InvalidPort, object, nameNode,
                                    QStringLiteral("%1 port name '%2' is not an IANA service name "
                                                   "(at most 15 lower-case letters, digits and "
                                                   "'-', with a letter)")
                                        .arg(who, text(nameNode)));
                }
            }
        }
        checkProbe(object, container, "livenessProbe", Rule::LivenessPort);
        checkProbe(object, container, "readinessProbe", Rule::ReadinessPort);
        checkProbe(object, container, "startupProbe", Rule::StartupPort);
        checkQuantities(object, child(container.node, "resources"), who);
    }

    // `zeroAllowed`: hostPort 0 means "not published".
    void checkPortNumber(int object, const YAML::Node& node, const QString& what, bool zeroAllowed)
    {
        if (!node.IsDefined())
            return;
        const auto number = integerOf(node);
        if (!number || (*number == 0 && zeroAllowed) || (*number >= 1 && *number <= 65535))
            return; // a non-number is the schema's finding
        m_report.report(Rule::InvalidPort, object, node,
                        QStringLiteral("%1 %2 is outside 1-65535").arg(what).arg(*number));
    }

    void checkProbe(int object, const Container& container, const char* key, Rule rule)
    {
        const YAML::Node probe = child(container.node, key);
        if (!probe.IsMap())
            return;
        const QString probeName = QString::fromLatin1(key).chopped(5); // "liveness"
        const DeclaredPorts declared = declaredPorts(container.node);
        for (const char* handler : {"httpGet", "tcpSocket", "grpc"}) {
            const YAML::Node port = child(child(probe, handler), "port");
            if (!port.IsDefined() || !port.IsScalar())
                continue;
            if (const auto number = integerOf(port)) {
                if (*number < 1 || *number > 65535) {
                    checkPortNumber(object, port,
                                    container.describe() + u' ' + probeName + u" probe port",
                                    false);
                } else if (!declared.numbers.contains(*number)) {
                    m_report.report(rule, object, port,
                                    QStringLiteral("%1 %2 probe targets port %3, which the "
                                                   "container does not declare")
                                        .arg(container.describe(), probeName)
                                        .arg(*number));
                }
            } else if (!declared.names.contains(text(port))) {
                m_report.report(rule, object, port,
                                QStringLiteral("%1 %2 probe targets port '%3', which is not a "
                                               "port name of the container")
                                    .arg(container.describe(), probeName, text(port)));
            }
        }
    }

    void checkQuantity(int object, const YAML::Node& value, const QString& what)
    {
        const QString quantityText = text(value);
        const auto quantity = parseQuantity(quantityText);
        if (quantity && quantity->milli >= 0)
            return;
        m_report.report(Rule::BadQuantity, object, value,
                        quantity
                            ? QStringLiteral("%1 '%2', which is negative").arg(what, quantityText)
                            : QStringLiteral("%1 '%2', which is not a Kubernetes quantity "
                                             "(e.g. 250m, 0.5, 512Mi, 2G)")
                                  .arg(what, quantityText));
    }

    void checkQuantities(int object, const YAML::Node& resources, const QString& who)
    {
        for (const char* section : {"requests", "limits"}) {
            const YAML::Node map = child(resources, section);
            if (!map.IsMap())
                continue;
            const QString verb = qstrcmp(section, "requests") == 0 ? QStringLiteral("requests")
                                                                   : QStringLiteral("limits");
            for (const auto& entry : map) {
                if (entry.second.IsScalar())
                    checkQuantity(object, entry.second,
                                  who + u' ' + verb + u' ' + text(entry.first));
            }
        }
    }

    void checkService(int index)
    {
        const KubeObject& service = m_objects[index];
        const YAML::Node spec = child(service.node, "spec");
        const YAML::Node ports = child(spec, "ports");
        if (ports.IsSequence()) {
            for (const YAML::Node& port : ports) {
                const YAML::Node number = child(port, "port");
                checkPortNumber(index, number, QStringLiteral("port"), false);
                checkPortNumber(index, child(port, "nodePort"), QStringLiteral("nodePort"), false);
                const YAML::Node name = child(port, "name");
                if (name.IsDefined() && !isDnsLabel(text(name))) {
                    m_report.report(Rule::InvalidPort, index, name,
                                    QStringLiteral("port name '%1' is not a DNS label (lower-case "
                                                   "letters, digits and '-')")
                                        .arg(text(name)));
                }
                const YAML::Node explicitTarget = child(port, "targetPort");
                const YAML::Node target = either(explicitTarget, number);
                if (!target.IsDefined() || !target.IsScalar())
                    continue;
                if (integerOf(target)) {
                    if (explicitTarget.IsDefined())
                        checkPortNumber(index, target, QStringLiteral("targetPort"), false);
                } else if (!isPortName(text(target))) {
                    m_report.report(Rule::InvalidTargetPorts, index, target,
                                    QStringLiteral("targetPort '%1' is not a valid port name (an "
                                                   "IANA service name)")
                                        .arg(text(target)));
                }
            }
        }
    }

    const QList<KubeObject>& m_objects;
    Reporter m_report;
    WorkloadIndex m_index;
};

} // namespace

namespace kubecheck {

void checkObjectSemantics(const QList<KubeObject>& objects, Diagnostics& out)
{
    SemanticChecker(objects, out).run();
}

} // namespace kubecheck

} // namespace launchdeck
