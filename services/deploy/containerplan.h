// The containers of one application revision in one environment: the configuration a revision
// restores exactly, the Docker create specs drawn from it, the labels that find them again, and
// a readable diff of two revisions' configurations.
#pragma once

#include "core/result.h"
#include "docker/dockertypes.h"
#include "workspace/workspace.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace launchdeck::deploy {

// Label keys on every container a deployment starts.
namespace labels {
inline constexpr char16_t kApplication[] = u"launchdeck.application";
inline constexpr char16_t kEnvironment[] = u"launchdeck.environment";
inline constexpr char16_t kRevision[] = u"launchdeck.revision";
inline constexpr char16_t kDeployment[] = u"launchdeck.deployment";
inline constexpr char16_t kGroup[] = u"launchdeck.group"; // "blue" or "green"
inline constexpr char16_t kReplica[] = u"launchdeck.replica";
} // namespace labels

// Everything a revision needs to be started again exactly as it was: stored with the revision
// in the ledger. Secret values are never part of it, only their names.
struct RevisionConfig
{
    QString image; // "repository:tag"
    QMap<QString, QString> env;
    QStringList secretNames;        // resolved when a container starts; values never stored
    QList<DockerPortMapping> ports; // the container side; publishing is decided at start
    std::optional<DockerHealthcheck> healthcheck; // Docker's own check inside the container
    QString healthPath; // HTTP path the console and HAProxy probe; empty: none
    int healthPort = 0; // container port of that probe (and the traffic port)
    qint64 memoryBytes = 0;
    double cpus = 0;
    int replicas = 1;
    QString network; // the environment's Docker network
    // "repository@sha256:…" the host knew the image by when the revision was deployed (pulled
    // from or pushed to a registry); empty for an image only built here. A rollback runs it.
    QString imageDigest;

    friend bool operator==(const RevisionConfig&, const RevisionConfig&) = default;

    QJsonObject toJson() const;
    // Fails naming the first missing or mistyped field.
    static Result<RevisionConfig> fromJson(const QJsonObject& object);
};

// The Docker network an environment's applications share: "launchdeck-<environment>".
QString environmentNetwork(const QString& environment);

// The configuration of `application` at `image` in `environment`: the application's env with
// the environment's variables underneath (the application's win), ports, health check (HTTP
// path and port, also as a Docker healthcheck running busybox/wget-style `wget -q -O /dev/null`),
// memory and CPU, replicas.
RevisionConfig revisionConfigFor(const Application& application, const Environment& environment,
                                 const QString& image);

// Which container of a deployment: the identity its labels carry.
struct ContainerIdentity
{
    QString application;
    QString environment;
    int revision = 0;
    QString deploymentId;
    QString group;   // "blue" or "green"
    int replica = 1; // 1-based

    friend bool operator==(const ContainerIdentity&, const ContainerIdentity&) = default;
};

// "<application>-<environment>-r<revision>-<group><replica>", e.g. "web-production-r7-green1".
QString containerName(const ContainerIdentity& identity);
QMap<QString, QString> identityLabels(const ContainerIdentity& identity);
// None unless every label of the identity is present and the numbers parse.
std::optional<ContainerIdentity> identityFromLabels(const QMap<QString, QString>& labelMap);
// The `filters` of GET /containers/json for every container of the pair.
QJsonObject pairFilter(const QString& application, const QString& environment);

// The create spec of one container: the configuration, the identity labels, the secrets' values
// (names missing from `secretValues` are left out), every container port published on
// 127.0.0.1 at a port the daemon picks when `publishToLoopback`, else as the application
// declared them (`declaredHostPorts`: container port -> host port), restart policy
// unless-stopped, and the environment's network.
DockerContainerSpec containerSpec(const RevisionConfig& config, const ContainerIdentity& identity,
                                  const QMap<QString, QString>& secretValues,
                                  bool publishToLoopback,
                                  const QMap<int, int>& declaredHostPorts = {});

// Lines of a unified-style diff of two configurations, one per field that differs or matters:
// "  image: shop/web:1.4.2" kept, "- replicas: 2" removed, "+ replicas: 3" added. Secrets show
// as their names only. No `from` (a first deployment): every line is an addition. The Docker
// network is left out for targets that have none (a cluster).
enum class DiffNetwork { Shown, Omitted };
QStringList configDiff(const std::optional<RevisionConfig>& from, const RevisionConfig& to,
                       DiffNetwork network = DiffNetwork::Shown);

} // namespace launchdeck::deploy
