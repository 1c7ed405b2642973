// The entry point for Compose files: the official schema, then semantics and policies, filtered
// by validation level.
#pragma once

#include "core/diagnostic.h"
#include "core/yamlsource.h"

namespace launchdeck {

// basic: schema findings and critical policies; standard: + semantics and the default
// policies; strict: + the strict-only policies (no-read-only-root-fs, no-healthcheck).
void validateCompose(const YamlFile& file, ValidationLevel level, Diagnostics& out);

} // namespace launchdeck
