// The step of a range query: fine enough for the chart's width, coarse enough that no series
// of the answer exceeds Prometheus's 11,000-point limit.
#pragma once

#include <chrono>

namespace launchdeck::prometheus {

// Seconds between points for a window drawn `widthPixels` wide: about one point per two
// pixels, at least `minimumSeconds` (the scrape interval), rounded up to a tidy value
// (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h, …), and never so fine that
// window ÷ step + 1 exceeds kMaxPointsPerSeries.
double chooseStep(std::chrono::milliseconds window, int widthPixels, double minimumSeconds = 1.0);

} // namespace launchdeck::prometheus
