// Stats frame arithmetic after the docker CLI.
#include "docker/dockerstatsmath.h"

#include <QJsonArray>

#include <limits>

namespace launchdeck::docker {

namespace {

QJsonObject child(const QJsonObject& object, const char* key)
{
    return object.value(QLatin1String(key)).toObject();
}

quint64 counter(const QJsonObject& object, const char* key)
{
    // JSON numbers are doubles; counters stay exact up to 2^53, far beyond any real value here.
    // A larger one (a broken daemon or proxy) saturates: converting a double beyond 2^64 to an
    // integer is undefined.
    constexpr double beyondLargest = 18446744073709551616.0; // 2^64
    const double value = object.value(QLatin1String(key)).toDouble();
    if (!(value > 0))
        return 0;
    return value < beyondLargest ? quint64(value) : std::numeric_limits<quint64>::max();
}

} // namespace

double cpuPercent(const QJsonObject& frame)
{
    const QJsonObject cpu = child(frame, "cpu_stats");
    const QJsonObject precpu = child(frame, "precpu_stats");
    const double cpuDelta = double(counter(child(cpu, "cpu_usage"), "total_usage")) -
                            double(counter(child(precpu, "cpu_usage"), "total_usage"));
    const double systemDelta =
        double(counter(cpu, "system_cpu_usage")) - double(counter(precpu, "system_cpu_usage"));
    double onlineCpus = double(counter(cpu, "online_cpus"));
    if (onlineCpus == 0)
        onlineCpus = child(cpu, "cpu_usage").value(QLatin1String("percpu_usage")).toArray().size();
    // A zeroed precpu_stats would make the deltas the totals since boot: an average over the
    // container's whole life, not the last second.
    if (counter(precpu, "system_cpu_usage") == 0 || cpuDelta <= 0 || systemDelta <= 0)
        return 0;
    return cpuDelta / systemDelta * onlineCpus * 100.0;
}

quint64 memoryUsedBytes(const QJsonObject& frame)
{
    const QJsonObject memory = child(frame, "memory_stats");
    const quint64 usage = counter(memory, "usage");
    const QJsonObject stats = child(memory, "stats");
    for (const char* key : {"total_inactive_file", "inactive_file"}) {
        if (stats.contains(QLatin1String(key))) {
            const quint64 inactive = counter(stats, key);
            if (inactive < usage)
                return usage - inactive;
        }
    }
    return usage;
}

DockerStatsSample statsSampleFromJson(const QJsonObject& frame, const QString& containerId)
{
    DockerStatsSample sample;
    sample.containerId = containerId;
    sample.read =
        QDateTime::fromString(frame.value(QLatin1String("read")).toString(), Qt::ISODateWithMs);
    sample.cpuPercent = cpuPercent(frame);
    sample.memoryUsedBytes = memoryUsedBytes(frame);
    sample.memoryLimitBytes = counter(child(frame, "memory_stats"), "limit");
    if (sample.memoryLimitBytes > 0)
        sample.memoryPercent = double(sample.memoryUsedBytes) / sample.memoryLimitBytes * 100.0;

    const QJsonObject networks = child(frame, "networks");
    for (auto it = networks.begin(); it != networks.end(); ++it) {
        const QJsonObject interface = it.value().toObject();
        sample.networkRxBytes += counter(interface, "rx_bytes");
        sample.networkTxBytes += counter(interface, "tx_bytes");
    }

    const QJsonArray io =
        child(frame, "blkio_stats").value(QLatin1String("io_service_bytes_recursive")).toArray();
    for (const QJsonValue& value : io) {
        const QJsonObject entry = value.toObject();
        const QString op = entry.value(QLatin1String("op")).toString().toLower();
        if (op == u"read")
            sample.blockReadBytes += counter(entry, "value");
        else if (op == u"write")
            sample.blockWriteBytes += counter(entry, "value");
    }
    sample.pids = counter(child(frame, "pids_stats"), "current");
    return sample;
}

void applyRates(const DockerStatsSample& previous, DockerStatsSample& current)
{
    if (!previous.read.isValid() || !current.read.isValid())
        return;
    const double seconds = previous.read.msecsTo(current.read) / 1000.0;
    if (seconds <= 0)
        return;
    if (current.networkRxBytes >= previous.networkRxBytes)
        current.networkRxBytesPerSecond =
            double(current.networkRxBytes - previous.networkRxBytes) / seconds;
    if (current.networkTxBytes >= previous.networkTxBytes)
        current.networkTxBytesPerSecond =
            double(current.networkTxBytes - previous.networkTxBytes) / seconds;
}

} // namespace launchdeck::docker
