// Value types of the Docker Engine API as the console uses them: plain structs that cross
// threads in signals, hence the metatype declarations.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace launchdeck {

struct DockerVersion
{
    QString apiVersion;    // what the daemon speaks, e.g. "1.41"
    QString minApiVersion; // the oldest it still accepts
    QString engineVersion; // e.g. "20.10.24"
    QString os;
    QString arch;
};

struct DockerPortMapping
{
    int containerPort = 0;
    QString protocol = QStringLiteral("tcp");
    QString hostIp;   // empty: all interfaces
    int hostPort = 0; // 0: not published, unless `publish` asks for a port the daemon picks
    bool publish = false;

    friend bool operator==(const DockerPortMapping&, const DockerPortMapping&) = default;
};

struct DockerContainer
{
    QString id;
    QString name; // without the leading '/'
    QString image;
    QString imageId;
    QString command;
    QString state;  // created, running, paused, restarting, removing, exited, dead
    QString status; // the daemon's wording, e.g. "Up 3 minutes (healthy)"
    QString health; // empty when the container has no healthcheck
    QDateTime created;
    QMap<QString, QString> labels;
    QList<DockerPortMapping> ports;
};

struct DockerHealthcheck
{
    QStringList test; // e.g. {"CMD-SHELL", "wget -q -O- localhost"}
    qint64 intervalMs = 0;
    qint64 timeoutMs = 0;
    qint64 startPeriodMs = 0;
    int retries = 0;

    friend bool operator==(const DockerHealthcheck&, const DockerHealthcheck&) = default;
};

// What POST /containers/create needs; durations in milliseconds here, nanoseconds on the wire.
struct DockerContainerSpec
{
    QString name;
    QString image;
    QStringList cmd;        // empty: the image's default
    QStringList entrypoint; // empty: the image's default
    QMap<QString, QString> env;
    QMap<QString, QString> labels;
    QList<DockerPortMapping> ports; // exposed, and published when hostPort > 0
    std::optional<DockerHealthcheck> healthcheck;
    qint64 memoryBytes = 0; // 0: unlimited
    double cpus = 0;        // 0: unlimited; sent as NanoCpus
    QString restartPolicy;  // "", "no", "always", "unless-stopped", "on-failure"
    int restartMaxRetries = 0;
    bool tty = false;
    QString networkMode; // empty: the daemon's default; else a network's name, "host" or "none"
};

struct DockerImage
{
    QString id;
    QStringList repoTags;
    qint64 sizeBytes = 0;
    QDateTime created;
};

struct DockerNetwork
{
    QString id;
    QString name;
    QString driver;
    QString scope;
};

struct DockerVolume
{
    QString name;
    QString driver;
    QString mountpoint;
};

struct DockerEvent
{
    QString type;   // container, image, network, volume, daemon...
    QString action; // create, start, die, destroy, "health_status: healthy"...
    QString actorId;
    QMap<QString, QString> attributes; // name, image, exitCode...
    QDateTime time;                    // to the nanosecond the daemon gives, cut to milliseconds
};

struct DockerStatsSample
{
    QString containerId;
    QDateTime read;
    double cpuPercent = 0; // 100 per fully used core, as the docker CLI shows it
    quint64 memoryUsedBytes = 0;
    quint64 memoryLimitBytes = 0;
    double memoryPercent = 0;
    quint64 networkRxBytes = 0; // counters since the container started, all interfaces
    quint64 networkTxBytes = 0;
    double networkRxBytesPerSecond = 0; // against the previous sample; 0 for the first one
    double networkTxBytesPerSecond = 0;
    quint64 blockReadBytes = 0;
    quint64 blockWriteBytes = 0;
    quint64 pids = 0;
};

enum class DockerLogStream { Stdin = 0, Stdout = 1, Stderr = 2, DaemonError = 3 };

struct DockerLogLine
{
    DockerLogStream stream = DockerLogStream::Stdout;
    QDateTime timestamp; // invalid unless timestamps were asked for
    QByteArray text;     // without the timestamp prefix
};

} // namespace launchdeck

Q_DECLARE_METATYPE(launchdeck::DockerVersion)
Q_DECLARE_METATYPE(launchdeck::DockerContainer)
Q_DECLARE_METATYPE(launchdeck::DockerImage)
Q_DECLARE_METATYPE(launchdeck::DockerNetwork)
Q_DECLARE_METATYPE(launchdeck::DockerVolume)
Q_DECLARE_METATYPE(launchdeck::DockerEvent)
Q_DECLARE_METATYPE(launchdeck::DockerStatsSample)
Q_DECLARE_METATYPE(launchdeck::DockerLogLine)
