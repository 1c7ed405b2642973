// The references between the parts of a Compose document that docker compose resolves when it
// loads the project: services to services, to networks, volumes, configs, secrets and models,
// the dependency graph they form, and the files `include` names.
#pragma once

#include "core/diagnostic.h"

#include <yaml-cpp/yaml.h>

namespace launchdeck {

// Rules: unknown-service, undeclared-network, undeclared-volume, undeclared-config,
// undeclared-secret, undeclared-model, depends-on-cycle, missing-include. `path` is the file
// the document was read from; includes are looked up beside it when it exists on disk.
void checkComposeReferences(const QString& path, const YAML::Node& document, Diagnostics& out);

} // namespace launchdeck
