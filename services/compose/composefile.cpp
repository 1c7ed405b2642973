// Accessors over Compose documents shared by the semantic and policy checks.
#include "compose/composefile.h"

#include "core/yamlsource.h"

namespace launchdeck {

namespace {

bool isHostPath(const QString& source)
{
    return source.startsWith(u'/') || source.startsWith(u'.') || source.startsWith(u'~');
}

ComposeMount shortMount(const YAML::Node& node)
{
    ComposeMount mount;
    mount.node = node;
    const QStringList parts = yamlText(node).split(u':');
    if (parts.size() == 1) {
        mount.type = ComposeMount::Type::Volume;
        mount.target = parts[0];
        return mount;
    }
    mount.source = parts[0];
    mount.target = parts[1];
    mount.type = isHostPath(mount.source) ? ComposeMount::Type::Bind : ComposeMount::Type::Volume;
    if (parts.size() >= 3)
        mount.readOnly = parts[2].split(u',').contains(QStringLiteral("ro"));
    return mount;
}

ComposeMount longMount(const YAML::Node& node)
{
    ComposeMount mount;
    mount.node = node;
    const QString type = composeScalar(field(node, "type")).value_or(QString());
    if (type == u"bind")
        mount.type = ComposeMount::Type::Bind;
    else if (type == u"volume")
        mount.type = ComposeMount::Type::Volume;
    else if (type == u"tmpfs")
        mount.type = ComposeMount::Type::Tmpfs;
    mount.source = composeScalar(field(node, "source")).value_or(QString());
    mount.target = composeScalar(field(node, "target")).value_or(QString());
    mount.readOnly = composeScalar(field(node, "read_only")).value_or(QString()) == u"true";
    return mount;
}

} // namespace

YAML::Node field(const YAML::Node& node, const char* key)
{
    if (!node.IsDefined() || !node.IsMap())
        return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node value = node[key];
    return value.IsDefined() ? value : YAML::Node(YAML::NodeType::Undefined);
}

std::optional<QString> composeScalar(const YAML::Node& node)
{
    if (!node.IsDefined() || !node.IsScalar())
        return std::nullopt;
    return yamlText(node);
}

QList<ComposeService> composeServices(const YAML::Node& document)
{
    QList<ComposeService> services;
    if (!document.IsMap())
        return services;
    const YAML::Node map = field(document, "services");
    if (!map.IsMap())
        return services;
    for (const auto& entry : map) {
        if (entry.first.IsScalar() && entry.second.IsMap())
            services.append({yamlText(entry.first), entry.first, entry.second});
    }
    return services;
}

QList<ComposeMount> composeMounts(const ComposeService& service)
{
    QList<ComposeMount> mounts;
    const YAML::Node volumes = field(service.node, "volumes");
    if (!volumes.IsSequence())
        return mounts;
    for (const YAML::Node& item : volumes) {
        if (item.IsScalar())
            mounts.append(shortMount(item));
        else if (item.IsMap())
            mounts.append(longMount(item));
    }
    return mounts;
}

QList<ComposeEnvVar> composeEnvironment(const ComposeService& service)
{
    QList<ComposeEnvVar> vars;
    const YAML::Node environment = field(service.node, "environment");
    if (environment.IsMap()) {
        for (const auto& entry : environment) {
            ComposeEnvVar var{yamlText(entry.first), composeScalar(entry.second), entry.first};
            vars.append(var);
        }
    } else if (environment.IsSequence()) {
        for (const YAML::Node& item : environment) {
            if (!item.IsScalar())
                continue;
            const QString text = yamlText(item);
            const qsizetype equals = text.indexOf(u'=');
            ComposeEnvVar var;
            var.node = item;
            var.name = equals < 0 ? text : text.left(equals);
            if (equals >= 0)
                var.value = text.mid(equals + 1);
            vars.append(var);
        }
    }
    return vars;
}

QList<std::pair<QString, YAML::Node>> composeNames(const YAML::Node& field)
{
    QList<std::pair<QString, YAML::Node>> names;
    if (field.IsSequence()) {
        for (const YAML::Node& item : field) {
            if (item.IsScalar())
                names.append({yamlText(item), item});
        }
    } else if (field.IsMap()) {
        for (const auto& entry : field) {
            if (entry.first.IsScalar())
                names.append({yamlText(entry.first), entry.first});
        }
    }
    return names;
}

} // namespace launchdeck
