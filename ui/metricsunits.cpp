// Unit and tick arithmetic of the live charts.
#include "metricsunits.h"

#include <algorithm>
#include <cmath>

namespace launchdeck {

MetricsScale metricsScale(MetricsUnit unit, double maxValue)
{
    if (unit == MetricsUnit::Percent)
        return {1, QStringLiteral(" %")};
    const bool binary = unit == MetricsUnit::Bytes;
    const double base = binary ? 1024 : 1000;
    static const QString binarySuffixes[] = {QStringLiteral(" B"), QStringLiteral(" KiB"),
                                             QStringLiteral(" MiB"), QStringLiteral(" GiB"),
                                             QStringLiteral(" TiB")};
    static const QString rateSuffixes[] = {QStringLiteral(" B/s"), QStringLiteral(" KB/s"),
                                           QStringLiteral(" MB/s"), QStringLiteral(" GB/s"),
                                           QStringLiteral(" TB/s")};
    int power = 0;
    double divisor = 1;
    while (power < 4 && maxValue >= divisor * base) {
        divisor *= base;
        ++power;
    }
    return {divisor, binary ? binarySuffixes[power] : rateSuffixes[power]};
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
    return QString::number(scaled, 'f',
                           scale.divisor == 1 && unit != MetricsUnit::Percent ? 0 : decimals) +
           scale.suffix;
}

} // namespace launchdeck
