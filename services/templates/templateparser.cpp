// Reading a template file strictly: every key known, every name and reference checked, every
// problem at its line and column.
#include "core/units.h"
#include "core/yamlmapreader.h"
#include "templates/template.h"
#include "templates/templatechecks.h"
#include "templates/templateresolver.h"
#include "templates/templatetext.h"

#include <QHash>
#include <QSet>

namespace launchdeck::templates {

namespace {

const QStringList resourceTypeNames = {
    QStringLiteral("compute"), QStringLiteral("database"),      QStringLiteral("storage"),
    QStringLiteral("network"), QStringLiteral("load_balancer"), QStringLiteral("monitoring")};
const QStringList variableTypeNames = {QStringLiteral("string"), QStringLiteral("integer"),
                                       QStringLiteral("boolean"), QStringLiteral("quantity"),
                                       QStringLiteral("duration")};

class Parser
{
public:
    Parser(const YamlFile& file, Diagnostics& out)
        : m_path(file.path)
        , m_file(file)
        , m_out(out)
    {}

    std::optional<InfraTemplate> parse()
    {
        const qsizetype before = m_out.size();
        const YAML::Node root =
            m_file.documents.isEmpty() ? YAML::Node() : m_file.documents.first().root;
        if (m_file.documents.size() > 1) {
            m_out.append(diagnosticAt(m_path, m_file.documents[1].root, Severity::High,
                                      QStringLiteral("multiple-documents"),
                                      QStringLiteral("a template is one YAML document; this "
                                                     "file has %1")
                                          .arg(m_file.documents.size())));
        }
        InfraTemplate tmpl;
        tmpl.path = m_path;
        YamlMapReader reader(root, m_path, QStringLiteral("the template"), m_out);
        if (!reader.isMap())
            return std::nullopt;
        const YAML::Node nameNode = reader.node()["name"];
        tmpl.name = reader.string("name", true).value_or(QString());
        if (!tmpl.name.isEmpty() && !isDnsLabel(tmpl.name))
            nameError(nameNode, QStringLiteral("template"), tmpl.name);
        tmpl.version = reader.string("version", true).value_or(QString());
        const auto provider = reader.oneOf(
            "provider", {QStringLiteral("docker_compose"), QStringLiteral("kubernetes")}, true);
        tmpl.provider =
            provider == u"docker_compose" ? Provider::DockerCompose : Provider::Kubernetes;
        tmpl.environment = reader.string("environment").value_or(QString());
        tmpl.description = reader.string("description").value_or(QString());
        readVariables(reader.take("variables"), tmpl);
        readResources(reader.require("resources"), tmpl);
        readOutputs(reader.take("outputs"), tmpl);
        reader.finish();

        checkTemplateReferences(tmpl, m_out);
        checkDependencyCycles(tmpl, m_out);
        // Substituting with the defaults checks types and references of every value now,
        // rather than at the first render.
        QSet<QString> used;
        (void)resolveTemplate(tmpl, {}, ResolveMode::Check, m_out, &used);
        for (const Variable& variable : std::as_const(tmpl.variables)) {
            if (!used.contains(variable.name)) {
                m_out.append({m_path, variable.line, variable.column, Severity::Low,
                              QStringLiteral("unused-variable"),
                              QStringLiteral("variable '%1' is declared but never used")
                                  .arg(variable.name)});
            }
        }
        for (qsizetype i = before; i < m_out.size(); ++i) {
            if (isError(m_out[i].severity))
                return std::nullopt;
        }
        return tmpl;
    }

private:
    void error(const YAML::Node& at, const QString& rule, const QString& message)
    {
        m_out.append(diagnosticAt(m_path, at, Severity::High, rule, message));
    }

    void errorAt(const Value& at, const QString& rule, const QString& message)
    {
        m_out.append({m_path, at.line, at.column, Severity::High, rule, message});
    }

    void nameError(const YAML::Node& at, const QString& what, const QString& name)
    {
        error(at, QStringLiteral("bad-name"),
              QStringLiteral("%1 name '%2' must be a DNS label: lower-case letters, digits and "
                             "'-', at most 63 characters")
                  .arg(what, name));
    }

    Value value(const YAML::Node& node, const QString& what)
    {
        if (!node.IsDefined())
            return {};
        if (!node.IsScalar()) {
            error(node, QStringLiteral("wrong-type"),
                  QStringLiteral("%1 must be a single value, not a %2")
                      .arg(what, yamlKindName(node)));
            return {};
        }
        return {yamlText(node), yamlLine(node), yamlColumn(node), node.Tag() == "!"};
    }

    QList<Value> values(const YAML::Node& node, const QString& what)
    {
        QList<Value> list;
        if (!node.IsDefined())
            return list;
        if (!node.IsSequence()) {
            error(node, QStringLiteral("wrong-type"),
                  QStringLiteral("%1 must be a list, not a %2").arg(what, yamlKindName(node)));
            return list;
        }
        for (const YAML::Node& item : node) {
            if (const Value v = value(item, QStringLiteral("an item of ") + what); v.present())
                list.append(v);
        }
        return list;
    }

    ValueMap valueMap(const YAML::Node& node, const QString& what)
    {
        ValueMap map;
        if (!node.IsDefined())
            return map;
        if (!node.IsMap()) {
            error(node, QStringLiteral("wrong-type"),
                  QStringLiteral("%1 must be a mapping, not a %2").arg(what, yamlKindName(node)));
            return map;
        }
        for (const auto& entry : node) {
            const QString key = yamlText(entry.first);
            if (const Value v = value(entry.second, QStringLiteral("'%1' of %2").arg(key, what));
                v.present())
                map.append({key, v});
        }
        return map;
    }

    void readVariables(const YAML::Node& node, InfraTemplate& tmpl)
    {
        if (!node.IsDefined())
            return;
        if (!node.IsMap()) {
            error(node, QStringLiteral("wrong-type"),
                  QStringLiteral("'variables' must be a mapping of names to declarations"));
            return;
        }
        for (const auto& entry : node) {
            Variable variable;
            variable.name = yamlText(entry.first);
            variable.line = yamlLine(entry.first);
            variable.column = yamlColumn(entry.first);
            if (!isVariableName(variable.name)) {
                error(entry.first, QStringLiteral("bad-name"),
                      QStringLiteral("variable name '%1' must be lower-case letters, digits and "
                                     "'_', not starting with a digit")
                          .arg(variable.name));
            }
            const QString what = QStringLiteral("variable '%1'").arg(variable.name);
            if (entry.second.IsScalar()) {
                variable.defaultValue = value(entry.second, what);
            } else {
                YamlMapReader reader(entry.second, m_path, what, m_out);
                if (const YAML::Node d = reader.take("default"); d.IsDefined())
                    variable.defaultValue = value(d, QStringLiteral("the default of ") + what);
                const auto type = reader.oneOf("type", variableTypeNames);
                variable.type = static_cast<VariableType>(
                    std::max<qsizetype>(0, variableTypeNames.indexOf(type.value_or(QString()))));
                variable.description = reader.string("description").value_or(QString());
                variable.secret = reader.boolean("secret").value_or(false);
                reader.finish();
                if (variable.secret && variable.defaultValue) {
                    errorAt(*variable.defaultValue, QStringLiteral("secret-default"),
                            QStringLiteral("secret variable '%1' cannot have a default: its value "
                                           "comes from the deployment's environment")
                                .arg(variable.name));
                }
            }
            if (variable.defaultValue && variable.defaultValue->present()) {
                if (parseText(variable.defaultValue->text).pieces.size() > 1 ||
                    variable.defaultValue->text.contains(QStringLiteral("${"))) {
                    errorAt(*variable.defaultValue, QStringLiteral("bad-interpolation"),
                            QStringLiteral("the default of variable '%1' cannot refer to other "
                                           "variables")
                                .arg(variable.name));
                }
                checkVariableType(variable);
            }
            if (tmpl.variable(variable.name)) {
                error(entry.first, QStringLiteral("duplicate-variable"),
                      QStringLiteral("variable '%1' is declared twice").arg(variable.name));
                continue;
            }
            tmpl.variables.append(variable);
        }
    }

    void checkVariableType(const Variable& variable)
    {
        const QString& text = variable.defaultValue->text;
        bool ok = true;
        switch (variable.type) {
        case VariableType::String:
            break;
        case VariableType::Integer:
            text.toLongLong(&ok);
            break;
        case VariableType::Boolean:
            ok = text == u"true" || text == u"false";
            break;
        case VariableType::Quantity:
            ok = parseQuantity(text).has_value();
            break;
        case VariableType::Duration:
            ok = parseDuration(text).has_value();
            break;
        }
        if (!ok) {
            errorAt(*variable.defaultValue, QStringLiteral("wrong-type"),
                    QStringLiteral("the default of variable '%1' is not of type %2: '%3'")
                        .arg(variable.name, variableTypeName(variable.type), text));
        }
    }

    void readResources(const YAML::Node& node, InfraTemplate& tmpl)
    {
        if (!node.IsDefined())
            return;
        if (!node.IsSequence()) {
            error(node, QStringLiteral("wrong-type"),
                  QStringLiteral("'resources' must be a list, not a %1").arg(yamlKindName(node)));
            return;
        }
        QHash<QString, int> seen;
        int index = 0;
        for (const YAML::Node& item : node) {
            ++index;
            YamlMapReader reader(item, m_path, QStringLiteral("resource %1").arg(index), m_out);
            if (!reader.isMap())
                continue;
            Resource resource;
            resource.line = yamlLine(item);
            resource.column = yamlColumn(item);
            const YAML::Node nameNode = reader.node()["name"];
            resource.name = reader.string("name", true).value_or(QString());
            if (!resource.name.isEmpty() && !isDnsLabel(resource.name))
                nameError(nameNode, QStringLiteral("resource"), resource.name);
            const QString what = QStringLiteral("resource '%1'").arg(resource.name);
            const auto type = reader.oneOf("type", resourceTypeNames, true);
            resource.type = static_cast<ResourceType>(
                std::max<qsizetype>(0, resourceTypeNames.indexOf(type.value_or(QString()))));
            resource.dependencies = values(reader.take("dependencies"), what + u" dependencies");
            resource.tags = valueMap(reader.take("tags"), what + u" tags");
            const YAML::Node configuration = resource.type == ResourceType::Network
                                                 ? reader.take("configuration")
                                                 : reader.require("configuration");
            reader.finish();
            if (type && configuration.IsDefined())
                readConfiguration(configuration, resource, *type);
            if (resource.name.isEmpty())
                continue;
            if (const auto it = seen.constFind(resource.name); it != seen.constEnd()) {
                error(nameNode, QStringLiteral("duplicate-resource"),
                      QStringLiteral("resource name '%1' is used twice (first at line %2)")
                          .arg(resource.name)
                          .arg(*it));
                continue;
            }
            seen.insert(resource.name, yamlLine(nameNode));
            tmpl.resources.append(resource);
        }
    }

    // Reads a key into `target` and remembers scalars for ${resources.name.key}.
    void scalar(YamlMapReader& reader, const char* key, Value& target, Resource& resource,
                bool required = false)
    {
        const YAML::Node node = required ? reader.require(key) : reader.take(key);
        target = value(
            node, QStringLiteral("'%1' of resource '%2'").arg(QLatin1String(key), resource.name));
        if (target.present())
            resource.scalars.insert(QLatin1String(key), target);
    }

    QList<Value> list(YamlMapReader& reader, const char* key, const Resource& resource)
    {
        return values(
            reader.take(key),
            QStringLiteral("'%1' of resource '%2'").arg(QLatin1String(key), resource.name));
    }

    void readConfiguration(const YAML::Node& node, Resource& r, const QString& type)
    {
        YamlMapReader reader(
            node, m_path, QStringLiteral("the configuration of %1 '%2'").arg(type, r.name), m_out);
        if (!reader.isMap())
            return;
        switch (r.type) {
        case ResourceType::Compute:
        case ResourceType::Database: {
            const bool database = r.type == ResourceType::Database;
            scalar(reader, "image", r.image, r, true);
            scalar(reader, "replicas", r.replicas, r);
            scalar(reader, "user", r.user, r);
            scalar(reader, "cpu", r.cpu, r);
            scalar(reader, "memory", r.memory, r);
            scalar(reader, "cpu_limit", r.cpuLimit, r);
            scalar(reader, "memory_limit", r.memoryLimit, r);
            r.command = list(reader, "command", r);
            r.args = list(reader, "args", r);
            r.networks = list(reader, "networks", r);
            r.writablePaths = list(reader, "writable_paths", r);
            r.env =
                valueMap(reader.take("env"), QStringLiteral("'env' of resource '%1'").arg(r.name));
            if (const YAML::Node health = reader.take("health_check"); health.IsDefined())
                r.healthCheck = readHealth(health, r);
            if (database) {
                scalar(reader, "port", r.port, r, true);
                scalar(reader, "storage", r.storage, r);
                scalar(reader, "data_path", r.dataPath, r);
            } else {
                r.ports = list(reader, "ports", r);
                readMounts(reader.take("volumes"), r);
            }
            break;
        }
        case ResourceType::Storage:
            scalar(reader, "size", r.size, r, true);
            scalar(reader, "access_mode", r.accessMode, r);
            scalar(reader, "storage_class", r.storageClass, r);
            break;
        case ResourceType::Network:
            scalar(reader, "internal", r.internal, r);
            break;
        case ResourceType::LoadBalancer:
            scalar(reader, "host", r.host, r);
            scalar(reader, "tls_secret", r.tlsSecret, r);
            scalar(reader, "class", r.ingressClass, r);
            readRoutes(reader.require("routes"), r);
            break;
        case ResourceType::Monitoring:
            r.scrape = list(reader, "scrape", r);
            if (r.scrape.isEmpty())
                reader.require("scrape");
            scalar(reader, "path", r.metricsPath, r);
            scalar(reader, "port", r.metricsPort, r);
            scalar(reader, "interval", r.interval, r);
            break;
        }
        reader.finish();
    }

    HealthCheck readHealth(const YAML::Node& node, const Resource& r)
    {
        HealthCheck check;
        check.line = yamlLine(node);
        YamlMapReader reader(node, m_path, QStringLiteral("the health_check of '%1'").arg(r.name),
                             m_out);
        const QString what = QStringLiteral("health_check of '%1'").arg(r.name);
        check.http = value(reader.take("http"), what);
        check.tcp = value(reader.take("tcp"), what);
        check.command = values(reader.take("command"), what);
        check.port = value(reader.take("port"), what);
        check.interval = value(reader.take("interval"), what);
        check.timeout = value(reader.take("timeout"), what);
        check.retries = value(reader.take("retries"), what);
        check.initialDelay = value(reader.take("initial_delay"), what);
        reader.finish();
        const int kinds =
            int(check.http.present()) + int(check.tcp.present()) + int(!check.command.isEmpty());
        if (reader.isMap() && kinds != 1) {
            error(node, QStringLiteral("bad-health-check"),
                  QStringLiteral("the health_check of '%1' needs exactly one of http, tcp or "
                                 "command")
                      .arg(r.name));
        }
        if (check.port.present() && !check.http.present()) {
            errorAt(check.port, QStringLiteral("bad-health-check"),
                    QStringLiteral("'port' of a health_check goes with 'http'"));
        }
        return check;
    }

    void readMounts(const YAML::Node& node, Resource& r)
    {
        if (!node.IsDefined())
            return;
        if (!node.IsSequence()) {
            error(node, QStringLiteral("wrong-type"),
                  QStringLiteral("'volumes' of resource '%1' must be a list").arg(r.name));
            return;
        }
        for (const YAML::Node& item : node) {
            YamlMapReader reader(item, m_path, QStringLiteral("a volume of '%1'").arg(r.name),
                                 m_out);
            Mount mount;
            mount.line = yamlLine(item);
            mount.storage = value(reader.require("storage"), QStringLiteral("storage"));
            mount.path = value(reader.require("path"), QStringLiteral("path"));
            mount.readOnly = value(reader.take("read_only"), QStringLiteral("read_only"));
            reader.finish();
            r.mounts.append(mount);
        }
    }

    void readRoutes(const YAML::Node& node, Resource& r)
    {
        if (!node.IsDefined())
            return;
        if (!node.IsSequence() || node.size() == 0) {
            error(node, QStringLiteral("wrong-type"),
                  QStringLiteral("'routes' of '%1' must be a non-empty list").arg(r.name));
            return;
        }
        for (const YAML::Node& item : node) {
            YamlMapReader reader(item, m_path, QStringLiteral("a route of '%1'").arg(r.name),
                                 m_out);
            Route route;
            route.line = yamlLine(item);
            route.path = value(reader.take("path"), QStringLiteral("path"));
            route.resource = value(reader.require("resource"), QStringLiteral("resource"));
            route.port = value(reader.take("port"), QStringLiteral("port"));
            reader.finish();
            if (route.path.present() && !route.path.text.startsWith(u'/'))
                errorAt(
                    route.path, QStringLiteral("bad-value"),
                    QStringLiteral("a route path starts with '/', not '%1'").arg(route.path.text));
            r.routes.append(route);
        }
    }

    void readOutputs(const YAML::Node& node, InfraTemplate& tmpl)
    {
        if (!node.IsDefined())
            return;
        if (!node.IsMap()) {
            error(node, QStringLiteral("wrong-type"),
                  QStringLiteral("'outputs' must be a mapping"));
            return;
        }
        for (const auto& entry : node) {
            Output output;
            output.name = yamlText(entry.first);
            output.line = yamlLine(entry.first);
            const QString what = QStringLiteral("output '%1'").arg(output.name);
            if (entry.second.IsScalar()) {
                output.value = value(entry.second, what);
            } else {
                YamlMapReader reader(entry.second, m_path, what, m_out);
                output.value = value(reader.require("value"), what);
                output.description = reader.string("description").value_or(QString());
                reader.finish();
            }
            tmpl.outputs.append(output);
        }
    }

    const QString& m_path;
    const YamlFile& m_file;
    Diagnostics& m_out;
};

} // namespace

QString providerName(Provider provider)
{
    return provider == Provider::DockerCompose ? QStringLiteral("docker_compose")
                                               : QStringLiteral("kubernetes");
}

QString resourceTypeName(ResourceType type)
{
    return resourceTypeNames.value(static_cast<int>(type));
}

QString variableTypeName(VariableType type)
{
    return variableTypeNames.value(static_cast<int>(type));
}

const Resource* InfraTemplate::resource(const QString& resourceName) const
{
    for (const Resource& r : resources) {
        if (r.name == resourceName)
            return &r;
    }
    return nullptr;
}

const Variable* InfraTemplate::variable(const QString& variableName) const
{
    for (const Variable& v : variables) {
        if (v.name == variableName)
            return &v;
    }
    return nullptr;
}

bool looksLikeTemplate(const YamlFile& file)
{
    if (!file.readable || file.documents.isEmpty())
        return false;
    const YAML::Node& root = file.documents.first().root;
    return root.IsMap() && root["provider"].IsDefined() && root["resources"].IsDefined();
}

std::optional<InfraTemplate> parseTemplate(const YamlFile& file, Diagnostics& out)
{
    if (!file.readable)
        return std::nullopt;
    return Parser(file, out).parse();
}

} // namespace launchdeck::templates
