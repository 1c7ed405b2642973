// Validation of a Compose document against the official Compose specification JSON schema,
// embedded at build time; findings are merged into one readable message per location.
#pragma once

#include "core/diagnostic.h"

#include <yaml-cpp/yaml.h>

namespace launchdeck {

// Appends rule "compose-schema" findings (severity high) for `document` of the file `path`.
void checkComposeSchema(const QString& path, const YAML::Node& document, Diagnostics& out);

} // namespace launchdeck
