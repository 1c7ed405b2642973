// Consistency checks of a Compose document that its schema cannot express: references between
// services, networks and volumes, port syntax and conflicts, environment and interpolation.
#pragma once

#include "core/diagnostic.h"

#include <yaml-cpp/yaml.h>

namespace launchdeck {

// Rules: invalid-port, port-conflict, duplicate-env-var, invalid-interpolation, invalid-restart,
// and those of checkComposeReferences() and checkComposeConsistency().
void checkComposeSemantics(const QString& path, const YAML::Node& document, Diagnostics& out);

} // namespace launchdeck
