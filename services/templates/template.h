// Infrastructure templates: a provider-neutral description of an application's resources
// (compute, database, storage, network, load balancer, monitoring) with variables, parsed
// strictly and rendered to Compose or Kubernetes manifests.
#pragma once

#include "core/diagnostic.h"
#include "core/yamlsource.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>
#include <utility>

namespace launchdeck::templates {

enum class Provider { DockerCompose, Kubernetes };
enum class ResourceType { Compute, Database, Storage, Network, LoadBalancer, Monitoring };
enum class VariableType { String, Integer, Boolean, Quantity, Duration };

QString providerName(Provider provider);
QString resourceTypeName(ResourceType type);
QString variableTypeName(VariableType type);

// A scalar as written, before variables are substituted, and where it was written.
struct Value
{
    QString text;
    int line = 0;   // 1-based; 0 when the value was not given
    int column = 0; // of the first character of the text
    bool quoted = false;

    bool present() const { return line > 0; }
};

using ValueMap = QList<std::pair<QString, Value>>; // in file order

struct Variable
{
    QString name;
    VariableType type = VariableType::String;
    std::optional<Value> defaultValue;
    QString description;
    bool secret = false; // never rendered: Compose reads it, Kubernetes takes it from a Secret
    int line = 0;
    int column = 0;
};

struct HealthCheck
{
    Value http; // path of an HTTP GET
    Value tcp;  // port for a TCP connect
    QList<Value> command;
    Value port; // port of the HTTP check
    Value interval, timeout, retries, initialDelay;
    int line = 0;
};

struct Mount
{
    Value storage; // a storage resource
    Value path;
    Value readOnly;
    int line = 0;
};

struct Route
{
    Value path;
    Value resource;
    Value port;
    int line = 0;
};

struct Resource
{
    QString name;
    ResourceType type = ResourceType::Compute;
    int line = 0;
    int column = 0;
    QList<Value> dependencies;
    ValueMap tags;
    QHash<QString, Value> scalars; // every scalar configuration key, for ${resources.x.key}

    // compute and database
    Value image, replicas, user, cpu, memory, cpuLimit, memoryLimit;
    QList<Value> command, args, ports, networks, writablePaths;
    ValueMap env;
    QList<Mount> mounts;
    std::optional<HealthCheck> healthCheck;
    // database
    Value port, storage, dataPath;
    // storage
    Value size, accessMode, storageClass;
    // network
    Value internal;
    // load_balancer
    Value host, tlsSecret, ingressClass;
    QList<Route> routes;
    // monitoring
    QList<Value> scrape;
    Value metricsPath, metricsPort, interval;
};

struct Output
{
    QString name;
    Value value;
    QString description;
    int line = 0;
};

struct InfraTemplate
{
    QString path;
    QString name;
    QString version;
    Provider provider = Provider::Kubernetes;
    QString environment;
    QString description;
    QList<Variable> variables;
    QList<Resource> resources;
    QList<Output> outputs;

    const Resource* resource(const QString& name) const;
    const Variable* variable(const QString& name) const;
};

// Top-level `provider` and `resources`: what sets a template apart from other YAML files.
bool looksLikeTemplate(const YamlFile& file);

// Parses and checks a template: every problem is reported at its line and column. Returns the
// template when nothing of severity high or worse was found.
std::optional<InfraTemplate> parseTemplate(const YamlFile& file, Diagnostics& out);

enum class RenderTarget { Compose, Kubernetes };

struct RenderResult
{
    QString text;
    // Rendered line i (0-based) -> template line (1-based), 0 where no template line applies.
    QList<int> sourceLines;
};

// Renders with `overrides` (variable name -> value) taking precedence over defaults. The
// output is deterministic: the same template and overrides give the same bytes.
RenderResult renderTemplate(const InfraTemplate& tmpl, RenderTarget target,
                            const QHash<QString, QString>& overrides, Diagnostics& out);

// Checks the render of a file: receives it parsed, appends what it finds about it.
using RenderValidator = std::function<void(const YamlFile& rendered, Diagnostics& out)>;

// Parses `file`, renders it to its own provider and runs `renderValidator` over the render;
// findings about the render are placed on the template lines they came from.
void validateTemplate(const YamlFile& file, ValidationLevel level, Diagnostics& out,
                      const RenderValidator& renderValidator);

} // namespace launchdeck::templates
