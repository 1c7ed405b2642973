// A template with its variables substituted and every value typed: what the renderers read.
// Parsing runs it with the defaults to check types early; rendering with the overrides.
#pragma once

#include "core/units.h"
#include "templates/template.h"

#include <QSet>
#include <QStringList>

#include <chrono>

namespace launchdeck::templates {

struct EnvPart
{
    QString text;        // literal text, or the variable's name when secret
    bool secret = false; // a secret variable: rendered as a reference, never as its value
};

struct ResolvedEnv
{
    QString name;
    QList<EnvPart> parts;
    int line = 0;
};

struct ResolvedPort
{
    int published = 0; // 0: not published on the host
    int container = 0;
    QString protocol;
    int line = 0;
};

struct ResolvedHealth
{
    enum class Kind { Http, Tcp, Command };
    Kind kind = Kind::Tcp;
    QString path;
    int port = 0;
    QStringList command;
    std::chrono::milliseconds interval{10'000};
    std::chrono::milliseconds timeout{3'000};
    std::chrono::milliseconds initialDelay{5'000};
    int retries = 3;
    int line = 0;
};

struct ResolvedMount
{
    QString storage;
    QString path;
    bool readOnly = false;
    int line = 0;
};

struct ResolvedRoute
{
    QString path;
    QString resource;
    int port = 0; // 0: the resource's first port
    int line = 0;
};

struct ResolvedQuantity
{
    QString text; // as written, e.g. "250m"
    Quantity quantity;
    int line = 0;
};

struct ResolvedResource
{
    const Resource* source = nullptr;
    QString name;
    ResourceType type = ResourceType::Compute;
    int line = 0;
    QStringList dependencies;
    QList<std::pair<QString, QString>> tags;

    QString image;
    int replicas = 1;
    qint64 user = 10001;
    QStringList command, args, networks, writablePaths;
    QList<ResolvedPort> ports;
    QList<ResolvedEnv> env;
    ResolvedQuantity cpu, memory, cpuLimit, memoryLimit;
    QList<ResolvedMount> mounts;
    std::optional<ResolvedHealth> health;

    ResolvedQuantity storage; // database volume size
    QString dataPath;

    ResolvedQuantity size;
    QString accessMode, storageClass;

    bool internal = false;

    QString host, tlsSecret, ingressClass;
    QList<ResolvedRoute> routes;

    QStringList scrape;
    QString metricsPath;
    int metricsPort = 0;
    std::chrono::milliseconds interval{30'000};

    bool isWorkload() const
    {
        return type == ResourceType::Compute || type == ResourceType::Database;
    }
    // The port a Service offers for `port` (published port when given, else container port).
    static int servicePort(const ResolvedPort& port)
    {
        return port.published > 0 ? port.published : port.container;
    }
};

struct ResolvedOutput
{
    QString name;
    QString value;
    QString description;
    int line = 0;
};

struct ResolvedTemplate
{
    QString name, version, environment, description;
    QList<ResolvedResource> resources;
    QList<ResolvedOutput> outputs;
    QStringList secrets; // names of the secret variables referenced

    const ResolvedResource* find(const QString& name) const;
};

enum class ResolveMode {
    Check, // defaults only; values that need an override are skipped
    Render // overrides then defaults; a value without one is an error
};

// Substitutes and types every value; findings go to `out` at the value's line and column.
// `used` collects the names of the variables referenced.
std::optional<ResolvedTemplate> resolveTemplate(const InfraTemplate& tmpl,
                                                const QHash<QString, QString>& overrides,
                                                ResolveMode mode, Diagnostics& out,
                                                QSet<QString>* used = nullptr);

} // namespace launchdeck::templates
