// The API server's rules for pod specs, wherever one stands (a Pod, a workload's template):
// container, volume, port and environment variable names, unique names, port numbers and
// protocols, volume mounts that name a volume, probes, restart and DNS policies.
#include "kubeschema/kubeapicheck.h"
#include "kubeschema/kubeapiformat.h"

#include <set>
#include <string>

namespace launchdeck::kubeapi {

namespace {

const QString kInvalidName = QStringLiteral("invalid-name");
const QString kInvalidValue = QStringLiteral("invalid-value");
const QString kRequired = QStringLiteral("required-value");
const QString kDuplicate = QStringLiteral("duplicate-name");

bool oneOf(const std::string& value, std::initializer_list<const char*> allowed)
{
    for (const char* item : allowed) {
        if (value == item)
            return true;
    }
    return false;
}

QStringList listOf(std::initializer_list<const char*> items)
{
    QStringList list;
    for (const char* item : items)
        list.append(QString::fromLatin1(item));
    return list;
}

// A string field that must hold one of `allowed` when set (`supported` as the API server lists
// them, sometimes sorted, sometimes not).
void checkEnum(ApiCheck& check, const YAML::Node& map, const char* key, const QString& path,
               std::initializer_list<const char*> allowed, std::initializer_list<const char*> shown)
{
    const YAML::Node node = child(map, key);
    if (const auto value = stringOf(node); value && !oneOf(*value, allowed))
        check.report(node, kInvalidValue, unsupportedValue(path, *value, listOf(shown)));
}

class PodSpecCheck final
{
public:
    PodSpecCheck(ApiCheck& check, const YAML::Node& spec, const QString& path)
        : m_check(check)
        , m_spec(spec)
        , m_path(path)
    {}

    void run()
    {
        checkVolumes();
        const YAML::Node containers = child(m_spec, "containers");
        if (containers.IsSequence() && containers.size() == 0) {
            m_check.report(containers, kRequired,
                           requiredValue(m_path + QStringLiteral(".containers")));
        }
        // Init and ephemeral containers share the names of the pod's containers.
        checkContainers(containers, QStringLiteral("containers"));
        checkContainers(child(m_spec, "initContainers"), QStringLiteral("initContainers"));
        checkContainers(child(m_spec, "ephemeralContainers"),
                        QStringLiteral("ephemeralContainers"));
        checkEnum(m_check, m_spec, "restartPolicy", m_path + QStringLiteral(".restartPolicy"),
                  {"Always", "OnFailure", "Never"}, {"Always", "OnFailure", "Never"});
        checkEnum(m_check, m_spec, "dnsPolicy", m_path + QStringLiteral(".dnsPolicy"),
                  {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"},
                  {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"});
        m_check.labels(child(m_spec, "nodeSelector"), m_path + QStringLiteral(".nodeSelector"));
        checkName(child(m_spec, "serviceAccountName"),
                  m_path + QStringLiteral(".serviceAccountName"), dns1123SubdomainErrors);
        checkName(child(m_spec, "hostname"), m_path + QStringLiteral(".hostname"),
                  dns1123LabelErrors);
        checkName(child(m_spec, "subdomain"), m_path + QStringLiteral(".subdomain"),
                  dns1123LabelErrors);
        const YAML::Node deadline = child(m_spec, "activeDeadlineSeconds");
        if (const auto value = integerOf(deadline); value && (*value < 1 || *value > 2147483647)) {
            m_check.report(deadline, kInvalidValue,
                           invalidValue(m_path + QStringLiteral(".activeDeadlineSeconds"),
                                        QString::number(*value),
                                        QStringLiteral("must be between 1 and 2147483647, "
                                                       "inclusive")));
        }
    }

private:
    void checkName(const YAML::Node& node, const QString& path,
                   QStringList (*errors)(std::string_view))
    {
        if (const auto value = stringOf(node); value && !value->empty())
            m_check.invalidEach(node, kInvalidName, path, *value, errors(*value));
    }

    void checkVolumes()
    {
        const YAML::Node volumes = child(m_spec, "volumes");
        if (!volumes.IsSequence())
            return;
        int index = 0;
        for (const YAML::Node& volume : volumes) {
            const QString path = QStringLiteral("%1.volumes[%2].name").arg(m_path).arg(index++);
            const YAML::Node nameNode = child(volume, "name");
            const auto name = stringOf(nameNode);
            if (!name)
                continue; // missing or not a string: the schema's finding
            if (name->empty()) {
                m_check.report(nameNode, kRequired, requiredValue(path));
                continue;
            }
            m_check.invalidEach(nameNode, kInvalidName, path, *name, dns1123LabelErrors(*name));
            if (!m_volumes.insert(*name).second)
                m_check.report(nameNode, kDuplicate, duplicateValue(path, *name));
        }
    }

    void checkContainers(const YAML::Node& list, const QString& field)
    {
        if (!list.IsSequence())
            return;
        int index = 0;
        for (const YAML::Node& container : list) {
            const QString path = QStringLiteral("%1.%2[%3]").arg(m_path, field).arg(index++);
            checkContainer(container, path);
        }
    }

    void checkContainer(const YAML::Node& container, const QString& path)
    {
        if (!container.IsMap())
            return;
        const YAML::Node nameNode = child(container, "name");
        if (const auto name = stringOf(nameNode)) {
            const QString namePath = path + QStringLiteral(".name");
            if (name->empty()) {
                m_check.report(nameNode, kRequired, requiredValue(namePath));
            } else {
                m_check.invalidEach(nameNode, kInvalidName, namePath, *name,
                                    dns1123LabelErrors(*name));
                if (!m_containers.insert(*name).second)
                    m_check.report(nameNode, kDuplicate, duplicateValue(namePath, *name));
            }
        }
        const YAML::Node image = child(container, "image");
        if (!isSet(image) || (image.IsScalar() && image.Scalar().empty())) {
            m_check.report(either(image, container), kRequired,
                           requiredValue(path + QStringLiteral(".image")));
        }
        checkEnum(m_check, container, "imagePullPolicy", path + QStringLiteral(".imagePullPolicy"),
                  {"Always", "IfNotPresent", "Never"}, {"Always", "IfNotPresent", "Never"});
        checkPorts(child(container, "ports"), path + QStringLiteral(".ports"));
        checkEnv(child(container, "env"), path + QStringLiteral(".env"));
        checkMounts(child(container, "volumeMounts"), path + QStringLiteral(".volumeMounts"));
        for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"})
            checkProbe(container, probe, path);
    }

    void checkPorts(const YAML::Node& ports, const QString& path)
    {
        if (!ports.IsSequence())
            return;
        std::set<std::string> names;
        int index = 0;
        for (const YAML::Node& port : ports) {
            const QString at = QStringLiteral("%1[%2]").arg(path).arg(index++);
            const YAML::Node nameNode = child(port, "name");
            if (const auto name = stringOf(nameNode); name && !name->empty()) {
                const QStringList errors = portNameErrors(*name);
                m_check.invalidEach(nameNode, kInvalidName, at + QStringLiteral(".name"), *name,
                                    errors);
                if (errors.isEmpty() && !names.insert(*name).second) {
                    m_check.report(nameNode, kDuplicate,
                                   duplicateValue(at + QStringLiteral(".name"), *name));
                }
            }
            const YAML::Node containerPort = child(port, "containerPort");
            if (const auto number = integerOf(containerPort); number && *number == 0) {
                m_check.report(containerPort, kRequired,
                               requiredValue(at + QStringLiteral(".containerPort")));
            } else if (number) {
                m_check.invalidEach(containerPort, kInvalidValue,
                                    at + QStringLiteral(".containerPort"), QString::number(*number),
                                    portNumberErrors(*number));
            }
            const YAML::Node hostPort = child(port, "hostPort");
            if (const auto number = integerOf(hostPort); number && *number != 0) {
                m_check.invalidEach(hostPort, kInvalidValue, at + QStringLiteral(".hostPort"),
                                    QString::number(*number), portNumberErrors(*number));
            }
            checkEnum(m_check, port, "protocol", at + QStringLiteral(".protocol"),
                      {"TCP", "UDP", "SCTP"}, {"SCTP", "TCP", "UDP"});
        }
    }

    void checkEnv(const YAML::Node& env, const QString& path)
    {
        if (!env.IsSequence())
            return;
        int index = 0;
        for (const YAML::Node& variable : env) {
            const QString at = QStringLiteral("%1[%2].name").arg(path).arg(index++);
            const YAML::Node nameNode = child(variable, "name");
            const auto name = stringOf(nameNode);
            if (name && name->empty())
                m_check.report(nameNode, kRequired, requiredValue(at));
            else if (name)
                m_check.invalidEach(nameNode, kInvalidName, at, *name, envVarNameErrors(*name));
        }
    }

    void checkMounts(const YAML::Node& mounts, const QString& path)
    {
        if (!mounts.IsSequence())
            return;
        std::set<std::string> mountPaths;
        int index = 0;
        for (const YAML::Node& mount : mounts) {
            const QString at = QStringLiteral("%1[%2]").arg(path).arg(index++);
            const YAML::Node nameNode = child(mount, "name");
            if (const auto name = stringOf(nameNode); name && name->empty()) {
                m_check.report(nameNode, kRequired, requiredValue(at + QStringLiteral(".name")));
            } else if (name && !m_volumes.contains(*name)) {
                m_check.report(nameNode, QStringLiteral("not-found"),
                               notFound(at + QStringLiteral(".name"), *name));
            }
            const YAML::Node mountPath = child(mount, "mountPath");
            if (const auto text = stringOf(mountPath)) {
                if (text->empty()) {
                    m_check.report(mountPath, kRequired,
                                   requiredValue(at + QStringLiteral(".mountPath")));
                } else if (!mountPaths.insert(*text).second) {
                    m_check.report(mountPath, kInvalidValue,
                                   invalidValue(at + QStringLiteral(".mountPath"), goQuoted(*text),
                                                QStringLiteral("must be unique")));
                }
            }
        }
    }

    void checkProbe(const YAML::Node& container, const char* key, const QString& containerPath)
    {
        const YAML::Node probe = child(container, key);
        if (!probe.IsMap())
            return;
        const QString path = containerPath + u'.' + QString::fromLatin1(key);
        int handlers = 0;
        for (const char* handler : {"exec", "httpGet", "tcpSocket", "grpc"}) {
            const YAML::Node action = child(probe, handler);
            if (!isSet(action))
                continue;
            const QString handlerPath = path + u'.' + QString::fromLatin1(handler);
            if (++handlers > 1) {
                m_check.report(
                    action, kInvalidValue,
                    forbidden(handlerPath, QStringLiteral("may not specify more than 1 handler "
                                                          "type")));
                continue;
            }
            checkProbePort(child(action, "port"), handlerPath + QStringLiteral(".port"));
        }
        if (handlers == 0) {
            m_check.report(probe, kRequired,
                           requiredValue(path, QStringLiteral("must specify a handler type")));
        }
        for (const char* field : {"initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                                  "successThreshold", "failureThreshold"})
            m_check.nonNegative(probe, field, path + u'.' + QString::fromLatin1(field));
        const YAML::Node success = child(probe, "successThreshold");
        if (const auto value = integerOf(success);
            value && *value != 1 && qstrcmp(key, "readinessProbe") != 0) {
            m_check.report(success, kInvalidValue,
                           invalidValue(path + QStringLiteral(".successThreshold"),
                                        QString::number(*value), QStringLiteral("must be 1")));
        }
        const YAML::Node grace = child(probe, "terminationGracePeriodSeconds");
        const auto graceValue = integerOf(grace);
        const QString gracePath = path + QStringLiteral(".terminationGracePeriodSeconds");
        if (graceValue && qstrcmp(key, "readinessProbe") == 0) {
            m_check.report(grace, kInvalidValue,
                           invalidValue(gracePath, QString::number(*graceValue),
                                        QStringLiteral("must not be set for readinessProbes")));
        } else if (graceValue && *graceValue <= 0) {
            m_check.report(grace, kInvalidValue,
                           invalidValue(gracePath, QString::number(*graceValue),
                                        QStringLiteral("must be greater than 0")));
        }
    }

    void checkProbePort(const YAML::Node& port, const QString& path)
    {
        if (const auto number = integerOf(port)) {
            m_check.invalidEach(port, kInvalidValue, path, QString::number(*number),
                                portNumberErrors(*number));
        } else if (const auto name = stringOf(port)) {
            m_check.invalidEach(port, kInvalidName, path, *name, portNameErrors(*name));
        }
    }

    ApiCheck& m_check;
    const YAML::Node& m_spec;
    const QString& m_path;
    std::set<std::string> m_volumes;
    std::set<std::string> m_containers;
};

} // namespace

void checkPodTemplateMetadata(ApiCheck& check, const YAML::Node& podTemplate, const QString& path)
{
    const YAML::Node metadata = child(podTemplate, "metadata");
    check.labels(child(metadata, "labels"), path + QStringLiteral(".labels"));
    check.annotations(child(metadata, "annotations"), path + QStringLiteral(".annotations"));
}

void checkPodTemplate(ApiCheck& check, const YAML::Node& podTemplate, const QString& path)
{
    checkPodTemplateMetadata(check, podTemplate, path);
    checkPodSpec(check, child(podTemplate, "spec"), path + QStringLiteral(".spec"));
}

void checkPodSpec(ApiCheck& check, const YAML::Node& spec, const QString& path)
{
    if (spec.IsMap())
        PodSpecCheck(check, spec, path).run();
}

} // namespace launchdeck::kubeapi
