// Reading the parts of a Compose document the semantic and policy checks look at, in both the
// short and the long syntax the specification allows.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <yaml-cpp/yaml.h>

#include <optional>

namespace launchdeck {

struct ComposeService
{
    QString name;
    YAML::Node key;  // the service's name in `services`
    YAML::Node node; // its definition
};

QList<ComposeService> composeServices(const YAML::Node& document);

struct ComposeMount
{
    enum class Type { Bind, Volume, Tmpfs, Other };
    Type type = Type::Other;
    QString source; // host path, volume name, or empty for anonymous volumes
    QString target;
    bool readOnly = false;
    YAML::Node node;
};

QList<ComposeMount> composeMounts(const ComposeService& service);

struct ComposeEnvVar
{
    QString name;
    std::optional<QString> value; // nullopt: passed through from the environment of compose
    YAML::Node node;
};

QList<ComposeEnvVar> composeEnvironment(const ComposeService& service);

// The names and nodes of a "list or mapping" field such as depends_on or networks.
QList<std::pair<QString, YAML::Node>> composeNames(const YAML::Node& field);

// The value under `key` of a mapping, or an undefined node; safe on any node (yaml-cpp throws
// when a missing key of a const node is looked into).
YAML::Node field(const YAML::Node& node, const char* key);

// The text of a scalar, or nullopt for anything else.
std::optional<QString> composeScalar(const YAML::Node& node);

} // namespace launchdeck
