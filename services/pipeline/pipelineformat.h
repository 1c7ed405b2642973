// Recognising a pipeline file by its content, for validation of a file named on the command
// line wherever it lives. Only yaml-cpp: validation uses it without depending on the runner.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace launchdeck {

// A mapping with `steps:` and no key that belongs to a workspace, template, Compose file or
// Kubernetes object; its steps do something (`run`, `http_check`, `load_test`, `validate`), or
// else every top-level key is one of the pipeline format's, so a broken pipeline is still one.
inline bool looksLikePipeline(const YAML::Node& root)
{
    if (!root.IsMap() || !root["steps"].IsDefined())
        return false;
    for (const char* foreign : {"apiVersion", "kind", "services", "provider", "targets",
                                "environments", "applications"}) {
        if (root[foreign].IsDefined())
            return false;
    }
    const YAML::Node steps = root["steps"];
    if (steps.IsSequence()) {
        for (const YAML::Node& step : steps) {
            if (!step.IsMap())
                continue;
            for (const char* action : {"run", "http_check", "load_test", "validate"}) {
                if (step[action].IsDefined())
                    return true;
            }
        }
    }
    static constexpr std::array<std::string_view, 5> kTopLevel = {"name", "env", "secrets",
                                                                  "stages", "steps"};
    for (const auto& entry : root) {
        if (!entry.first.IsScalar() ||
            std::find(kTopLevel.begin(), kTopLevel.end(), entry.first.Scalar()) == kTopLevel.end())
            return false;
    }
    return true;
}

} // namespace launchdeck
