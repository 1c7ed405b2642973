// The figures of one /containers/{id}/stats frame, computed as the docker CLI computes them
// (its stats code): CPU %, memory without the page cache, network and block I/O.
#pragma once

#include "docker/dockertypes.h"

#include <QJsonObject>

namespace launchdeck::docker {

// CPU % from cpu_stats and precpu_stats of the same frame: cpu delta ÷ system delta × online
// CPUs × 100, and 0 unless both deltas are positive (the first streamed frame has a zeroed
// precpu_stats).
double cpuPercent(const QJsonObject& frame);
// usage − total_inactive_file (cgroup v1) or − inactive_file (cgroup v2), else usage.
quint64 memoryUsedBytes(const QJsonObject& frame);

// Everything of one frame but the rates, which need the previous sample.
DockerStatsSample statsSampleFromJson(const QJsonObject& frame, const QString& containerId);
// Network rates of `current` against `previous` over the time between their reads; left at 0
// when the counters went backwards (a restart) or no time passed.
void applyRates(const DockerStatsSample& previous, DockerStatsSample& current);

} // namespace launchdeck::docker
