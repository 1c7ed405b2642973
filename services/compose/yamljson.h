// YAML trees as JSON values for schema validation, typed by the YAML 1.2 core schema, with the
// YAML node of every JSON location kept so schema findings point back at a line and column.
#pragma once

#include <QHash>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <yaml-cpp/yaml.h>

namespace launchdeck {

struct YamlJson
{
    QJsonValue value;
    // JSON pointer ("" for the root, "/services/web/ports/0") -> the node it came from.
    QHash<QString, YAML::Node> nodes;
    // JSON pointer of a mapping -> its key nodes by key, for findings about a key itself.
    QHash<QString, QHash<QString, YAML::Node>> keys;
};

// Plain scalars become null, booleans, integers or floats where the core schema says so;
// quoted scalars and scalars tagged !!str stay strings.
YamlJson yamlToJson(const YAML::Node& root);

// The JSON value a single scalar node stands for.
QJsonValue yamlScalarToJson(const YAML::Node& node);

// "/a/b~1c" from {"a", "b/c"} and back (RFC 6901 escaping).
QString jsonPointer(const QStringList& segments);
QStringList jsonPointerSegments(const QString& pointer);

} // namespace launchdeck
