// Consistency checks of a Compose document that its schema cannot express: references between
// services, networks and volumes, port syntax and conflicts, environment and interpolation.
#pragma once

#include "core/diagnostic.h"

#include <yaml-cpp/yaml.h>

namespace launchdeck {

// Rules: unknown-service, undeclared-network, undeclared-volume, invalid-port, port-conflict,
// duplicate-env-var, invalid-interpolation, invalid-restart.
void checkComposeSemantics(const QString& path, const YAML::Node& document, Diagnostics& out);

} // namespace launchdeck
