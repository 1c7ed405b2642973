// The Deployment and Service of an application in an environment on a Kubernetes target, with
// the same reading of launchdeck.yaml as the Docker containers: env, ports, health check,
// replicas and resources.
#include "kubernetes/applicationobjects.h"

#include "core/units.h"

#include <QJsonArray>
#include <QMap>
#include <QRegularExpression>

#include <algorithm>
#include <chrono>

namespace launchdeck::kube {

namespace {

QString key(const char16_t* text)
{
    return QStringView(text).toString();
}

QString where(const Workspace& workspace, int line)
{
    const QString file =
        workspace.file.isEmpty() ? QStringView(kWorkspaceFileName).toString() : workspace.file;
    return line > 0 ? file + u':' + QString::number(line) : file;
}

// A Service name is a DNS-1035 label: a DNS label that starts with a letter.
bool isServiceName(const QString& name)
{
    return isDnsLabel(name) && name.front().isLetter();
}

// Secret keys are [-._a-zA-Z0-9]+; the same names are the variables the container reads.
bool isSecretKey(const QString& name)
{
    static const QRegularExpression pattern(QStringLiteral("^[-._a-zA-Z0-9]+$"));
    return name.size() <= 253 && pattern.match(name).hasMatch();
}

bool hasTagOrDigest(const QString& image)
{
    return image.contains(u'@') || image.section(u'/', -1).contains(u':');
}

// Whole seconds, rounded up: a probe never runs more often or gives up sooner than asked.
int seconds(std::chrono::milliseconds duration, int minimum)
{
    const auto count = (duration.count() + 999) / 1000;
    return std::max(minimum, static_cast<int>(std::min<qint64>(count, 1'000'000)));
}

QString cpuQuantity(const Quantity& cpu)
{
    if (cpu.milli % 1000 == 0)
        return QString::number(cpu.milli / 1000);
    return QString::number(cpu.milli) + u'm';
}

// Bytes, a fraction rounded up as the Docker path does, never below the ask.
QString memoryQuantity(const Quantity& memory)
{
    return QString::number((memory.milli + 999) / 1000);
}

struct ContainerPort
{
    int number = 0;
    QString protocol; // TCP, UDP, SCTP
    QString name;     // "tcp-80": unique within the pod, a valid port name
};

QJsonObject labelsOf(const QString& application, const QString& environment)
{
    return QJsonObject{{key(appkeys::kName), application},
                       {key(appkeys::kManagedBy), QStringLiteral("launchdeck")},
                       {key(appkeys::kEnvironment), environment}};
}

QJsonObject metadata(const QString& name, const QString& nameSpace, const QJsonObject& labels)
{
    QJsonObject object{{QStringLiteral("name"), name}, {QStringLiteral("labels"), labels}};
    if (!nameSpace.isEmpty())
        object.insert(QStringLiteral("namespace"), nameSpace);
    return object;
}

QJsonObject probe(const HealthCheck& check, int port, bool liveness)
{
    QJsonObject object;
    if (!check.httpPath.isEmpty()) {
        object.insert(
            QStringLiteral("httpGet"),
            QJsonObject{{QStringLiteral("path"), check.httpPath}, {QStringLiteral("port"), port}});
    } else {
        QJsonArray command;
        for (const QString& word : check.command)
            command.append(word);
        object.insert(QStringLiteral("exec"), QJsonObject{{QStringLiteral("command"), command}});
    }
    object.insert(QStringLiteral("periodSeconds"), seconds(check.interval, 1));
    object.insert(QStringLiteral("timeoutSeconds"), seconds(check.timeout, 1));
    object.insert(QStringLiteral("failureThreshold"), std::max(1, check.retries));
    // Docker's start period forgives failures while the application starts; a pod that is ready
    // sooner should take traffic sooner, so only the liveness probe waits.
    if (liveness && check.startPeriod.count() > 0)
        object.insert(QStringLiteral("initialDelaySeconds"), seconds(check.startPeriod, 0));
    return object;
}

class Builder final
{
public:
    Builder(const Workspace& workspace, const Application& application,
            const Environment& environment, const QString& nameSpace)
        : m_workspace(workspace)
        , m_app(application)
        , m_env(environment)
        , m_nameSpace(nameSpace)
    {}

    Result<ApplicationObjects> build(const QString& image, int revision);

private:
    Error appError(const QString& message) const
    {
        return Error{u"application '" + m_app.name + u"': " + message,
                     where(m_workspace, m_app.line)};
    }
    std::optional<Error> collectPorts();
    std::optional<Error> addProbes(QJsonObject& container) const;
    QJsonArray envList() const;
    std::optional<Error> addStrategy(QJsonObject& spec) const;

    const Workspace& m_workspace;
    const Application& m_app;
    const Environment& m_env;
    QString m_nameSpace;
    QList<ContainerPort> m_ports;
};

std::optional<Error> Builder::collectPorts()
{
    for (const PortMapping& port : m_app.ports) {
        if (port.containerPort < 1 || port.containerPort > 65535)
            return appError(QStringLiteral("port '%1' has container port %2, not 1 to 65535")
                                .arg(formatPortMapping(port))
                                .arg(port.containerPort));
        const QString protocol = port.protocol.toUpper();
        if (protocol != u"TCP" && protocol != u"UDP" && protocol != u"SCTP")
            return appError(QStringLiteral("port '%1' has protocol '%2', not tcp, udp or sctp")
                                .arg(formatPortMapping(port), port.protocol));
        // "8080:80" and "8081:80" publish one container port twice on a Docker host; the pod
        // exposes it once.
        const bool known = std::any_of(m_ports.cbegin(), m_ports.cend(), [&](const auto& p) {
            return p.number == port.containerPort && p.protocol == protocol;
        });
        if (!known)
            m_ports.append(
                ContainerPort{port.containerPort, protocol,
                              protocol.toLower() + u'-' + QString::number(port.containerPort)});
    }
    return std::nullopt;
}

std::optional<Error> Builder::addProbes(QJsonObject& container) const
{
    const auto& check = m_app.healthCheck;
    if (!check)
        return std::nullopt;
    if (check->httpPath.isEmpty() == check->command.isEmpty())
        return appError(QStringLiteral("health_check needs exactly one of 'http' or 'command'"));
    int port = 0;
    if (!check->httpPath.isEmpty()) {
        port = check->port > 0 ? check->port : (m_ports.isEmpty() ? 0 : m_ports.first().number);
        if (port < 1 || port > 65535)
            return appError(QStringLiteral("health_check asks %1 over HTTP but names no port and "
                                           "the application declares none")
                                .arg(check->httpPath));
    }
    container.insert(QStringLiteral("readinessProbe"), probe(*check, port, false));
    container.insert(QStringLiteral("livenessProbe"), probe(*check, port, true));
    return std::nullopt;
}

// The environment's variables underneath the application's (the application's win), as on a
// Docker host; a secret of the same name wins over both, as its value does there.
QJsonArray Builder::envList() const
{
    QMap<QString, QString> plain;
    for (const auto& [name, value] : m_env.env)
        plain.insert(name, value);
    for (const auto& [name, value] : m_app.env)
        plain.insert(name, value);
    QJsonArray list;
    for (auto it = plain.cbegin(); it != plain.cend(); ++it) {
        if (!m_app.secrets.contains(it.key()))
            list.append(QJsonObject{{QStringLiteral("name"), it.key()},
                                    {QStringLiteral("value"), it.value()}});
    }
    const QString secret = applicationSecretName(m_app.name);
    for (const QString& name : m_app.secrets) {
        const QJsonObject ref{{QStringLiteral("name"), secret}, {QStringLiteral("key"), name}};
        list.append(QJsonObject{
            {QStringLiteral("name"), name},
            {QStringLiteral("valueFrom"), QJsonObject{{QStringLiteral("secretKeyRef"), ref}}}});
    }
    return list;
}

std::optional<Error> Builder::addStrategy(QJsonObject& spec) const
{
    const Result<std::optional<QJsonObject>> strategy =
        deploymentStrategy(m_app.strategy, m_app.strategy.type);
    if (!strategy)
        return appError(strategy.error().message);
    if (*strategy)
        spec.insert(QStringLiteral("strategy"), **strategy);
    return std::nullopt;
}

Result<ApplicationObjects> Builder::build(const QString& image, int revision)
{
    if (!isDnsLabel(m_app.name))
        return appError(QStringLiteral("the name is not a DNS label (lower-case letters, digits "
                                       "and '-', at most 63 characters)"));
    if (m_app.image.isEmpty())
        return appError(QStringLiteral("no image; add 'image:' to it in launchdeck.yaml"));
    static const QRegularExpression space(QStringLiteral("\\s"));
    if (image.isEmpty() || image.contains(space) || !hasTagOrDigest(image))
        return appError(QStringLiteral("image reference '%1' is not repository:tag or "
                                       "repository@digest")
                            .arg(image));
    if (revision < 1)
        return appError(QStringLiteral("revision %1 is not 1 or more").arg(revision));
    if (m_app.replicas < 0)
        return appError(QStringLiteral("replicas %1 is below 0").arg(m_app.replicas));
    for (const QString& name : m_app.secrets) {
        if (!isSecretKey(name))
            return appError(QStringLiteral("secret name '%1' is not a Secret key (letters, "
                                           "digits, '-', '_' and '.')")
                                .arg(name));
    }
    if (const auto error = collectPorts())
        return *error;
    if (!m_ports.isEmpty() && !isServiceName(m_app.name))
        return appError(QStringLiteral("a Service name must start with a letter"));

    const QJsonObject labels = labelsOf(m_app.name, m_env.name);
    const QJsonObject selector{{key(appkeys::kName), m_app.name},
                               {key(appkeys::kEnvironment), m_env.name}};
    const QJsonObject annotations{{key(appkeys::kRevision), QString::number(revision)}};

    QJsonObject container{{QStringLiteral("name"), m_app.name}, {QStringLiteral("image"), image}};
    QJsonArray containerPorts;
    for (const ContainerPort& port : m_ports)
        containerPorts.append(QJsonObject{{QStringLiteral("name"), port.name},
                                          {QStringLiteral("containerPort"), port.number},
                                          {QStringLiteral("protocol"), port.protocol}});
    if (!containerPorts.isEmpty())
        container.insert(QStringLiteral("ports"), containerPorts);
    if (const QJsonArray env = envList(); !env.isEmpty())
        container.insert(QStringLiteral("env"), env);
    if (const auto error = addProbes(container))
        return *error;
    // Docker enforces cpu and memory as limits; asking the same as requests makes the scheduler
    // reserve what the container may use.
    QJsonObject amounts;
    if (m_app.cpu && m_app.cpu->milli > 0)
        amounts.insert(QStringLiteral("cpu"), cpuQuantity(*m_app.cpu));
    if (m_app.memory && m_app.memory->milli > 0)
        amounts.insert(QStringLiteral("memory"), memoryQuantity(*m_app.memory));
    if (!amounts.isEmpty())
        container.insert(QStringLiteral("resources"),
                         QJsonObject{{QStringLiteral("requests"), amounts},
                                     {QStringLiteral("limits"), amounts}});

    // The revision rides on the pod template too, so each ReplicaSet says which revision it
    // runs (what a rollback to a revision looks for).
    QJsonObject spec{
        {QStringLiteral("replicas"), m_app.replicas},
        {QStringLiteral("selector"), QJsonObject{{QStringLiteral("matchLabels"), selector}}},
        {QStringLiteral("template"),
         QJsonObject{{QStringLiteral("metadata"),
                      QJsonObject{{QStringLiteral("labels"), labels},
                                  {QStringLiteral("annotations"), annotations}}},
                     {QStringLiteral("spec"),
                      QJsonObject{{QStringLiteral("containers"), QJsonArray{container}}}}}}};
    if (const auto error = addStrategy(spec))
        return *error;

    QJsonObject deploymentMetadata = metadata(m_app.name, m_nameSpace, labels);
    deploymentMetadata.insert(QStringLiteral("annotations"), annotations);
    ApplicationObjects objects;
    objects.source = where(m_workspace, m_app.line);
    objects.generated = true;
    if (!m_app.secrets.isEmpty()) {
        objects.secretName = applicationSecretName(m_app.name);
        objects.secretKeys = m_app.secrets;
    }
    objects.deployment = QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
                                     {QStringLiteral("kind"), QStringLiteral("Deployment")},
                                     {QStringLiteral("metadata"), deploymentMetadata},
                                     {QStringLiteral("spec"), spec}};
    if (!m_ports.isEmpty()) {
        QJsonArray servicePorts;
        for (const ContainerPort& port : m_ports)
            servicePorts.append(QJsonObject{{QStringLiteral("name"), port.name},
                                            {QStringLiteral("port"), port.number},
                                            {QStringLiteral("targetPort"), port.number},
                                            {QStringLiteral("protocol"), port.protocol}});
        objects.service =
            QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                        {QStringLiteral("kind"), QStringLiteral("Service")},
                        {QStringLiteral("metadata"), metadata(m_app.name, m_nameSpace, labels)},
                        {QStringLiteral("spec"),
                         QJsonObject{{QStringLiteral("type"), QStringLiteral("ClusterIP")},
                                     {QStringLiteral("selector"), selector},
                                     {QStringLiteral("ports"), servicePorts}}}};
    }
    return objects;
}

} // namespace

QJsonObject ApplicationObjects::list() const
{
    QJsonArray items;
    for (const QJsonObject& companion : companions)
        items.append(companion);
    items.append(deployment);
    if (service)
        items.append(*service);
    return QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                       {QStringLiteral("kind"), QStringLiteral("List")},
                       {QStringLiteral("items"), items}};
}

// Recreate and rolling map to the Deployment's own strategies; blue-green and canary are
// Launchdeck's to drive, so their Deployment keeps the default.
Result<std::optional<QJsonObject>> deploymentStrategy(const Strategy& strategy, Strategy::Type type)
{
    if (type == Strategy::Type::Recreate)
        return std::optional(QJsonObject{{QStringLiteral("type"), QStringLiteral("Recreate")}});
    if (type != Strategy::Type::Rolling)
        return std::optional<QJsonObject>();
    if (strategy.maxSurge == 0 && strategy.maxUnavailable == 0)
        return Error{QStringLiteral("a rolling strategy needs max_surge or max_unavailable "
                                    "above 0"),
                     QString()};
    return std::optional(
        QJsonObject{{QStringLiteral("type"), QStringLiteral("RollingUpdate")},
                    {QStringLiteral("rollingUpdate"),
                     QJsonObject{{QStringLiteral("maxSurge"), strategy.maxSurge},
                                 {QStringLiteral("maxUnavailable"), strategy.maxUnavailable}}}});
}

QString applicationSecretName(const QString& application)
{
    return application + u"-secrets";
}

Result<ApplicationObjects> applicationObjects(const Workspace& workspace,
                                              const QString& application,
                                              const QString& environment, const QString& image,
                                              int revision)
{
    const Application* app = workspace.application(application);
    if (!app)
        return Error{QStringLiteral("no application '%1' in the workspace").arg(application),
                     where(workspace, 0)};
    const Environment* env = workspace.environment(environment);
    if (!env)
        return Error{QStringLiteral("no environment '%1' in the workspace").arg(environment),
                     where(workspace, 0)};
    const auto fail = [&](const QString& message) {
        return Error{u"environment '" + env->name + u"': " + message, where(workspace, env->line)};
    };
    if (!isDnsLabel(env->name))
        return fail(QStringLiteral("the name is not a DNS label, so it cannot be a label value"));
    const Target* target = workspace.target(env->target);
    if (!target)
        return fail(QStringLiteral("its target '%1' is not defined").arg(env->target));
    if (target->type != Target::Type::Kubernetes)
        return fail(QStringLiteral("its target '%1' is a Docker host, not a Kubernetes cluster")
                        .arg(target->name));
    if (!target->nameSpace.isEmpty() && !isDnsLabel(target->nameSpace))
        return fail(QStringLiteral("namespace '%1' of target '%2' is not a DNS label")
                        .arg(target->nameSpace, target->name));
    return Builder(workspace, *app, *env, target->nameSpace).build(image, revision);
}

} // namespace launchdeck::kube
