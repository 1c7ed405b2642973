// The checks compose-go's loader makes once a Compose document matches the schema: values it
// cannot convert, attributes that exclude each other, secrets and configs without a source.
#pragma once

#include "core/diagnostic.h"

#include <yaml-cpp/yaml.h>

namespace launchdeck {

// Rules: invalid-value, conflicting-attributes, missing-image, invalid-secret-source,
// invalid-config-source, invalid-watch, invalid-healthcheck.
void checkComposeConsistency(const QString& path, const YAML::Node& document, Diagnostics& out);

} // namespace launchdeck
