// Key lookup over the tree nodes themselves.
#include "core/yamllookup.h"

#include "core/yamlnodeaccess.h"

namespace launchdeck {

YAML::Node yamlChild(const YAML::Node& node, std::string_view key)
{
    if (!node.IsDefined() || !node.IsMap())
        return YAML::Node(YAML::NodeType::Undefined);
    YAML::detail::node& map = *YamlNodeAccessor::nodeOf(node);
    // As yaml-cpp compares: only a scalar key has text to match; the first match wins.
    for (const auto& entry : map) {
        if (entry.first->type() == YAML::NodeType::Scalar && entry.first->scalar() == key)
            return YamlNodeAccessor::wrap(*entry.second, YamlNodeAccessor::memoryOf(node));
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

} // namespace launchdeck
