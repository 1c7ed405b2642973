// Recognising a workspace file (launchdeck.yaml's format) by its content, for validation of a
// file under another name. Only yaml-cpp, like pipeline/pipelineformat.h.
#pragma once

#include <yaml-cpp/yaml.h>

namespace launchdeck {

// A mapping with `targets`, `environments` or `applications` and no key that belongs to a
// pipeline, template, Compose file or Kubernetes object.
inline bool looksLikeWorkspace(const YAML::Node& root)
{
    if (!root.IsMap())
        return false;
    for (const char* foreign : {"apiVersion", "kind", "services", "provider", "steps"}) {
        if (root[foreign].IsDefined())
            return false;
    }
    for (const char* own : {"targets", "environments", "applications"}) {
        if (root[own].IsDefined())
            return true;
    }
    return false;
}

} // namespace launchdeck
