// Units for the live charts: the scale an axis shows its values in (%, MiB/GiB, KB/s/MB/s, ms/s,
// req/s, plain numbers), round tick steps, and the text a hovered value reads as.
#pragma once

#include <QString>

namespace launchdeck {

enum class MetricsUnit {
    Percent,
    Bytes,             // binary multiples: KiB, MiB, GiB, as memory limits are set
    BytesPerSecond,    // decimal multiples: KB/s, MB/s, as network rates are quoted
    Seconds,           // µs, ms, s, as latencies are read
    RequestsPerSecond, // decimal multiples: req/s, k req/s
    Number,            // decimal multiples without a unit: k, M, G
};

// A dashboard panel's `unit:` ("bytes", "seconds", "percent", "req/s"); anything else, and no
// unit, is a plain number.
MetricsUnit metricsUnitFromName(QStringView name);

struct MetricsScale
{
    double divisor = 1;
    QString suffix; // with its leading space, e.g. " MiB"
};

// The scale that shows `maxValue` with one to three digits before the point.
MetricsScale metricsScale(MetricsUnit unit, double maxValue);

struct MetricsTicks
{
    double step = 1;
    double max = 1; // a multiple of step
    int decimals = 0;
};

// A round step (1, 2 or 5 times a power of ten) giving about `intervals` intervals up to a
// multiple of it not below `maxValue`.
MetricsTicks metricsTicks(double maxValue, int intervals = 4);

// e.g. "37.5 %", "1.20 GiB", "830 KB/s".
QString formatMetricsValue(MetricsUnit unit, double value);

} // namespace launchdeck
