// The container plan of a revision: its stored configuration, Docker names, labels and create
// specs, and the line diff the console shows before a deployment.
#include "deploy/containerplan.h"

#include <QJsonArray>
#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace launchdeck::deploy {

namespace {

const QString kWhere = QStringLiteral("revision config");

Error fieldError(const QString& field, const QString& problem)
{
    return Error{QStringLiteral("field '%1' %2").arg(field, problem), kWhere};
}

QString labelKey(const char16_t* key)
{
    return QStringView(key).toString();
}

// Whole JSON numbers only: a fractional or out-of-range value is a mistyped field, not a value
// to round.
std::optional<qint64> wholeNumber(const QJsonValue& value, qint64 min, qint64 max)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number) || std::trunc(number) != number || number < double(min) ||
        number > double(max))
        return std::nullopt;
    return value.toInteger();
}

// Reads the optional fields of one JSON object, keeping the first problem it meets.
class FieldReader final
{
public:
    FieldReader(const QJsonObject& object, QString prefix)
        : m_object(object)
        , m_prefix(std::move(prefix))
    {}

    const std::optional<Error>& error() const { return m_error; }

    void string(const char* key, QString& out, bool required = false)
    {
        const QJsonValue value = take(key, required);
        if (value.isUndefined())
            return;
        if (!value.isString())
            return fail(key, QStringLiteral("must be a string"));
        out = value.toString();
    }

    template <typename Int>
    void integer(const char* key, Int& out, qint64 min = 0,
                 qint64 max = std::numeric_limits<Int>::max())
    {
        const QJsonValue value = take(key);
        if (value.isUndefined())
            return;
        const auto number = wholeNumber(value, min, max);
        if (!number)
            return fail(key,
                        QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
        out = static_cast<Int>(*number);
    }

    void number(const char* key, double& out)
    {
        const QJsonValue value = take(key);
        if (value.isUndefined())
            return;
        if (!value.isDouble() || value.toDouble() < 0)
            return fail(key, QStringLiteral("must be a number of at least 0"));
        out = value.toDouble();
    }

    void stringList(const char* key, QStringList& out)
    {
        const QJsonValue value = take(key);
        if (value.isUndefined())
            return;
        if (!value.isArray())
            return fail(key, QStringLiteral("must be a list of strings"));
        QStringList list;
        for (const QJsonValue& item : value.toArray()) {
            if (!item.isString())
                return fail(key, QStringLiteral("must be a list of strings"));
            list.append(item.toString());
        }
        out = list;
    }

    void stringMap(const char* key, QMap<QString, QString>& out)
    {
        const QJsonValue value = take(key);
        if (value.isUndefined())
            return;
        if (!value.isObject())
            return fail(key, QStringLiteral("must be an object of strings"));
        QMap<QString, QString> map;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!it.value().isString())
                return fail(key, QStringLiteral("must be an object of strings"));
            map.insert(it.key(), it.value().toString());
        }
        out = map;
    }

    // The value at `key` for a nested reader; undefined when absent or after an error.
    QJsonValue take(const char* key, bool required = false)
    {
        if (m_error)
            return QJsonValue(QJsonValue::Undefined);
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined() && required)
            fail(key, QStringLiteral("is missing"));
        return value;
    }

    void fail(const char* key, const QString& problem)
    {
        if (!m_error)
            m_error = fieldError(m_prefix + QLatin1String(key), problem);
    }

    void adopt(const std::optional<Error>& nested)
    {
        if (!m_error && nested)
            m_error = nested;
    }

private:
    QJsonObject m_object;
    QString m_prefix;
    std::optional<Error> m_error;
};

QJsonArray stringArray(const QStringList& list)
{
    QJsonArray array;
    for (const QString& item : list)
        array.append(item);
    return array;
}

// Docker names: [a-zA-Z0-9][a-zA-Z0-9_.-]+.
QString dockerName(const QString& text)
{
    QString name;
    name.reserve(text.size());
    for (const QChar c : text) {
        const bool allowed = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
                             (c >= u'0' && c <= u'9') || c == u'_' || c == u'.' || c == u'-';
        name.append(allowed ? c : QChar(u'-'));
    }
    while (!name.isEmpty() &&
           (name.front() == u'_' || name.front() == u'.' || name.front() == u'-'))
        name.remove(0, 1);
    return name;
}

// A path with '&', ';', spaces or quotes would otherwise be read by the shell, not by wget.
QString shellWord(const QString& text)
{
    const bool plain = std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ||
               QStringView(u"/._~-=%:@,+").contains(c);
    });
    if (plain)
        return text;
    QString quoted = text;
    return u'\'' + quoted.replace(u'\'', QStringLiteral("'\\''")) + u'\'';
}

QString formatBytes(qint64 bytes)
{
    if (bytes <= 0)
        return QStringLiteral("unlimited");
    const std::pair<qint64, const char16_t*> units[] = {{qint64(1) << 40, u"Ti"},
                                                        {qint64(1) << 30, u"Gi"},
                                                        {qint64(1) << 20, u"Mi"},
                                                        {qint64(1) << 10, u"Ki"}};
    for (const auto& [size, suffix] : units) {
        if (bytes % size == 0)
            return QString::number(bytes / size) + QStringView(suffix);
    }
    return QString::number(bytes) + u" bytes";
}

QString describePorts(const QList<DockerPortMapping>& ports)
{
    if (ports.isEmpty())
        return QStringLiteral("none");
    QStringList parts;
    for (const DockerPortMapping& port : ports)
        parts.append(QString::number(port.containerPort) + u'/' + port.protocol);
    return parts.join(QStringLiteral(", "));
}

QString describeHealth(const RevisionConfig& config)
{
    QStringList parts;
    if (!config.healthPath.isEmpty())
        parts.append(u"GET :" + QString::number(config.healthPort) + config.healthPath);
    if (const auto& check = config.healthcheck) {
        // The HTTP check's shell line only repeats the path above.
        if (config.healthPath.isEmpty())
            parts.append(u"command '" + check->test.mid(1).join(u' ') + u'\'');
        using std::chrono::milliseconds;
        parts.append(u"every " + formatDuration(milliseconds(check->intervalMs)));
        parts.append(u"timeout " + formatDuration(milliseconds(check->timeoutMs)));
        parts.append(u"start period " + formatDuration(milliseconds(check->startPeriodMs)));
        parts.append(QString::number(check->retries) + u" retries");
    }
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

// A value on one diff line: a newline inside it would read as a line of its own.
QString oneLine(QString text)
{
    return text.replace(u'\\', QStringLiteral("\\\\")).replace(u'\n', QStringLiteral("\\n"));
}

// Lines of a keyed field (env, secrets): `key -> line`, compared key by key in key order.
void diffKeyed(const QMap<QString, QString>& from, const QMap<QString, QString>& to,
               QStringList& out)
{
    QStringList keys = from.keys() + to.keys();
    keys.sort();
    keys.removeDuplicates();
    for (const QString& key : keys) {
        const auto before = from.constFind(key);
        const auto after = to.constFind(key);
        if (before != from.cend() && after != to.cend() && *before == *after) {
            out.append(u"  " + *after);
            continue;
        }
        if (before != from.cend())
            out.append(u"- " + *before);
        if (after != to.cend())
            out.append(u"+ " + *after);
    }
}

void diffSingle(const std::optional<QString>& from, const QString& to, QStringList& out)
{
    if (from && *from == to) {
        out.append(u"  " + to);
        return;
    }
    if (from)
        out.append(u"- " + *from);
    out.append(u"+ " + to);
}

QMap<QString, QString> envLines(const RevisionConfig& config)
{
    QMap<QString, QString> lines;
    for (auto it = config.env.begin(); it != config.env.end(); ++it)
        lines.insert(it.key(), oneLine(u"env " + it.key() + u'=' + it.value()));
    return lines;
}

QMap<QString, QString> secretLines(const RevisionConfig& config)
{
    QMap<QString, QString> lines;
    for (const QString& name : config.secretNames)
        lines.insert(name, oneLine(u"secret " + name));
    return lines;
}

} // namespace

QJsonObject RevisionConfig::toJson() const
{
    QJsonObject envObject;
    for (auto it = env.begin(); it != env.end(); ++it)
        envObject.insert(it.key(), it.value());
    QJsonArray portArray;
    for (const DockerPortMapping& port : ports)
        portArray.append(QJsonObject{{QLatin1String("container"), port.containerPort},
                                     {QLatin1String("protocol"), port.protocol}});
    QJsonObject object{
        {QLatin1String("image"), image},
        {QLatin1String("env"), envObject},
        {QLatin1String("secrets"), stringArray(secretNames)},
        {QLatin1String("ports"), portArray},
        {QLatin1String("health_path"), healthPath},
        {QLatin1String("health_port"), healthPort},
        {QLatin1String("memory_bytes"), memoryBytes},
        {QLatin1String("cpus"), cpus},
        {QLatin1String("replicas"), replicas},
        {QLatin1String("network"), network},
    };
    if (!imageDigest.isEmpty())
        object.insert(QLatin1String("image_digest"), imageDigest);
    if (healthcheck) {
        object.insert(QLatin1String("healthcheck"),
                      QJsonObject{
                          {QLatin1String("test"), stringArray(healthcheck->test)},
                          {QLatin1String("interval_ms"), healthcheck->intervalMs},
                          {QLatin1String("timeout_ms"), healthcheck->timeoutMs},
                          {QLatin1String("start_period_ms"), healthcheck->startPeriodMs},
                          {QLatin1String("retries"), healthcheck->retries},
                      });
    }
    return object;
}

Result<RevisionConfig> RevisionConfig::fromJson(const QJsonObject& object)
{
    // JSON numbers are doubles: larger whole numbers would not come back exactly.
    constexpr qint64 maxExact = qint64(1) << 53;
    RevisionConfig config;
    FieldReader reader(object, QString());
    reader.string("image", config.image, true);
    reader.stringMap("env", config.env);
    reader.stringList("secrets", config.secretNames);

    if (const QJsonValue ports = reader.take("ports"); !ports.isUndefined()) {
        if (!ports.isArray())
            reader.fail("ports", QStringLiteral("must be a list"));
        const QJsonArray array = ports.toArray();
        for (qsizetype i = 0; i < array.size() && !reader.error(); ++i) {
            const QString prefix = QStringLiteral("ports[%1].").arg(i);
            if (!array.at(i).isObject()) {
                reader.adopt(fieldError(prefix.chopped(1), QStringLiteral("must be an object")));
                break;
            }
            FieldReader portReader(array.at(i).toObject(), prefix);
            DockerPortMapping port;
            if (portReader.take("container", true).isUndefined()) {
                reader.adopt(portReader.error());
                break;
            }
            portReader.integer("container", port.containerPort, 1, 65535);
            portReader.string("protocol", port.protocol);
            reader.adopt(portReader.error());
            config.ports.append(port);
        }
    }

    if (const QJsonValue check = reader.take("healthcheck");
        !check.isUndefined() && !check.isNull()) {
        if (!check.isObject()) {
            reader.fail("healthcheck", QStringLiteral("must be an object"));
        } else {
            FieldReader checkReader(check.toObject(), QStringLiteral("healthcheck."));
            DockerHealthcheck healthcheck;
            checkReader.stringList("test", healthcheck.test);
            checkReader.integer("interval_ms", healthcheck.intervalMs, 0, maxExact);
            checkReader.integer("timeout_ms", healthcheck.timeoutMs, 0, maxExact);
            checkReader.integer("start_period_ms", healthcheck.startPeriodMs, 0, maxExact);
            checkReader.integer("retries", healthcheck.retries);
            reader.adopt(checkReader.error());
            config.healthcheck = healthcheck;
        }
    }

    reader.string("health_path", config.healthPath);
    reader.integer("health_port", config.healthPort, 0, 65535);
    reader.integer("memory_bytes", config.memoryBytes, 0, maxExact);
    reader.number("cpus", config.cpus);
    reader.integer("replicas", config.replicas);
    reader.string("network", config.network);
    reader.string("image_digest", config.imageDigest);
    if (reader.error())
        return *reader.error();
    return config;
}

QString environmentNetwork(const QString& environment)
{
    return dockerName(u"launchdeck-" + environment);
}

RevisionConfig revisionConfigFor(const Application& application, const Environment& environment,
                                 const QString& image)
{
    RevisionConfig config;
    config.image = image;
    for (const auto& [name, value] : environment.env)
        config.env.insert(name, value);
    for (const auto& [name, value] : application.env)
        config.env.insert(name, value);
    config.secretNames = application.secrets;

    // "8080:80" and "8081:80" publish one container port twice; the container exposes it once.
    for (const PortMapping& port : application.ports) {
        const bool known = std::any_of(config.ports.cbegin(), config.ports.cend(),
                                       [&](const DockerPortMapping& existing) {
                                           return existing.containerPort == port.containerPort &&
                                                  existing.protocol == port.protocol;
                                       });
        if (!known)
            config.ports.append(DockerPortMapping{port.containerPort, port.protocol, {}, 0, false});
    }
    // The first port carries the traffic even when the health check is a command.
    config.healthPort = config.ports.isEmpty() ? 0 : config.ports.first().containerPort;

    if (const auto& check = application.healthCheck) {
        DockerHealthcheck docker;
        docker.intervalMs = check->interval.count();
        docker.timeoutMs = check->timeout.count();
        docker.startPeriodMs = check->startPeriod.count();
        docker.retries = check->retries;
        if (!check->httpPath.isEmpty()) {
            config.healthPath = check->httpPath;
            if (check->port > 0)
                config.healthPort = check->port;
            // Without any port there is nothing inside the container to ask.
            if (config.healthPort > 0) {
                const QString url =
                    u"http://127.0.0.1:" + QString::number(config.healthPort) + check->httpPath;
                docker.test =
                    QStringList{QStringLiteral("CMD-SHELL"),
                                u"wget -q -O /dev/null " + shellWord(url) + u" || exit 1"};
                config.healthcheck = docker;
            }
        } else if (!check->command.isEmpty()) {
            docker.test = QStringList{QStringLiteral("CMD")} + check->command;
            config.healthcheck = docker;
        }
    }

    // Quantities are thousandths of a byte; a fraction of a byte rounds up, never below the ask.
    if (application.memory && application.memory->milli > 0)
        config.memoryBytes = (application.memory->milli + 999) / 1000;
    if (application.cpu && application.cpu->milli > 0)
        config.cpus = application.cpu->value();
    config.replicas = application.replicas;
    config.network = environmentNetwork(environment.name);
    return config;
}

QString containerName(const ContainerIdentity& identity)
{
    // Concatenated, not arg()'d: a name holding "%1" must come out as written.
    return dockerName(identity.application + u'-' + identity.environment + u"-r" +
                      QString::number(identity.revision) + u'-' + identity.group +
                      QString::number(identity.replica));
}

QMap<QString, QString> identityLabels(const ContainerIdentity& identity)
{
    return {
        {labelKey(labels::kApplication), identity.application},
        {labelKey(labels::kEnvironment), identity.environment},
        {labelKey(labels::kRevision), QString::number(identity.revision)},
        {labelKey(labels::kDeployment), identity.deploymentId},
        {labelKey(labels::kGroup), identity.group},
        {labelKey(labels::kReplica), QString::number(identity.replica)},
    };
}

std::optional<ContainerIdentity> identityFromLabels(const QMap<QString, QString>& labelMap)
{
    for (const char16_t* key : {labels::kApplication, labels::kEnvironment, labels::kRevision,
                                labels::kDeployment, labels::kGroup, labels::kReplica}) {
        if (!labelMap.contains(labelKey(key)))
            return std::nullopt;
    }
    ContainerIdentity identity;
    identity.application = labelMap.value(labelKey(labels::kApplication));
    identity.environment = labelMap.value(labelKey(labels::kEnvironment));
    identity.deploymentId = labelMap.value(labelKey(labels::kDeployment));
    identity.group = labelMap.value(labelKey(labels::kGroup));
    bool revisionOk = false;
    bool replicaOk = false;
    identity.revision = labelMap.value(labelKey(labels::kRevision)).toInt(&revisionOk);
    identity.replica = labelMap.value(labelKey(labels::kReplica)).toInt(&replicaOk);
    if (!revisionOk || !replicaOk)
        return std::nullopt;
    return identity;
}

QJsonObject pairFilter(const QString& application, const QString& environment)
{
    return QJsonObject{
        {QLatin1String("label"),
         QJsonArray{QString(labelKey(labels::kApplication) + u'=' + application),
                    QString(labelKey(labels::kEnvironment) + u'=' + environment)}},
    };
}

DockerContainerSpec containerSpec(const RevisionConfig& config, const ContainerIdentity& identity,
                                  const QMap<QString, QString>& secretValues,
                                  bool publishToLoopback, const QMap<int, int>& declaredHostPorts)
{
    DockerContainerSpec spec;
    spec.name = containerName(identity);
    spec.image = config.image;
    spec.env = config.env;
    for (const QString& name : config.secretNames) {
        if (const auto it = secretValues.constFind(name); it != secretValues.cend())
            spec.env.insert(name, *it);
    }
    spec.labels = identityLabels(identity);
    for (const DockerPortMapping& port : config.ports) {
        DockerPortMapping mapping{port.containerPort, port.protocol, {}, 0, false};
        if (publishToLoopback) {
            mapping.hostIp = QStringLiteral("127.0.0.1");
            mapping.publish = true;
        } else {
            mapping.hostPort = declaredHostPorts.value(port.containerPort, 0);
        }
        spec.ports.append(mapping);
    }
    spec.healthcheck = config.healthcheck;
    spec.memoryBytes = config.memoryBytes;
    spec.cpus = config.cpus;
    spec.restartPolicy = QStringLiteral("unless-stopped");
    spec.networkMode = config.network;
    return spec;
}

QStringList configDiff(const std::optional<RevisionConfig>& from, const RevisionConfig& to,
                       DiffNetwork showNetwork)
{
    const auto single = [&](auto describe) -> std::optional<QString> {
        if (!from)
            return std::nullopt;
        return describe(*from);
    };
    QStringList lines;
    const auto image = [](const RevisionConfig& c) -> QString {
        return oneLine(u"image: " + c.image);
    };
    const auto replicas = [](const RevisionConfig& c) -> QString {
        return u"replicas: " + QString::number(c.replicas);
    };
    const auto ports = [](const RevisionConfig& c) -> QString {
        return u"ports: " + describePorts(c.ports);
    };
    const auto health = [](const RevisionConfig& c) -> QString {
        return oneLine(u"health: " + describeHealth(c));
    };
    const auto memory = [](const RevisionConfig& c) -> QString {
        return u"memory: " + formatBytes(c.memoryBytes);
    };
    const auto cpus = [](const RevisionConfig& c) -> QString {
        return u"cpus: " + (c.cpus > 0 ? QString::number(c.cpus) : QStringLiteral("unlimited"));
    };
    const auto network = [](const RevisionConfig& c) -> QString {
        return oneLine(u"network: " +
                       (c.network.isEmpty() ? QStringLiteral("default") : c.network));
    };

    diffSingle(single(image), image(to), lines);
    diffSingle(single(replicas), replicas(to), lines);
    diffSingle(single(ports), ports(to), lines);
    diffKeyed(from ? envLines(*from) : QMap<QString, QString>(), envLines(to), lines);
    diffKeyed(from ? secretLines(*from) : QMap<QString, QString>(), secretLines(to), lines);
    diffSingle(single(health), health(to), lines);
    diffSingle(single(memory), memory(to), lines);
    diffSingle(single(cpus), cpus(to), lines);
    if (showNetwork == DiffNetwork::Shown)
        diffSingle(single(network), network(to), lines);
    return lines;
}

} // namespace launchdeck::deploy
