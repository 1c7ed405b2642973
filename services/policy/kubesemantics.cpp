// Consistency checks of each Kubernetes object that the API server accepts but gets wrong at run
// time (probes on undeclared ports, duplicate variables, quantities). What the API server refuses
// (names, port numbers, selectors against their template) is checked in kubeschema's
// kubeapirules.h. Those that relate objects to each other (duplicates, dangling Services, target
// ports) are in kubefacts.cpp.
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
            if (object.kind == u"PersistentVolumeClaim")
                checkQuantities(i, child(child(object.node, "spec"), "resources"),
                                QStringLiteral("claim"));
        }
    }

private:
    void checkWorkload(const Workload& workload)
    {
        for (const Container& container : workload.containers)
            checkContainer(workload.object, container);
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
        checkProbe(object, container, "livenessProbe", Rule::LivenessPort);
        checkProbe(object, container, "readinessProbe", Rule::ReadinessPort);
        checkProbe(object, container, "startupProbe", Rule::StartupPort);
        checkQuantities(object, child(container.node, "resources"), who);
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
                // A number outside 1-65535 is the API server's refusal, reported with it.
                if (*number >= 1 && *number <= 65535 && !declared.numbers.contains(*number)) {
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
