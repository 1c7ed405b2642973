// Readers for the built-in step kinds (http_check, load_test, validate), shared by the parser.
#pragma once

#include "core/yamlmapreader.h"
#include "pipeline/pipeline.h"

namespace launchdeck::pipeline_detail {

HttpCheckStep readHttpCheck(const YAML::Node& node, const QString& path, const QString& what,
                            Diagnostics& out);
LoadTestStep readLoadTest(const YAML::Node& node, const QString& path, const QString& what,
                          Diagnostics& out);

// A number such as 0.5, or a percentage such as "1%" when `percent` is allowed.
std::optional<double> readNumber(const YAML::Node& node, const QString& path, const QString& what,
                                 bool percent, Diagnostics& out);

bool isEnvName(const QString& name);

} // namespace launchdeck::pipeline_detail
