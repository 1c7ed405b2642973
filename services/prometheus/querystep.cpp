// chooseStep: the chart's resolution, Prometheus's point limit and tidy values for the axis.
#include "prometheus/querystep.h"

#include "prometheus/prometheustypes.h"

#include <algorithm>
#include <cmath>

namespace launchdeck::prometheus {

namespace {

// Steps a person reads at a glance, in seconds; beyond the last, whole days.
constexpr double kTidySteps[] = {1,   2,    5,    10,   15,    30,    60,    120,   300,    600,
                                 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};
constexpr double kDay = 86400;

} // namespace

double chooseStep(std::chrono::milliseconds window, int widthPixels, double minimumSeconds)
{
    const double seconds = std::max<double>(0, double(window.count()) / 1000.0);
    const int width = std::max(1, widthPixels);
    const double forWidth = seconds * 2 / width; // about one point per two pixels
    // window ÷ step ≤ limit − 1 keeps window ÷ step + 1 points within the limit.
    const double forLimit = seconds / (kMaxPointsPerSeries - 1);
    const double minimum = std::isfinite(minimumSeconds) ? std::max(0.0, minimumSeconds) : 0.0;
    const double needed = std::max({forWidth, forLimit, minimum});
    for (const double tidy : kTidySteps) {
        if (tidy >= needed)
            return tidy;
    }
    return std::ceil(needed / kDay) * kDay;
}

} // namespace launchdeck::prometheus
