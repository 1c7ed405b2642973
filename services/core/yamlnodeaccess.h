// The way into a yaml-cpp Node's own tree node, for the code in this folder that builds trees
// from parser events and looks keys up without the library's per-lookup copies.
#pragma once

#include <yaml-cpp/node/detail/memory.h>
#include <yaml-cpp/node/detail/node.h>
#include <yaml-cpp/node/impl.h>

namespace launchdeck {
struct YamlNodeAccess;
} // namespace launchdeck

// yaml-cpp wraps a built node in a Node only through a private constructor, and keeps the node a
// Node refers to private; its friend template as_if, specialised for a type of ours, is the way
// in that the library's headers leave open.
template <> struct YAML::as_if<launchdeck::YamlNodeAccess, launchdeck::YamlNodeAccess>
{
    static YAML::Node wrap(YAML::detail::node& node, YAML::detail::shared_memory_holder memory)
    {
        return YAML::Node(node, std::move(memory));
    }
    // The tree node of a valid Node; null for one made empty (YAML::Node()).
    static YAML::detail::node* nodeOf(const YAML::Node& node) { return node.m_pNode; }
    static const YAML::detail::shared_memory_holder& memoryOf(const YAML::Node& node)
    {
        return node.m_pMemory;
    }
};

namespace launchdeck {
using YamlNodeAccessor = YAML::as_if<YamlNodeAccess, YamlNodeAccess>;
} // namespace launchdeck
