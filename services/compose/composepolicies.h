// Security and resource policies for Compose services under kube-linter's rule names, judged by
// the same predicates as the Kubernetes checks so both kinds of file agree on what is risky.
#pragma once

#include "core/diagnostic.h"

#include <yaml-cpp/yaml.h>

namespace launchdeck {

// Rules: latest-tag, privileged-container, docker-sock, sensitive-host-mounts, host-network,
// host-pid, host-ipc, env-var-secret, ssh-port, unset-cpu-requirements,
// unset-memory-requirements, and, reported at the strict level only, no-read-only-root-fs and
// no-healthcheck.
void checkComposePolicies(const QString& path, const YAML::Node& document, Diagnostics& out);

// Rules that only the strict level reports.
bool isStrictOnlyComposeRule(QStringView rule);

} // namespace launchdeck
