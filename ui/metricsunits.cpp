// Unit and tick arithmetic of the live charts.
#include "metricsunits.h"

#include <algorithm>
#include <cmath>

namespace launchdeck {

MetricsUnit metricsUnitFromName(QStringView name)
{
    if (name == u"bytes")
        return MetricsUnit::Bytes;
    if (name == u"seconds")
        return MetricsUnit::Seconds;
    if (name == u"percent")
        return MetricsUnit::Percent;
    if (name == u"req/s")
        return MetricsUnit::RequestsPerSecond;
    return MetricsUnit::Number;
}

MetricsScale metricsScale(MetricsUnit unit, double maxValue)
{
    if (unit == MetricsUnit::Percent)
        return {1, QStringLiteral(" %")};
    if (unit == MetricsUnit::Seconds) {
        // Latencies read best below a second in ms or µs; above it, in seconds.
        if (maxValue >= 1 || !(maxValue > 0))
            return {1, QStringLiteral(" s")};
        if (maxValue >= 1e-3)
            return {1e-3, QStringLiteral(" ms")};
        return {1e-6, QStringLiteral(" \u00b5s")};
    }
    const bool binary = unit == MetricsUnit::Bytes;
    const double base = binary ? 1024 : 1000;
    static const QString binarySuffixes[] = {QStringLiteral(" B"), QStringLiteral(" KiB"),
                                             QStringLiteral(" MiB"), QStringLiteral(" GiB"),
                                             QStringLiteral(" TiB")};
    static const QString rateSuffixes[] = {QStringLiteral(" B/s"), QStringLiteral(" KB/s"),
                                           QStringLiteral(" MB/s"), QStringLiteral(" GB/s"),
                                           QStringLiteral(" TB/s")};
    static const QString requestSuffixes[] = {
        QStringLiteral(" req/s"), QStringLiteral(" k req/s"), QStringLiteral(" M req/s"),
        QStringLiteral(" G req/s"), QStringLiteral(" T req/s")};
    static const QString numberSuffixes[] = {QString(), QStringLiteral(" k"), QStringLiteral(" M"),
                                             QStringLiteral(" G"), QStringLiteral(" T")};
    int power = 0;
    double divisor = 1;
    while (power < 4 && maxValue >= divisor * base) {
        divisor *= base;
        ++power;
    }
    switch (unit) {
    case MetricsUnit::Bytes:
        return {divisor, binarySuffixes[power]};
    case MetricsUnit::RequestsPerSecond:
        return {divisor, requestSuffixes[power]};
    case MetricsUnit::Number:
        return {divisor, numberSuffixes[power]};
    default:
        return {divisor, rateSuffixes[power]};
    }
}

MetricsTicks metricsTicks(double maxValue, int intervals)
{
    if (!(maxValue > 0) || !std::isfinite(maxValue))
        return {0.25, 1, 2};
    const double rough = maxValue / std::max(intervals, 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    double step = magnitude;
    for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
        step = factor * magnitude;
        if (step >= rough)
            break;
    }
    const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
    return {step, std::ceil(maxValue / step - 1e-9) * step, decimals};
}

QString formatMetricsValue(MetricsUnit unit, double value)
{
    const MetricsScale scale = metricsScale(unit, std::abs(value));
    const double scaled = value / scale.divisor;
    const int decimals = std::abs(scaled) >= 100 ? 0 : std::abs(scaled) >= 10 ? 1 : 2;
    // Whole bytes are whole; every other unit keeps its fraction (0.25 req/s, 1.50 s).
    const bool whole =
        scale.divisor == 1 && (unit == MetricsUnit::Bytes || unit == MetricsUnit::BytesPerSecond);
    return QString::number(scaled, 'f', whole ? 0 : decimals) + scale.suffix;
}

} // namespace launchdeck
