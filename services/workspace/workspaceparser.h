// Internal pieces of the workspace parser shared by its translation units.
#pragma once

#include "core/yamlmapreader.h"
#include "workspace/workspace.h"

namespace launchdeck::workspace_detail {

Application parseApplication(const QString& name, const YAML::Node& node, const QString& path,
                             Diagnostics& out);

// "5%" or "0.05" as a fraction; reports at the node.
std::optional<double> readFraction(YamlMapReader& reader, const char* key);

// Checks what one part of the file says about another: targets, pipelines, analyses.
void checkReferences(const Workspace& workspace, const YAML::Node& root, const QString& path,
                     Diagnostics& out);

} // namespace launchdeck::workspace_detail
