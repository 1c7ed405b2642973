// Looking a key up in a mapping: what `node[key]` answers on a const node, without the copies
// yaml-cpp makes for each entry it compares and the text it formats for each key it misses.
#pragma once

#include <yaml-cpp/node/node.h>

#include <string_view>

namespace launchdeck {

// The value of the first entry of mapping `node` whose key is the scalar `key`; an undefined
// node when `node` is undefined or no mapping, or has no such entry. Never an invalid node:
// the answer may be asked its type.
YAML::Node yamlChild(const YAML::Node& node, std::string_view key);

} // namespace launchdeck
