// What a YAML scalar means to Kubernetes: yaml-cpp hands out text only, and the API server reads
// manifests with the YAML 1.2 core schema, where plain `3` is a number and quoted "3" a string.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string_view>

namespace launchdeck::kubeschema {

enum class ScalarType { Null, Boolean, Integer, Float, String };

// The type of a plain (unquoted, untagged) scalar under the YAML 1.2 core schema.
ScalarType resolvePlainScalar(std::string_view text);

// The type of a scalar node: quoted scalars and `!!str` are strings, other core tags are
// honoured, plain scalars are resolved by their text. A null node is Null.
ScalarType scalarTypeOf(const YAML::Node& node);

} // namespace launchdeck::kubeschema
